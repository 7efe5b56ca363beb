package dev.httppool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.httppool.testing.Async;
import dev.httppool.testing.ScriptServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedByInterruptException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 4, cancellation: a request interrupted or timed out while dialing, while writing its body, while
 * reading headers or while reading its body fails promptly, its connection is closed (the server sees it go),
 * the pool is consistent, and the next request gets its own response (never bytes left over from the cancelled
 * one). Waiting in the queue is covered by {@code TransportLateBindingIntegrationTest} (interrupt) and
 * {@code TransportLimitsIntegrationTest} (connWaitTimeout); timeouts while reading headers or the body by
 * {@code TransportTimeoutIntegrationTest}.
 */
@Timeout(60)
class CancellationTest extends TransportTestSupport {

    private static final int BIG_BODY = 16 * 1024 * 1024;
    private Set<Thread> threadsBefore;

    @BeforeEach
    void rememberThreads() {
        threadsBefore = Thread.getAllStackTraces().keySet();
    }

    @AfterEach
    void noThreadIsLeftBehind() {
        FaultIsolationTest.assertNoThreadLeftBehind(threadsBefore);
    }

    /** A request running on its own thread, which the test can interrupt. */
    private static final class Call {
        final AtomicReference<Thread> thread = new AtomicReference<>();
        final CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        final CountDownLatch hasHeaders = new CountDownLatch(1);

        Call(Transport transport, Request request) {
            Thread t = new Thread(() -> outcome.complete(catchThrowable(() -> {
                try (Response response = transport.roundTrip(request)) {
                    hasHeaders.countDown();
                    response.body().readAllBytes();
                }
            })), "fault-client-call");
            t.setDaemon(true);
            thread.set(t);
            t.start();
        }

        Throwable failure() throws Exception {
            return outcome.get(10, TimeUnit.SECONDS);
        }
    }

    /** Answers {@code ok <target>}; a request for {@code /stall...} is handled by {@code stall} instead. */
    private ScriptServer serverStallingOn(ScriptServer.Handler stall) {
        return server(conn -> {
            ScriptServer.Request head;
            while ((head = conn.readRequestHead()) != null) {
                if (head.target().startsWith("/stall")) {
                    stall.handle(conn);
                    return;
                }
                conn.readBody(head);
                conn.respond(200, "ok " + head.target());
            }
        });
    }

    /** The cancelled request's connection is gone on both sides, and the next request gets its own answer. */
    private static void assertConnectionClosedAndTheNextRequestGetsItsOwnAnswer(Transport transport,
            ScriptServer server) throws IOException {
        FaultIsolationTest.assertPoolHoldsOnlyIdleConnectionsMatchingTheServer(transport, server);
        assertThat(transport.snapshot().stats().closed()).containsKey(CloseReason.BROKEN.tag());
        assertThat(get(transport, server.url("/next"))).isEqualTo("ok /next");
        FaultIsolationTest.assertPoolHoldsOnlyIdleConnectionsMatchingTheServer(transport, server);
        transport.close();
        server.close();
    }

    @Test
    void anInterruptWhileReadingHeadersFailsTheRequestClosesItsConnectionAndTheNextRequestGetsItsOwnAnswer()
            throws Exception {
        CountDownLatch stalled = new CountDownLatch(1);
        ScriptServer server = serverStallingOn(conn -> {
            stalled.countDown();
            conn.awaitPeerClose(WAIT.multipliedBy(2));
            conn.write("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nlate"); // never read by anyone
        });
        Transport transport = transport(TransportConfig.defaults());
        assertThat(get(transport, server.url("/warm"))).isEqualTo("ok /warm");

        Call call = new Call(transport, Request.get(server.url("/stall")));
        await(stalled, "the server to hold the request");
        call.thread.get().interrupt();

        assertThat(call.failure()).isInstanceOf(InterruptedIOException.class);
        assertConnectionClosedAndTheNextRequestGetsItsOwnAnswer(transport, server);
    }

    @Test
    void anInterruptWhileReadingTheBodyFailsTheReadClosesTheConnectionAndLeavesNoUnreadBytesForAnyone()
            throws Exception {
        CountDownLatch peerClosed = new CountDownLatch(1);
        ScriptServer server = serverStallingOn(conn -> {
            conn.write("HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\nfirst-ten-");
            if (conn.awaitPeerClose(WAIT.multipliedBy(2))) {
                peerClosed.countDown();
            }
        });
        Transport transport = transport(TransportConfig.defaults());
        assertThat(get(transport, server.url("/warm"))).isEqualTo("ok /warm");

        Call call = new Call(transport, Request.get(server.url("/stall")));
        await(call.hasHeaders, "the response headers");
        call.thread.get().interrupt();

        assertThat(call.failure()).as("NIO semantics: the interrupted read closes the channel")
                .matches(CancellationTest::isInterruptFailure, "InterruptedIOException or ClosedByInterruptException");
        await(peerClosed, "the server to see the connection closed");
        assertConnectionClosedAndTheNextRequestGetsItsOwnAnswer(transport, server);
    }

