package dev.httppool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.httppool.testing.GatedDialer;
import dev.httppool.testing.RecordingListener;
import dev.httppool.testing.ScriptServer;
import java.io.InterruptedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Go §2.4 and §5 #15, #35, #36, #38, #40: late binding, orphaned dials, and interrupted waits. */
@Timeout(30)
class TransportLateBindingIntegrationTest extends TransportTestSupport {

    /** A request run on its own thread, so that the test can interrupt it. */
    private static final class Call {
        final CompletableFuture<String> result = new CompletableFuture<>();
        final AtomicReference<Thread> thread = new AtomicReference<>();
        final AtomicBoolean interruptedAfter = new AtomicBoolean();

        Call(Transport transport, Request request) {
            Thread t = new Thread(() -> {
                String body = null;
                Throwable failure = null;
                try {
                    body = readToEof(transport.roundTrip(request));
                } catch (Throwable e) {
                    failure = e;
                }
                interruptedAfter.set(Thread.currentThread().isInterrupted()); // before the result is visible
                if (failure == null) {
                    result.complete(body);
                } else {
                    result.completeExceptionally(failure);
                }
            }, "test-call " + request);
            t.setDaemon(true);
            thread.set(t);
            t.start();
        }

        Throwable failure() throws InterruptedException, java.util.concurrent.TimeoutException {
            try {
                result.get(5, TimeUnit.SECONDS);
                return null;
            } catch (ExecutionException e) {
                return e.getCause();
            }
        }
    }

    @Test
    void aRequestWhoseDialIsBlockedIsServedByAConnectionAnotherRequestReturns() throws Exception {
        ScriptServer server = server(ScriptServer.keepAlive(request -> "ok " + request.target()));
        GatedDialer dialer = gatedDialer();
        dialer.gate(2);
        Transport transport = transport(Transport.builder().dialer(dialer).config(TransportConfig.defaults()));
        RecordingListener barTrace = new RecordingListener();

        Response foo = transport.roundTrip(Request.get(server.url("/foo")));
        Call bar = new Call(transport, Request.builder(server.url("/bar")).trace(barTrace).build());
        await(dialer.entered(2), "/bar's dial to start");
        awaitTrue("/bar waiting", () -> transport.snapshot().totals().waiting() == 1);

        assertThat(readToEof(foo)).isEqualTo("ok /foo");

        assertThat(bar.result.get(5, TimeUnit.SECONDS)).isEqualTo("ok /bar");
        assertThat(dialer.finished()).as("/bar's own dial is still blocked").isEqualTo(1);
        assertThat(connectionIds(server)).containsExactly(1, 1);
        assertThat(barTrace.events()).contains("gotConn reused=true wasIdle=false");

        dialer.openAllGates();
        awaitTrue("orphaned dial pooled", () -> transport.snapshot().totals().idle() == 2);
        assertThat(transport.snapshot().stats().dials()).isEqualTo(2);
        // The kernel completes a connection before the server's accept() returns: wait for the server to see it.
        assertThat(server.awaitAccepted(2, java.time.Duration.ofSeconds(5))).isTrue();
        assertThat(server.acceptedCount()).isEqualTo(2);
    }

    @Test
    void anOrphanedDialsConnectionServesTheNextWaiterWhileThatWaitersOwnDialIsStillBlocked() throws Exception {
        ScriptServer server = server(ScriptServer.keepAlive(request -> "ok " + request.target()));
        GatedDialer dialer = gatedDialer();
        dialer.gate(2);
        dialer.gate(3);
        Transport transport = transport(Transport.builder().dialer(dialer).config(TransportConfig.defaults()));

        Response a = transport.roundTrip(Request.get(server.url("/a")));
        Call b = new Call(transport, Request.get(server.url("/b")));
        await(dialer.entered(2), "/b's dial to start");
        awaitTrue("/b waiting", () -> transport.snapshot().totals().waiting() == 1);
        // /a hands its connection to /b; /b holds it while /c arrives.
        AtomicReference<Response> heldByB = new AtomicReference<>();
        readToEof(a);
        assertThat(b.result.get(5, TimeUnit.SECONDS)).isEqualTo("ok /b");
        heldByB.set(transport.roundTrip(Request.get(server.url("/b-holds")))); // connection 1 again, held
        Call c = new Call(transport, Request.get(server.url("/c")));
        await(dialer.entered(3), "/c's dial to start");

        dialer.gate(2).countDown(); // the dial started for /b finishes: /c gets that connection

        assertThat(c.result.get(5, TimeUnit.SECONDS)).isEqualTo("ok /c");
        assertThat(dialer.finished()).as("/c's own dial is still blocked").isEqualTo(2);
        assertThat(server.requests()).extracting(r -> r.connectionId() + " " + r.target())
                .containsExactly("1 /a", "1 /b", "1 /b-holds", "2 /c");

        readToEof(heldByB.get());
        dialer.gate(3).countDown();
        awaitTrue("/c's orphaned dial pooled too", () -> transport.snapshot().stats().dials() == 3
                && transport.snapshot().totals().dialing() == 0);
        assertThat(transport.snapshot().totals().idle()).isEqualTo(2); // maxIdleConnsPerHost = 2
        assertThat(closed(transport, CloseReason.TOO_MANY_IDLE_HOST)).isEqualTo(1);
    }

