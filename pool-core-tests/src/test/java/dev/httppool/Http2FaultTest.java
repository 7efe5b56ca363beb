package dev.httppool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.httppool.testing.Async;
import dev.httppool.testing.H2ScriptServer;
import dev.httppool.testing.H2ScriptServer.Mode;
import dev.httppool.testing.Http2TestServer;
import dev.httppool.testing.TestProxy;
import dev.httppool.testing.TestTls;
import dev.httppool.testing.TricklingRelay;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** HTTP/2 servers that go away, go silent, or sit behind a proxy. */
@Timeout(60)
class Http2FaultTest extends TransportTestSupport {

    private Transport h2Transport(TransportConfig config) {
        return transport(Transport.builder().config(config).sslContext(TestTls.get().clientContext()));
    }

    private static String body(Response r) throws IOException {
        try (r) {
            return new String(r.body().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aStreamAboveTheLastStreamIdOfAGoAwayIsRetriedOnANewConnectionEvenForPost() throws Exception {
        H2ScriptServer server = closeLater(H2ScriptServer.start(Mode.GOAWAY_AFTER_TWO, Mode.ANSWER));
        Transport transport = h2Transport(TransportConfig.builder().maxConnsPerHost(1).build());
        Request post = Request.builder(server.url("/")).post(RequestBody.of("payload")).build();

        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> call(transport, post), Async.THREADS);
        awaitTrue("first stream open", () -> server.streamsOn(0).size() == 1);
        CompletableFuture<String> second = CompletableFuture.supplyAsync(() -> call(transport, post), Async.THREADS);

        assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("ok");
        assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo("ok");
        assertThat(server.streamsOn(0)).containsExactly(1, 3);
        assertThat(server.streamsOn(1)).containsExactly(1);
        assertThat(server.connections()).isEqualTo(2);
        awaitTrue("the goaway connection closed as goaway", () -> closed(transport, CloseReason.GOAWAY) == 1);
    }

    @Test
    void aRequestWithoutBodyBehindAWriterStuckOnAServerThatStopsReadingFailsAtItsResponseHeaderTimeout()
            throws Exception {
        H2ScriptServer server = closeLater(H2ScriptServer.start(Mode.STOPS_READING));
        Transport transport = h2Transport(TransportConfig.builder()
                .responseHeaderTimeout(Duration.ofMillis(500)).build());
        Request upload = Request.builder(server.url("/upload")).post(RequestBody.of(new byte[64 << 20])).build();
        CompletableFuture<String> stuck = CompletableFuture.supplyAsync(() -> call(transport, upload), Async.THREADS);
        awaitTrue("the upload's HEADERS reached the server", () -> server.streamsOn(0).size() == 1);

        long start = System.nanoTime();
        Throwable thrown = catchThrowable(() -> transport.roundTrip(Request.get(server.url("/"))));

        // Its HEADERS wait for the write lock the upload holds (or went out between the upload's frames): either
        // way its wait for a response is bounded by its own deadline, not by the stuck writer.
        assertThat(thrown).isInstanceOf(IOException.class).hasMessageContaining("timeout awaiting response headers");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(stuck).as("the upload still writes into a server that reads nothing").isNotDone();

        server.close(); // the stuck write fails with the connection, and the pool's counts return to zero
        assertThat(stuck).failsWithin(5, TimeUnit.SECONDS);
    }

    @Test
    void aServerThatStopsAnsweringIsDetectedByPingAndItsConnectionClosedAsPingTimeout() throws Exception {
        H2ScriptServer server = closeLater(H2ScriptServer.start(Mode.SILENT));
        Transport transport = h2Transport(TransportConfig.builder()
                .http2PingInterval(Duration.ofMillis(200)).http2PingTimeout(Duration.ofMillis(300)).build());

        long start = System.nanoTime();
        Throwable thrown = catchThrowable(() -> transport.roundTrip(Request.get(server.url("/"))));

        assertThat(thrown).isInstanceOf(IOException.class).hasMessageContaining("PING");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        awaitTrue("closed as ping-timeout", () -> closed(transport, CloseReason.PING_TIMEOUT) == 1);
        assertThat(server.connections()).isEqualTo(1);
    }

    @Test
    void aPingAnswerTrickledPastThePingTimeoutStillEndsTheConnectionAsPingTimeout() throws Exception {
        H2ScriptServer server = closeLater(H2ScriptServer.start(Mode.ANSWER));
        TricklingRelay relay = closeLater(TricklingRelay.start(server.address().getPort()));
        Dialer tcp = Dialer.tcp(Duration.ZERO);
        Transport transport = transport(Transport.builder()
                .dialer((host, port, timeout) -> tcp.dial("127.0.0.1", relay.port(), timeout))
                .sslContext(TestTls.get().clientContext())
                .config(TransportConfig.builder()
                        .http2PingInterval(Duration.ofMillis(200)).http2PingTimeout(Duration.ofMillis(300)).build()));
        assertThat(body(transport.roundTrip(Request.get(server.url("/"))))).isEqualTo("ok");

        // The PING ack's TLS record (about 40 bytes) now takes about 1.6 s, a byte every 40 ms: no single read
        // waits as long as the ping timeout, but the ack comes far too late.
        relay.trickle(Duration.ofMillis(40));

        awaitTrue("closed as ping-timeout", () -> closed(transport, CloseReason.PING_TIMEOUT) == 1);
        assertThat(transport.snapshot().totals().connections()).isZero();
    }

    @Test
    void aServerThatNeverSendsItsSettingsFailsTheDialWithinTheTlsHandshakeTimeout() throws Exception {
        H2ScriptServer server = closeLater(H2ScriptServer.start(Mode.NO_SETTINGS));
        Transport transport = h2Transport(TransportConfig.builder()
                .tlsHandshakeTimeout(Duration.ofMillis(300)).build());

        long start = System.nanoTime();
        Throwable thrown = catchThrowable(() -> transport.roundTrip(Request.get(server.url("/"))));

        assertThat(thrown).isInstanceOf(IOException.class).hasMessageContaining("sent no SETTINGS within 300 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aHeadOverMaxResponseHeaderBytesFailsWithTheSameErrorAsInHttp11() throws Exception {
        H2ScriptServer server = closeLater(H2ScriptServer.start(Mode.HUGE_HEAD));
        Transport transport = h2Transport(TransportConfig.builder().maxResponseHeaderBytes(1000).build());

        Throwable thrown = catchThrowable(() -> transport.roundTrip(Request.get(server.url("/"))));

        assertThat(thrown).isInstanceOf(java.net.ProtocolException.class)
                .hasMessageContaining("server response headers exceeded 1000 bytes; aborted");
    }

    @Test
    void aConnectionThatGetsGoAwayAfterItsLastResponseIsClosedAsGoawayAndTheNextRequestDials() throws Exception {
        H2ScriptServer server = closeLater(H2ScriptServer.start(Mode.GOAWAY_WHEN_IDLE));
        Transport transport = h2Transport(TransportConfig.defaults());

        assertThat(body(transport.roundTrip(Request.get(server.url("/"))))).isEqualTo("ok");
        awaitTrue("closed as goaway", () -> closed(transport, CloseReason.GOAWAY) == 1);
        assertThat(transport.snapshot().totals().connections()).isZero();
        assertThat(body(transport.roundTrip(Request.get(server.url("/"))))).isEqualTo("ok");

        assertThat(server.connections()).isEqualTo(2);
    }

    @Test
    void aRefusedStreamIsRetriedEvenForPostAndTheConnectionStaysInUse() throws Exception {
        H2ScriptServer server = closeLater(H2ScriptServer.start(Mode.REFUSE_FIRST));
        Transport transport = h2Transport(TransportConfig.defaults());

        Response r = transport.roundTrip(Request.builder(server.url("/")).post(RequestBody.of("x")).build());

        assertThat(body(r)).isEqualTo("ok");
        assertThat(server.streamsOn(0)).containsExactly(1, 3);
        assertThat(server.connections()).isEqualTo(1);
        assertThat(transport.snapshot().stats().closed()).isEmpty();
    }

    @Test
    void aServerFloodingPingsIsCutOffWithEnhanceYourCalm() throws Exception {
        H2ScriptServer server = closeLater(H2ScriptServer.start(Mode.PING_FLOOD, Mode.ANSWER));
        Transport transport = h2Transport(TransportConfig.defaults());

        Throwable thrown = catchThrowable(() -> body(transport.roundTrip(Request.get(server.url("/")))));

        // The flood arrives before the response: the connection ends; the request may have been retried on a
        // second, well-behaved connection (its failure came before any response byte).
        awaitTrue("GOAWAY ENHANCE_YOUR_CALM sent", () -> server.goAwayCodes().contains(0xb));
        // The reader thread closes the connection after sending GOAWAY. The flood follows the server's SETTINGS at
        // once, so it may end the connection before its first request (a failed dial) or after (a broken one).
        awaitTrue("the flooded connection closed", () -> floodedConnectionsEnded(transport) >= 1);
        assertThat(floodedConnectionsEnded(transport)).isEqualTo(1);
        if (thrown != null) {
            assertThat(thrown).isInstanceOf(IOException.class);
            assertThat(messages(thrown)).contains("server made us answer more than 1000 PING");
        }
    }

    @Test
    void aServerWhoseFirstFrameIsNotSettingsFailsTheDialAndIsToldProtocolErrorBeforeTheClose() throws Exception {
        H2ScriptServer server = closeLater(H2ScriptServer.start(Mode.PING_BEFORE_SETTINGS));
        Transport transport = h2Transport(TransportConfig.defaults());

        Throwable thrown = catchThrowable(() -> transport.roundTrip(Request.get(server.url("/"))));

        assertThat(thrown).isInstanceOf(IOException.class).hasMessageContaining("ended before its first request");
        assertThat(messages(thrown)).contains("the server's first frame was PING, not SETTINGS");
        // the GOAWAY was read by the server: the client did not reset the connection under it
        awaitTrue("GOAWAY PROTOCOL_ERROR read by the server", () -> server.goAwayCodes().contains(0x1));
        assertThat(server.goAwayCodes()).containsExactly(0x1);
        assertThat(transport.snapshot().stats().dialFailures()).isEqualTo(1);
        assertThat(server.connections()).isEqualTo(1);
    }

    /** The messages of {@code thrown} and its causes, one per line. */
    private static String messages(Throwable thrown) {
        StringBuilder messages = new StringBuilder();
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append('\n');
        }
        return messages.toString();
    }

    private static long floodedConnectionsEnded(Transport transport) {
        return closed(transport, CloseReason.BROKEN) + transport.snapshot().stats().dialFailures();
    }

    @Test
    void paddingGoesBackToTheWindowsSoAServerThatPadsEveryFrameDeliversABodyLargerThanBothWindows()
            throws Exception {
        H2ScriptServer server = closeLater(H2ScriptServer.start(Mode.PADDED_BODY));
        Transport transport = h2Transport(TransportConfig.defaults());

        CompletableFuture<String> body = CompletableFuture.supplyAsync(
                () -> call(transport, Request.get(server.url("/"))), Async.THREADS);

        assertThat(body.get(30, TimeUnit.SECONDS)).hasSize(H2ScriptServer.PADDED_BODY_BYTES).matches("x+");
        assertThat(transport.snapshot().stats().closed()).isEmpty();
    }

    @Test
    void aServerThatSendsBeyondTheConnectionWindowGetsFlowControlErrorAndTheConnectionCloses() throws Exception {
        H2ScriptServer server = closeLater(H2ScriptServer.start(Mode.WINDOW_IGNORED));
        Transport transport = h2Transport(TransportConfig.defaults());
        List<Response> unread = new java.util.ArrayList<>();

        try {
            // Four streams of 4 MiB fill the 16 MiB connection window; the fifth overruns it.
            for (int i = 0; i < 5; i++) {
                unread.add(transport.roundTrip(Request.get(server.url("/"))));
            }
        } catch (IOException expected) {
            // the fifth head may already find the connection ended
        }

        // The first stream's buffered 4 MiB are still delivered; then it fails with the connection's error.
        Throwable thrown = catchThrowable(() -> unread.get(0).body().readAllBytes());
        assertThat(thrown).isInstanceOf(IOException.class).hasMessageContaining("beyond the connection window");
        for (Response r : unread) {
            r.close();
        }
        awaitTrue("the connection closed as broken", () -> closed(transport, CloseReason.BROKEN) == 1);
        assertThat(server.connections()).isEqualTo(1);
    }

    @Test
    void http2WorksThroughAConnectProxyWithTlsInsideTheTunnel() throws Exception {
        Http2TestServer server = closeLater(Http2TestServer.start());
        TestProxy proxy = closeLater(TestProxy.start());
        Transport transport = transport(Transport.builder().sslContext(TestTls.get().clientContext())
                .proxy(ProxyResolver.fixed(proxy.url(null), "")));

        List<String> answers = List.of(body(transport.roundTrip(Request.get(server.url("/protocol")))),
                body(transport.roundTrip(Request.get(server.url("/protocol")))));

        assertThat(answers).containsExactly("HTTP/2.0", "HTTP/2.0");
        assertThat(proxy.connectCount()).isEqualTo(1);
        assertThat(server.connectionsSeen()).isEqualTo(1);
    }

    private static String call(Transport transport, Request request) {
        try {
            return body(transport.roundTrip(request));
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }
}