    @Test
    void anInterruptWhileTheRequestBodyIsBeingWrittenFailsTheRequestAndClosesTheConnection() throws Exception {
        CountDownLatch headRead = new CountDownLatch(1);
        ScriptServer server = serverStallingOn(conn -> {
            headRead.countDown(); // and never read the 16 MiB body, so the client's writes block
            conn.awaitPeerClose(WAIT.multipliedBy(2));
        });
        Transport transport = transport(TransportConfig.defaults());
        assertThat(get(transport, server.url("/warm"))).isEqualTo("ok /warm");

        Call call = new Call(transport, Request.builder(server.url("/stall"))
                .post(RequestBody.of(new byte[BIG_BODY])).build());
        await(headRead, "the server to read the request head");
        call.thread.get().interrupt();

        assertThat(call.failure()).matches(CancellationTest::isInterruptFailure,
                "an IOException caused by the interrupt");
        assertConnectionClosedAndTheNextRequestGetsItsOwnAnswer(transport, server);
    }

    @Test
    void aReadTimeoutWhileTheServerRefusesToReadTheBodyFailsTheRequestAndClosesTheConnection() throws Exception {
        ScriptServer server = serverStallingOn(conn -> conn.awaitPeerClose(WAIT.multipliedBy(2)));
        Transport transport = transport(TransportConfig.defaults());
        assertThat(get(transport, server.url("/warm"))).isEqualTo("ok /warm");

        long start = System.nanoTime();
        Throwable thrown = catchThrowable(() -> transport.roundTrip(Request.builder(server.url("/stall"))
                .post(RequestBody.of(new byte[BIG_BODY])).readTimeout(Duration.ofMillis(300)).build()).close());

        assertThat(thrown).isInstanceOf(SocketTimeoutException.class);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(WAIT.toMillis());
        assertConnectionClosedAndTheNextRequestGetsItsOwnAnswer(transport, server);
    }

    @Test
    void aDialThatTimesOutFailsWithSocketTimeoutFreesItsSlotAndTheQueuedRequestDialsAgain() throws Exception {
        // A listener that never accepts, with its backlog filled: further SYNs are dropped and connects hang.
        List<Socket> fillers = new ArrayList<>();
        try (ServerSocket blackHole = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = blackHole.getLocalPort();
            boolean full = false;
            for (int i = 0; i < 16 && !full; i++) {
                Socket s = new Socket();
                fillers.add(s);
                try {
                    s.connect(blackHole.getLocalSocketAddress(), 200);
                } catch (SocketTimeoutException e) {
                    full = true;
                }
            }
            org.junit.jupiter.api.Assumptions.assumeTrue(full, "this platform never drops SYNs to a full backlog");
            Transport transport = transport(TransportConfig.builder().maxConnsPerHost(1)
                    .dialTimeout(Duration.ofMillis(300)).build());
            String url = "http://127.0.0.1:" + port + "/";

            CompletableFuture<Throwable> first = CompletableFuture.supplyAsync(
                    () -> FaultIsolationTest.failureOf(transport, url), Async.THREADS);
            awaitTrue("first request dialing", () -> transport.snapshot().totals().dialing() == 1);
            Throwable second = FaultIsolationTest.failureOf(transport, url);

            assertThat(first.get(10, TimeUnit.SECONDS)).isInstanceOf(SocketTimeoutException.class)
                    .hasMessageContaining("timeout");
            assertThat(second).isInstanceOf(SocketTimeoutException.class);
            assertThat(transport.snapshot().stats().dialFailures()).isEqualTo(2);
            awaitPoolClean(transport);
            assertThat(transport.snapshot().totals().connections()).isZero();
            transport.close();
        } finally {
            for (Socket s : fillers) {
                s.close();
            }
        }
    }

    @Test
    void aResponseClosedHalfReadWhoseRestDoesNotArriveIsClosedNotReusedAndTheNextRequestGetsItsOwnAnswer()
            throws Exception {
        ScriptServer server = serverStallingOn(conn -> {
            conn.write("HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\nfirst-ten-");
            conn.awaitPeerClose(WAIT.multipliedBy(2));
            conn.write("second-ten"); // too late: must never be read as the start of another response
        });
        Transport transport = transport(TransportConfig.defaults());

        Response response = transport.roundTrip(Request.get(server.url("/stall")));
        InputStream body = response.body();
        assertThat(new String(body.readNBytes(10), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("first-ten-");
        response.close();

        assertConnectionClosedAndTheNextRequestGetsItsOwnAnswer(transport, server);
    }

    /** An InterruptedIOException, or an IOException caused by the channel closing on the interrupt. */
    static boolean isInterruptFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof InterruptedIOException || c instanceof ClosedByInterruptException) {
                return t instanceof IOException;
            }
        }
        return false;
    }
}
