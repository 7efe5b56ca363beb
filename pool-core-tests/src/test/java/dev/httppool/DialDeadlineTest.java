package dev.httppool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.httppool.testing.ScriptServer;
import dev.httppool.testing.Tarpits;
import dev.httppool.testing.TestTls;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 11, item 3: a hostile server costs a caller no more than the dial's limits promise, in time and in
 * threads. The TLS handshake is bounded as a whole by {@code tlsHandshakeTimeout}, however the server trickles
 * its bytes. (The proxy's CONNECT deadline is tested on the connector, {@code ProxyConnectDeadlineTest}, where it
 * can be shortened.)
 */
@Timeout(60)
class DialDeadlineTest extends TransportTestSupport {

    private static final int CALLERS = 100;
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofMillis(300);
    /** Far more than the handshake timeout, for a loaded 2-core machine; the tarpit holds on for 30 s. */
    private static final Duration BOUND = Duration.ofSeconds(10);

    @Test
    void aHundredRequestsToATricklingTlsTarpitAllFailWithinTheHandshakeTimeoutAndNoDialThreadStaysInAHandshake()
            throws Exception {
        // One byte every 50 ms: no single read ever waits 300 ms, so only a deadline on the whole handshake ends it.
        ScriptServer tarpit = server(Tarpits.tricklingTlsHandshake(Duration.ofMillis(50)));
        Transport transport = transport(Transport.builder().sslContext(TestTls.get().clientContext())
                .config(TransportConfig.builder().tlsHandshakeTimeout(HANDSHAKE_TIMEOUT)
                        .maxIdleConnsPerHost(CALLERS).build()));
        ExecutorService callers = callers();
        try {
            long start = System.nanoTime();
            List<CompletableFuture<Throwable>> failures = new ArrayList<>();
            for (int i = 0; i < CALLERS; i++) {
                failures.add(CompletableFuture.supplyAsync(() -> catchThrowable(
                        () -> transport.roundTrip(Request.get("https://" + tarpit.address() + "/"))), callers));
            }
            long deadline = start + BOUND.toNanos();
            for (CompletableFuture<Throwable> f : failures) {
                Throwable thrown = f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                assertThat(thrown).isInstanceOf(SocketTimeoutException.class)
                        .hasMessageContaining("TLS handshake timeout after 300 ms")
                        .hasMessageContaining("|https|" + tarpit.address());
            }
        } finally {
            callers.shutdownNow();
            assertThat(callers.awaitTermination(5, TimeUnit.SECONDS)).as("caller threads ended").isTrue();
        }

        assertThat(tarpit.awaitOpenCount(0, WAIT)).as("every tarpit socket closed by the client").isTrue();
        assertThat(tarpit.acceptedCount()).isEqualTo(CALLERS);
        awaitTrue("no dial thread inside a TLS handshake", () -> dialThreadsInAHandshake().isEmpty());
        PoolSnapshot snapshot = transport.snapshot();
        assertThat(snapshot.stats().dialFailures()).isEqualTo(CALLERS);
        assertThat(snapshot.totals().connections()).isZero();
        assertThat(snapshot.keys()).isEmpty();
    }

    @Test
    void aHandshakeThatFinishedInTimeIsNotCutLaterByItsDeadline() throws Exception {
        AtomicBoolean closedWhileAnswering = new AtomicBoolean();
        // The first answer comes three handshake timeouts after the request: a deadline left armed would have
        // closed the connection by then.
        ScriptServer server = closeLater(ScriptServer.startTls(ScriptServer.keepAliveResponding((conn, request) -> {
            if (request.target().equals("/slow")) {
                closedWhileAnswering.set(conn.awaitPeerClose(HANDSHAKE_TIMEOUT.multipliedBy(3)));
            }
            conn.respond(200, "ok " + request.target());
        }), TestTls.get().serverContext()));
        Transport transport = transport(Transport.builder().sslContext(TestTls.get().clientContext())
                .config(TransportConfig.builder().tlsHandshakeTimeout(HANDSHAKE_TIMEOUT).build()));

        assertThat(get(transport, server.url("/slow"))).isEqualTo("ok /slow");
        assertThat(get(transport, server.url("/next"))).isEqualTo("ok /next");

        assertThat(closedWhileAnswering).as("the client closed the connection while waiting").isFalse();
        assertThat(connectionIds(server)).containsExactly(1, 1);
    }

    /** Threads of the transport's dial executor whose stack is in a TLS handshake. */
    static List<String> dialThreadsInAHandshake() {
        List<String> stuck = new ArrayList<>();
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            if (!e.getKey().getName().startsWith("httppool-dial-")) {
                continue;
            }
            for (StackTraceElement frame : e.getValue()) {
                if (frame.getMethodName().equals("startHandshake")) {
                    stuck.add(e.getKey().getName());
                    break;
                }
            }
        }
        return stuck;
    }

    private static ExecutorService callers() {
        AtomicInteger ids = new AtomicInteger();
        return Executors.newFixedThreadPool(CALLERS, r -> {
            Thread t = new Thread(r, "deadline-caller-" + ids.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }
}