    @Test
    void aThreadInterruptedWhileQueuedForAConnectionFailsPromptlyAndLeavesNoWaiterOrSlotBehind()
            throws Exception {
        ScriptServer server = server(ScriptServer.keepAlive(request -> "ok " + request.target()));
        Transport transport = transport(TransportConfig.builder().maxConnsPerHost(1).build());

        Response held = transport.roundTrip(Request.get(server.url("/held")));
        Call waiter = new Call(transport, Request.get(server.url("/waiter")));
        awaitTrue("waiter queued", () -> transport.snapshot().totals().waiting() == 1);

        waiter.thread.get().interrupt();

        Throwable failure = waiter.failure();
        assertThat(failure).isInstanceOf(InterruptedIOException.class)
                .hasMessageContaining("|http|" + server.address());
        assertThat(waiter.interruptedAfter.get()).as("interrupt status kept").isTrue();
        assertThat(transport.snapshot().totals().waiting()).isZero();
        assertThat(transport.snapshot().totals().dialing()).isZero();

        readToEof(held);
        assertThat(idleFor(transport, server)).isEqualTo(1);
        assertThat(get(transport, server.url("/after"))).isEqualTo("ok /after");
        assertThat(connectionIds(server)).containsExactly(1, 1);
    }

    @Test
    void aThreadInterruptedWhileItsDialIsBlockedFailsPromptlyAndTheDialedConnectionIsPooled() throws Exception {
        ScriptServer server = server(ScriptServer.keepAlive(request -> "ok " + request.target()));
        GatedDialer dialer = gatedDialer();
        dialer.gate(1);
        Transport transport = transport(Transport.builder().dialer(dialer).config(TransportConfig.defaults()));

        Call call = new Call(transport, Request.get(server.url("/cancelled")));
        await(dialer.entered(1), "the dial to start");
        call.thread.get().interrupt();

        assertThat(call.failure()).isInstanceOf(InterruptedIOException.class);
        assertThat(dialer.finished()).as("the dial is still blocked").isZero();
        assertThat(transport.snapshot().totals().waiting()).isZero();

        dialer.openAllGates();
        awaitTrue("the orphaned dial's connection pooled", () -> transport.snapshot().totals().idle() == 1);
        RecordingListener trace = new RecordingListener();
        Response next = transport.roundTrip(Request.builder(server.url("/next")).trace(trace).build());
        assertThat(readToEof(next)).isEqualTo("ok /next");
        assertThat(trace.events()).doesNotContain("connectStart")
                .as("a connection dialed for a request that left counts as reused")
                .contains("gotConn reused=true wasIdle=true");
        assertThat(server.acceptedCount()).isEqualTo(1);
        assertThat(connectionIds(server)).containsExactly(1);
    }

    @Test
    void closeIdleConnectionsAbandonsADialWhoseRequestIsGone() throws Exception {
        ScriptServer server = server(ScriptServer.keepAlive(request -> "ok"));
        GatedDialer dialer = gatedDialer();
        dialer.gate(1);
        Transport transport = transport(Transport.builder().dialer(dialer).config(TransportConfig.defaults()));

        Call call = new Call(transport, Request.get(server.url("/gone")));
        await(dialer.entered(1), "the dial to start");
        call.thread.get().interrupt();
        assertThat(call.failure()).isInstanceOf(InterruptedIOException.class);

        transport.closeIdleConnections();
        dialer.openAllGates();

        awaitTrue("abandoned dial finished", () -> transport.snapshot().totals().dialing() == 0);
        assertThat(transport.snapshot().totals().connections()).isZero();
        assertThat(transport.snapshot().totals().idle()).isZero();
        assertThat(closed(transport, CloseReason.CLOSE_IDLE)).isEqualTo(1);
        assertThat(server.awaitOpenCount(0, WAIT)).as("server saw the abandoned connection closed").isTrue();
    }

    @Test
    void aMaxConnsPerHostWaiterInterruptedBeforeItsDialStartsLeavesTheSlotForTheNextRequest() throws Exception {
        ScriptServer server = server(ScriptServer.keepAlive(request -> "ok " + request.target()));
        GatedDialer dialer = gatedDialer();
        dialer.gate(1);
        Transport transport = transport(Transport.builder().dialer(dialer)
                .config(TransportConfig.builder().maxConnsPerHost(1).build()));

        Call first = new Call(transport, Request.get(server.url("/first")));
        await(dialer.entered(1), "first dial started");
        Call second = new Call(transport, Request.get(server.url("/second")));
        awaitTrue("second queued for a dial slot", () -> transport.snapshot().totals().waiting() == 2);
        second.thread.get().interrupt();
        assertThat(second.failure()).isInstanceOf(InterruptedIOException.class);

        dialer.openAllGates();
        assertThat(first.result.get(5, TimeUnit.SECONDS)).isEqualTo("ok /first");
        assertThat(get(transport, server.url("/third"))).isEqualTo("ok /third");
        assertThat(dialer.started()).isEqualTo(1);
        assertThat(connectionIds(server)).containsExactly(1, 1);
    }

    @Test
    void aThreadAlreadyInterruptedFailsAtOnceWithoutDialing() throws Exception {
        ScriptServer server = server(ScriptServer.keepAlive(request -> "ok"));
        GatedDialer dialer = gatedDialer();
        Transport transport = transport(Transport.builder().dialer(dialer).config(TransportConfig.defaults()));

        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> transport.roundTrip(Request.get(server.url("/"))))
                    .isInstanceOf(InterruptedIOException.class);
        } finally {
            assertThat(Thread.interrupted()).as("interrupt status kept").isTrue();
        }
        assertThat(dialer.started()).isZero();
        assertThat(transport.snapshot().keys()).isEmpty();
        assertThat(server.acceptedCount()).isZero();
    }
}
