package dev.httppool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.httppool.testing.Async;
import dev.httppool.testing.FakeTicker;
import dev.httppool.testing.ScriptServer;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Go §3.6 and §5 #44, #45: response header timeout and per-request read timeouts kill the connection. */
@Timeout(30)
class TransportTimeoutIntegrationTest extends TransportTestSupport {

    /**
     * Answers /fast at once; on /slow sends nothing (or, for /slow-body, headers and half the body) and counts
     * down {@code peerClosed} when the client closes the connection.
     */
    private ScriptServer slowServer(CountDownLatch peerClosed) {
        return server(conn -> {
            ScriptServer.Request request;
            while ((request = conn.readRequest()) != null) {
                if (request.target().equals("/slow")) {
                    if (conn.awaitPeerClose(WAIT)) {
                        peerClosed.countDown();
                    }
                    return;
                }
                if (request.target().equals("/slow-body")) {
                    conn.write("HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\nfirst half");
                    if (conn.awaitPeerClose(WAIT)) {
                        peerClosed.countDown();
                    }
                    return;
                }
                conn.respond(200, "fast");
            }
        });
    }

    @Test
    void responseHeaderTimeoutFailsASlowRequestClosesItsConnectionAndLaterRequestsStillWork() throws Exception {
        CountDownLatch peerClosed = new CountDownLatch(1);
        ScriptServer server = slowServer(peerClosed);
        Transport transport = transport(TransportConfig.builder()
                .responseHeaderTimeout(Duration.ofMillis(300)).build());

        assertThat(get(transport, server.url("/fast"))).isEqualTo("fast");
        long start = System.nanoTime();
        Throwable thrown = catchThrowable(() -> transport.roundTrip(Request.get(server.url("/slow"))));
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(thrown).isInstanceOf(SocketTimeoutException.class)
                .hasMessageContaining("timeout awaiting response headers");
        assertThat(tookMillis).isBetween(250L, 4_000L);
        await(peerClosed, "the server to see the timed-out connection closed");
        assertThat(get(transport, server.url("/fast"))).isEqualTo("fast");
        assertThat(server.requests()).extracting(r -> r.connectionId() + " " + r.target())
                .containsExactly("1 /fast", "1 /slow", "2 /fast");
        assertThat(closed(transport, CloseReason.BROKEN)).isEqualTo(1);
    }

    @Test
    void responseHeaderTimeoutDoesNotLimitReadingTheBody() throws Exception {
        CountDownLatch sendRest = new CountDownLatch(1);
        ScriptServer server = server(ScriptServer.keepAliveResponding((conn, request) -> {
            conn.write("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nfirst ");
            sendRest.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            conn.write("later");
        }));
        FakeTicker ticker = new FakeTicker();
        Transport transport = transport(Transport.builder().ticker(ticker)
                .config(TransportConfig.builder().responseHeaderTimeout(Duration.ofSeconds(1)).build()));

        Response response = transport.roundTrip(Request.get(server.url("/")));
        ticker.advance(Duration.ofMinutes(1)); // far past the header deadline
        sendRest.countDown();

        assertThat(readToEof(response)).isEqualTo("first later");
        assertThat(idleFor(transport, server)).isEqualTo(1);
    }

    @Test
    void aPerRequestReadTimeoutFailsWaitingForHeadersAndClosesTheConnection() throws Exception {
        CountDownLatch peerClosed = new CountDownLatch(1);
        ScriptServer server = slowServer(peerClosed);
        Transport transport = transport(TransportConfig.defaults());

        assertThat(get(transport, server.url("/fast"))).isEqualTo("fast");
        Request slow = Request.builder(server.url("/slow")).readTimeout(Duration.ofMillis(300)).build();

        assertThatThrownBy(() -> transport.roundTrip(slow)).isInstanceOf(SocketTimeoutException.class);
        await(peerClosed, "the server to see the timed-out connection closed");
        assertThat(server.acceptedCount()).as("a timeout is not retried").isEqualTo(1);
        assertThat(get(transport, server.url("/fast"))).isEqualTo("fast");
        assertThat(connectionIds(server)).containsExactly(1, 1, 2);
    }

    @Test
    void aPerRequestReadTimeoutFailsAStalledBodyReadAndClosesTheConnection() throws Exception {
        CountDownLatch peerClosed = new CountDownLatch(1);
        ScriptServer server = slowServer(peerClosed);
        Transport transport = transport(TransportConfig.defaults());

        Request slow = Request.builder(server.url("/slow-body")).readTimeout(Duration.ofMillis(300)).build();
        Response response = transport.roundTrip(slow);
        assertThat(response.status()).isEqualTo(200);
        byte[] buffer = new byte[20];
        assertThat(response.body().readNBytes(buffer, 0, 10)).isEqualTo(10);

        assertThatThrownBy(() -> response.body().read(buffer)).isInstanceOf(SocketTimeoutException.class);
        await(peerClosed, "the server to see the timed-out connection closed");
        assertThat(closed(transport, CloseReason.BROKEN)).isEqualTo(1);
        assertThat(transport.snapshot().totals().connections()).isZero();
    }

    @Test
    void aReadTimeoutOnOneRequestDoesNotApplyToTheNextRequestOnTheSameConnection() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ScriptServer server = server(ScriptServer.keepAliveResponding((conn, request) -> {
            if (request.target().equals("/patient")) {
                release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            }
            conn.respond(200, request.target());
        }));
        Transport transport = transport(TransportConfig.defaults());

        Request quick = Request.builder(server.url("/quick")).readTimeout(Duration.ofMillis(100)).build();
        assertThat(readToEof(transport.roundTrip(quick))).isEqualTo("/quick");
        java.util.concurrent.CompletableFuture<String> patient = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return get(transport, server.url("/patient"));
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }, Async.THREADS);
        // Held well past the earlier request's 100 ms read timeout before answering.
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(400);
        awaitTrue("past the earlier read timeout", () -> System.nanoTime() - until > 0);
        release.countDown();

        assertThat(patient.get(5, TimeUnit.SECONDS)).isEqualTo("/patient");
        assertThat(connectionIds(server)).containsExactly(1, 1);
    }
}
