package dev.httppool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.httppool.testing.GatedDialer;
import dev.httppool.testing.Http2TestServer;
import dev.httppool.testing.RecordingListener;
import dev.httppool.testing.TestTls;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** HTTP/2 against a real server (Jetty over TLS): ALPN, multiplexing, flow control, stream limits, cancellation. */
@Timeout(60)
class Http2IntegrationTest extends TransportTestSupport {

    private final ExecutorService callers = Executors.newCachedThreadPool();

    @AfterEach
    void stopCallers() {
        callers.shutdownNow();
    }

    private Http2TestServer h2Server(int maxConcurrentStreams) throws Exception {
        return closeLater(Http2TestServer.start(maxConcurrentStreams));
    }

    private Transport h2Transport(TransportConfig config) {
        return transport(Transport.builder().config(config).sslContext(TestTls.get().clientContext()));
    }

    private static String body(Response r) throws IOException {
        try (r) {
            return new String(r.body().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private PoolSnapshot.KeyStats key(Transport t, Http2TestServer server) {
        return t.snapshot().key("|https|" + server.address().getHostString() + ":" + server.port());
    }

    @Test
    void anHttpsServerThatPicksH2ByAlpnIsSpokenToInHttp2() throws Exception {
        Http2TestServer server = h2Server(128);
        Transport transport = h2Transport(TransportConfig.defaults());

        Response r = transport.roundTrip(Request.get(server.url("/protocol")));

        assertThat(r.protocol()).isEqualTo("HTTP/2.0");
        assertThat(body(r)).isEqualTo("HTTP/2.0");
        PoolSnapshot.KeyStats k = key(transport, server);
        assertThat(k.idle()).isEqualTo(1);
        assertThat(k.idleConnections().get(0).protocol()).isEqualTo("h2");
    }

    @Test
    void withHttp2DisabledTheSameServerIsSpokenToInHttp11() throws Exception {
        Http2TestServer server = h2Server(128);
        Transport transport = h2Transport(TransportConfig.builder().http2Enabled(false).build());

        Response r = transport.roundTrip(Request.get(server.url("/protocol")));

        assertThat(r.protocol()).isEqualTo("HTTP/1.1");
        assertThat(body(r)).isEqualTo("HTTP/1.1");
        assertThat(key(transport, server).idleConnections().get(0).protocol()).isEqualTo("HTTP/1.1");
    }

    @Test
    void concurrentRequestsToOneKeyShareOneConnectionAsStreams() throws Exception {
        Http2TestServer server = h2Server(128);
        Transport transport = h2Transport(TransportConfig.builder().maxConnsPerHost(1).build());
        assertThat(body(transport.roundTrip(Request.get(server.url("/hello"))))).isEqualTo("hello");
        int n = 20;
        List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            results.add(callers.submit(() -> body(transport.roundTrip(Request.get(server.url("/hold"))))));
        }
        awaitTrue("all " + n + " requests held by the server at once", () -> server.holding() == n);
        PoolSnapshot.KeyStats during = key(transport, server);
        assertThat(during.active()).isEqualTo(1);
        assertThat(during.connections()).isEqualTo(1);

        server.release();
        for (Future<String> f : results) {
            assertThat(f.get(5, TimeUnit.SECONDS)).isEqualTo("held");
        }
        assertThat(server.connectionsSeen()).isEqualTo(1);
        awaitTrue("the connection idle again", () -> key(transport, server).idle() == 1);
    }

    @Test
    void withoutAConnectionCapAColdBurstStillEndsOnOneConnectionAndTheUnneededDialsAreClosed() throws Exception {
        Http2TestServer server = h2Server(128);
        Transport transport = h2Transport(TransportConfig.defaults());
        int n = 10;
        List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            results.add(callers.submit(() -> body(transport.roundTrip(Request.get(server.url("/hello"))))));
        }
        for (Future<String> f : results) {
            assertThat(f.get(5, TimeUnit.SECONDS)).isEqualTo("hello");
        }
        awaitPoolClean(transport);
        PoolSnapshot s = transport.snapshot();
        long dials = s.stats().dials();
        long closed = s.stats().closed().values().stream().mapToLong(Long::longValue).sum();
        assertThat(s.totals().idle()).isEqualTo(1);
        assertThat(closed).isEqualTo(dials - 1);
    }

    @Test
    void aBurstAgainstAKeyWhoseHttp2ConnectionIsIdleDialsNothing() throws Exception {
        Http2TestServer server = h2Server(128);
        Transport transport = h2Transport(TransportConfig.defaults());
        assertThat(body(transport.roundTrip(Request.get(server.url("/hello"))))).isEqualTo("hello");
        awaitTrue("the connection idle", () -> key(transport, server).idle() == 1);
        int n = 20;
        List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            results.add(callers.submit(() -> body(transport.roundTrip(Request.get(server.url("/hello"))))));
        }
        for (Future<String> f : results) {
            assertThat(f.get(5, TimeUnit.SECONDS)).isEqualTo("hello");
        }
        awaitPoolClean(transport);

        PoolSnapshot s = transport.snapshot();
        assertThat(s.stats().dials()).as("dials").isEqualTo(1);
        assertThat(s.stats().closed().values().stream().mapToLong(Long::longValue).sum()).as("connections closed")
                .isZero();
        assertThat(server.connectionsSeen()).isEqualTo(1);
    }

