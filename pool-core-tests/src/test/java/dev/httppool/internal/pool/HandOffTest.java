package dev.httppool.internal.pool;

import static dev.httppool.PoolTestSupport.KEY_A;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.httppool.ClientTrace;
import dev.httppool.ConnectMethodKey;
import dev.httppool.PoolSnapshot;
import dev.httppool.PoolTestSupport;
import dev.httppool.TransportConfig;
import dev.httppool.testing.FakeTicker;
import dev.httppool.testing.ManualDials;
import dev.httppool.testing.RecordingListener;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A connection handed to a waiting request is counted as that request's checkout by the thread that delivers it
 * (the one returning a connection, or the dial that made it), under the one lock acquisition of the delivery: the
 * pool's view holds it in the waiter's name from that moment, and the woken waiter takes the lock no more.
 */
class HandOffTest {

    private final FakeTicker ticker = new FakeTicker();
    private final ManualDials dials = new ManualDials();
    private final List<Thread> threads = new ArrayList<>();
    private ConnPool pool;

    private ConnPool pool(TransportConfig.Builder config) {
        pool = new ConnPool(config.build(), ticker, dials, dials, new RecordingListener(), () -> { });
        return pool;
    }

    @AfterEach
    void invariantsHoldAndNoThreadIsLeft() throws InterruptedException {
        if (pool != null) {
            assertThat(pool.checkInvariants()).isNull();
        }
        for (Thread t : threads) {
            t.interrupt();
            t.join(5000);
            assertThat(t.isAlive()).isFalse();
        }
    }

    /** An acquire on a thread of its own, named {@code name}; joined (after an interrupt) when the test ends. */
    private PoolCallers.Caller acquireOn(String name, ConnectMethodKey key) {
        PoolCallers.Caller c = PoolCallers.acquireOn(name, pool, key);
        threads.add(c.thread);
        return c;
    }

    private PooledConnection held(String name) throws Exception {
        int before = dials.queued();
        PoolCallers.Caller c = acquireOn(name, KEY_A);
        dials.awaitQueued(before + 1);
        dials.completeNext();
        return c.got.get(5, SECONDS);
    }

    private PoolSnapshot.KeyStats stats() {
        return pool.snapshot().key(KEY_A.toString());
    }

    private void awaitWaiting(int n) {
        long deadline = System.nanoTime() + SECONDS.toNanos(5);
        while (stats() == null || stats().waiting() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + n + " waiting, snapshot " + pool.snapshot());
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    @Test
    void aReturnedConnectionHandedToAWaiterIsHeldInTheWaitersNameAsSoonAsTheReturnEnds() throws Exception {
        pool(PoolTestSupport.config().maxConnsPerHost(1));
        PooledConnection conn = held("first-holder");
        PoolCallers.Caller waiter = acquireOn("the-waiter", KEY_A);
        awaitWaiting(1);

        pool.release(conn, null);

        // Read before the waiter ran: the returning thread counted the checkout for it.
        PoolSnapshot.KeyStats s = stats();
        assertThat(s.waiting()).isZero();
        assertThat(s.idle()).isZero();
        assertThat(s.activeConnections()).singleElement().satisfies(a -> {
            assertThat(a.thread()).isEqualTo("the-waiter");
            assertThat(a.requests()).isEqualTo(2);
        });
        assertThat(pool.snapshot().stats().reused()).isEqualTo(1);
        assertThat(waiter.got.get(5, SECONDS)).isSameAs(conn);
        assertThat(stats().activeConnections()).singleElement()
                .satisfies(a -> assertThat(a.thread()).isEqualTo("the-waiter"));
        assertThat(pool.snapshot().stats().reused()).isEqualTo(1);
        pool.release(conn, null);
    }

    @Test
    void aConnectionDialedForAWaiterIsHeldInTheWaitersNameNotTheDialingThreads() throws Exception {
        pool(PoolTestSupport.config());
        PoolCallers.Caller waiter = acquireOn("the-waiter", KEY_A);
        dials.awaitQueued(1);

        dials.completeNext(); // the dial's outcome is delivered on this (the test's) thread

        PoolSnapshot.KeyStats s = stats();
        assertThat(s.activeConnections()).singleElement().satisfies(a -> {
            assertThat(a.thread()).isEqualTo("the-waiter");
            assertThat(a.requests()).isEqualTo(1);
        });
        assertThat(pool.snapshot().stats().reused()).isZero();
        PooledConnection conn = waiter.got.get(5, SECONDS);
        assertThat(stats().activeConnections()).singleElement()
                .satisfies(a -> assertThat(a.thread()).isEqualTo("the-waiter"));
        pool.release(conn, null);
    }

    @Test
    void aWaiterInterruptedAsItIsServedEitherUsesTheConnectionOrLeavesNoCountOfIt() throws Exception {
        pool(PoolTestSupport.config().maxConnsPerHost(1));
        PooledConnection conn = held("first-holder");
        int servedInterrupted = 0;
        for (int round = 0; round < 50; round++) {
            long reusedBefore = pool.snapshot().stats().reused();
            long requestsBefore = stats().activeConnections().get(0).requests();
            PoolCallers.Caller waiter = acquireOn("waiter-" + round, KEY_A);
            awaitWaiting(1);

            pool.release(conn, null); // delivered to the waiter, which may see its interrupt first
            waiter.thread.interrupt();

            PooledConnection got;
            try {
                got = waiter.got.get(5, SECONDS);
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(InterruptedIOException.class);
                servedInterrupted++;
                // Returned unused: idle, its request and reuse counts as before the hand-off.
                PoolSnapshot.KeyStats s = stats();
                assertThat(s.idle()).isEqualTo(1);
                assertThat(s.activeConnections()).isEmpty();
                assertThat(s.idleConnections().get(0).requests()).isEqualTo(requestsBefore);
                assertThat(pool.snapshot().stats().reused()).isEqualTo(reusedBefore);
                assertThat(pool.checkInvariants()).isNull();
                got = pool.acquire(KEY_A, ClientTrace.NONE);
                assertThat(got).isSameAs(conn);
                continue;
            }
            assertThat(got).isSameAs(conn);
            assertThat(stats().activeConnections()).singleElement().satisfies(a -> {
                assertThat(a.thread()).isEqualTo(waiter.thread.getName());
                assertThat(a.requests()).isEqualTo(requestsBefore + 1);
            });
            assertThat(pool.snapshot().stats().reused()).isEqualTo(reusedBefore + 1);
            assertThat(pool.checkInvariants()).isNull();
        }
        // Either outcome may come (the waiter may run before the interrupt); both are checked above.
        System.out.println("interrupted after delivery in " + servedInterrupted + " of 50 rounds");
        pool.release(conn, null);
    }
}