    @Test
    void aBurstAfterTheKeysHttp2ConnectionWasClosedSharesOneDialAsTheKeySpokeHttp2() throws Exception {
        Http2TestServer server = h2Server(128);
        GatedDialer dialer = gatedDialer();
        CountDownLatch burstDial = dialer.gate(2);
        Transport transport = transport(Transport.builder().config(TransportConfig.defaults())
                .sslContext(TestTls.get().clientContext()).dialer(dialer));
        assertThat(body(transport.roundTrip(Request.get(server.url("/hello"))))).isEqualTo("hello");
        awaitTrue("the connection idle", () -> key(transport, server).idle() == 1);
        assertThat(transport.closeIdleConnections()).isEqualTo(1);
        int n = 20;
        List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            results.add(callers.submit(() -> body(transport.roundTrip(Request.get(server.url("/hold"))))));
        }
        // Every request of the burst asks before the first one's dial ends (a slow thread start could otherwise
        // arrive after it, with no dial under way, and dial as any request would).
        awaitTrue("all " + n + " requests waiting", () -> transport.snapshot().totals().waiting() == n);
        burstDial.countDown();
        awaitTrue("all " + n + " requests held by the server at once", () -> server.holding() == n);

        assertThat(server.connectionsSeen()).as("the first connection and one for the burst").isEqualTo(2);
        server.release();
        for (Future<String> f : results) {
            assertThat(f.get(5, TimeUnit.SECONDS)).isEqualTo("held");
        }
        awaitPoolClean(transport);
        PoolSnapshot s = transport.snapshot();
        assertThat(s.stats().dials()).as("dials").isEqualTo(2);
        assertThat(s.stats().closed()).as("closed: only the first, by closeIdleConnections")
                .containsExactly(Map.entry("close-idle", 1L));
    }

    @Test
    void aSharedConnectionIsListedOnceAsActiveWithItsOpenStreamsAndEveryStreamOnItCountsAsReused()
            throws Exception {
        Http2TestServer server = h2Server(128);
        Transport transport = h2Transport(TransportConfig.builder().maxConnsPerHost(1).build());
        assertThat(body(transport.roundTrip(Request.get(server.url("/hello"))))).isEqualTo("hello");
        RecordingListener trace = new RecordingListener();
        List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            results.add(callers.submit(() -> body(transport.roundTrip(Request.builder(server.url("/hold?q=secret"))
                    .trace(trace).build()))));
        }
        awaitTrue("three requests held at once", () -> server.holding() == 3);

        PoolSnapshot.KeyStats during = key(transport, server);
        assertThat(during.activeConnections()).singleElement().satisfies(c -> {
            assertThat(c.protocol()).isEqualTo("h2");
            assertThat(c.streams()).isEqualTo(3);
            assertThat(c.requests()).isEqualTo(4);
            assertThat(c.request()).isEqualTo("GET /hold");
        });
        assertThat(during.idleConnections()).isEmpty();
        assertThat(trace.events()).filteredOn(e -> e.startsWith("gotConn"))
                .containsExactlyInAnyOrder("gotConn reused=true wasIdle=true", "gotConn reused=true wasIdle=false",
                        "gotConn reused=true wasIdle=false");

        server.release();
        for (Future<String> f : results) {
            assertThat(f.get(5, TimeUnit.SECONDS)).isEqualTo("held");
        }
        awaitTrue("the connection idle again", () -> key(transport, server).idle() == 1);
        PoolSnapshot.KeyStats after = key(transport, server);
        assertThat(after.activeConnections()).isEmpty();
        assertThat(after.idleConnections()).singleElement().satisfies(c -> {
            assertThat(c.protocol()).isEqualTo("h2");
            assertThat(c.requests()).isEqualTo(4);
        });
        assertThat(transport.snapshot().stats().reused()).isEqualTo(3);
    }

    @Test
    void maxRequestsPerConnCountsTheStreamsOfAnHttp2Connection() throws Exception {
        Http2TestServer server = h2Server(128);
        Transport transport = h2Transport(TransportConfig.builder().maxRequestsPerConn(2).build());
        List<Future<String>> results = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            results.add(callers.submit(() -> body(transport.roundTrip(Request.get(server.url("/hold"))))));
            int held = i;
            awaitTrue(held + " requests held", () -> server.holding() == held);
        }

        assertThat(server.connectionsSeen()).isEqualTo(2); // two streams on the first, the third on a new one
        server.release();
        for (Future<String> f : results) {
            assertThat(f.get(5, TimeUnit.SECONDS)).isEqualTo("held");
        }
        awaitTrue("the used-up connection closed as max-requests",
                () -> closed(transport, CloseReason.MAX_REQUESTS) == 1);
    }

    @Test
    void inAColdBurstEveryGotConnNamesTheConnectionThatServedTheRequestNotADiscardedDial() throws Exception {
        Http2TestServer server = h2Server(128);
        Transport transport = h2Transport(TransportConfig.defaults());
        List<String> gotConnAddresses = new java.util.concurrent.CopyOnWriteArrayList<>();
        ClientTrace trace = new ClientTrace() {
            @Override
            public void gotConn(GotConnInfo info) {
                gotConnAddresses.add(info.localAddress());
            }
        };
        int n = 30;
        List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            results.add(callers.submit(() -> body(transport.roundTrip(Request.builder(server.url("/hello"))
                    .trace(trace).build()))));
        }
        for (Future<String> f : results) {
            assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo("hello");
        }
        awaitPoolClean(transport);

        // A discarded dial carries no request, so the server never saw it.
        assertThat(gotConnAddresses).hasSize(n).allSatisfy(address -> assertThat(server.clientPortsSeen())
                .contains(Integer.parseInt(address.substring(address.lastIndexOf(':') + 1))));
    }

    @Test
    void unneededHttp2DialsOfAColdBurstGiveNoIdleCapAdvice() throws Exception {
        Http2TestServer server = h2Server(128);
        Transport transport = h2Transport(TransportConfig.defaults());
        int n = 30;
        List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            results.add(callers.submit(() -> body(transport.roundTrip(Request.get(server.url("/hello"))))));
        }
        for (Future<String> f : results) {
            assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo("hello");
        }
        awaitPoolClean(transport);

        assertThat(transport.snapshot().advice()).isEmpty();
    }

    @Test
    void atTheServersStreamLimitANonStrictPoolDialsASecondConnection() throws Exception {
        Http2TestServer server = h2Server(2);
        Transport transport = h2Transport(TransportConfig.defaults());
        assertThat(body(transport.roundTrip(Request.get(server.url("/hello"))))).isEqualTo("hello");
        List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            results.add(callers.submit(() -> body(transport.roundTrip(Request.get(server.url("/hold"))))));
        }
        awaitTrue("three requests held at once", () -> server.holding() == 3);
        assertThat(key(transport, server).active()).isEqualTo(2);

        server.release();
        for (Future<String> f : results) {
            assertThat(f.get(5, TimeUnit.SECONDS)).isEqualTo("held");
        }
        assertThat(server.connectionsSeen()).isEqualTo(2);
    }

    @Test
    void atTheServersStreamLimitAStrictPoolWaitsForAStream() throws Exception {
        Http2TestServer server = h2Server(2);
        Transport transport = h2Transport(TransportConfig.builder().http2StrictMaxConcurrentStreams(true).build());
        assertThat(body(transport.roundTrip(Request.get(server.url("/hello"))))).isEqualTo("hello");
        List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            results.add(callers.submit(() -> body(transport.roundTrip(Request.get(server.url("/hold"))))));
        }
        awaitTrue("two requests held", () -> server.holding() == 2);
        assertThat(server.requests()).isEqualTo(3); // /hello and two /hold: the third waits in the client
        awaitTrue("the third shown waiting for a stream", () -> key(transport, server).waiting() == 1);

        server.release();
        for (Future<String> f : results) {
            assertThat(f.get(5, TimeUnit.SECONDS)).isEqualTo("held");
        }
        assertThat(server.connectionsSeen()).isEqualTo(1);
    }

    @Test
    void tenMegabytesGoUpAndComeDownIntactOnOneStreamEach() throws Exception {
        Http2TestServer server = h2Server(128);
        Transport transport = h2Transport(TransportConfig.defaults());
        int size = 10 * 1024 * 1024;
        byte[] up = new byte[size];
        for (int i = 0; i < size; i++) {
            up[i] = Http2TestServer.pattern(i);
        }

        Response put = transport.roundTrip(Request.builder(server.url("/sha256")).post(RequestBody.of(up)).build());
        assertThat(body(put)).isEqualTo(size + ":" + Http2TestServer.patternSha256(size));

        Response down = transport.roundTrip(Request.get(server.url("/bytes?n=" + size)));
        assertThat(down.contentLength()).isEqualTo(size);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long n = 0;
        try (InputStream in = down.body()) {
            byte[] buf = new byte[32 * 1024];
            for (int k; (k = in.read(buf)) >= 0; ) {
                sha.update(buf, 0, k);
                n += k;
            }
        }
        assertThat(n).isEqualTo(size);
        assertThat(HexFormat.of().formatHex(sha.digest())).isEqualTo(Http2TestServer.patternSha256(size));
        assertThat(server.connectionsSeen()).isEqualTo(1);
    }

    @Test
    void expectContinueWaitsForTheServersGoAheadAndSendsTheBody() throws Exception {
        Http2TestServer server = h2Server(128);
        Transport transport = h2Transport(TransportConfig.builder().expectContinueTimeout(Duration.ofSeconds(30))
                .build());
        byte[] up = new byte[100_000];
        for (int i = 0; i < up.length; i++) {
            up[i] = Http2TestServer.pattern(i);
        }

        long start = System.nanoTime();
        Response r = transport.roundTrip(Request.builder(server.url("/sha256")).header("Expect", "100-continue")
                .post(RequestBody.of(up)).build());

        assertThat(body(r)).isEqualTo(up.length + ":" + Http2TestServer.patternSha256(up.length));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aResponseHeaderTimeoutFailsOneStreamAndLeavesTheConnectionUsable() throws Exception {
        Http2TestServer server = h2Server(128);
        Transport transport = h2Transport(TransportConfig.builder()
                .responseHeaderTimeout(Duration.ofMillis(300)).build());

        Throwable thrown = catchThrowable(() -> transport.roundTrip(Request.get(server.url("/hold"))));

        assertThat(thrown).isInstanceOf(SocketTimeoutException.class)
                .hasMessageContaining("timeout awaiting response headers");
        assertThat(body(transport.roundTrip(Request.get(server.url("/hello"))))).isEqualTo("hello");
        assertThat(server.connectionsSeen()).isEqualTo(1);
        server.release();
    }

    @Test
    void anIdleHttp2ConnectionIsClosedByCloseIdleConnectionsAndByTheIdleTimeout() throws Exception {
        Http2TestServer server = h2Server(128);
        Transport transport = h2Transport(TransportConfig.defaults());
        assertThat(body(transport.roundTrip(Request.get(server.url("/hello"))))).isEqualTo("hello");
        assertThat(transport.closeIdleConnections()).isEqualTo(1);
        assertThat(closed(transport, CloseReason.CLOSE_IDLE)).isEqualTo(1);

        Transport timed = h2Transport(TransportConfig.builder().idleConnTimeout(Duration.ofMillis(200)).build());
        assertThat(body(timed.roundTrip(Request.get(server.url("/hello"))))).isEqualTo("hello");
        awaitTrue("closed as idle-timeout", () -> closed(timed, CloseReason.IDLE_TIMEOUT) == 1);
        assertThat(timed.snapshot().totals().connections()).isZero();
    }

    @Test
    void closingABodyEarlyResetsTheStreamAndTheConnectionCarriesOn() throws Exception {
        Http2TestServer server = h2Server(128);
        Transport transport = h2Transport(TransportConfig.defaults());
        Response big = transport.roundTrip(Request.get(server.url("/bytes?n=" + (64L << 20))));
        assertThat(big.body().read(new byte[1000])).isPositive();
        big.close(); // 64 MiB left: more than a drain may read, so the stream is reset

        assertThat(body(transport.roundTrip(Request.get(server.url("/hello"))))).isEqualTo("hello");
        assertThat(server.connectionsSeen()).isEqualTo(1);
        assertThat(transport.snapshot().stats().closed()).isEmpty();
    }
}
