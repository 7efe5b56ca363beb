package dev.httppool.internal.pool;

import dev.httppool.ClientTrace;
import dev.httppool.CloseReason;
import dev.httppool.ConnWaitTimeoutException;
import dev.httppool.ConnectMethodKey;
import dev.httppool.LeaseStrategy;
import dev.httppool.PoolExhaustedException;
import dev.httppool.PoolSnapshot;
import dev.httppool.TransportConfig;
import dev.httppool.TransportListener;

import static dev.httppool.PoolTestSupport.KEY_A;
import static dev.httppool.PoolTestSupport.KEY_B;
import static dev.httppool.PoolTestSupport.KEY_C;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.httppool.PoolTestSupport;
import dev.httppool.testing.Async;
import dev.httppool.testing.FakeTicker;
import dev.httppool.testing.FakeWire;
import dev.httppool.testing.ManualDials;
import dev.httppool.testing.RecordingListener;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The pool alone, with a hand-moved ticker and dials that run only when the test says so. */
class ConnPoolTest {

    private final FakeTicker ticker = new FakeTicker();
    private final ManualDials dials = new ManualDials();
    private final RecordingListener listener = new RecordingListener();
    private final List<Thread> threads = new ArrayList<>();
    private ConnPool pool;

    private ConnPool pool(TransportConfig.Builder config) {
        pool = new ConnPool(config.build(), ticker, dials, dials, listener, () -> { });
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

    /** Starts an acquire on its own thread (so it can block and be interrupted). */
    private Pending acquireAsync(ConnectMethodKey key) {
        Pending p = new Pending();
        Thread t = new Thread(() -> {
            try {
                p.result.complete(pool.acquire(key, ClientTrace.NONE));
            } catch (Throwable e) {
                p.result.completeExceptionally(e);
            }
        }, "acquire-" + threads.size());
        p.thread = t;
        threads.add(t);
        t.start();
        return p;
    }

    private static final class Pending {
        Thread thread;
        final CompletableFuture<PooledConnection> result = new CompletableFuture<>();

        PooledConnection get() throws Exception {
            return result.get(5, SECONDS);
        }
    }

    /** Dials one new connection for {@code key} and returns it held. */
    private PooledConnection dialFor(ConnectMethodKey key) throws Exception {
        int before = dials.queued();
        Pending p = acquireAsync(key);
        dials.awaitQueued(before + 1);
        dials.completeNext();
        return p.get();
    }

    private PoolSnapshot.KeyStats stats(ConnectMethodKey key) {
        return pool.snapshot().key(key.toString());
    }

    @Test
    void withTheFifoLeaseStrategyIdleConnectionsAreReusedLeastRecentlyUsedFirstAndInTurn() throws Exception {
        pool(PoolTestSupport.config().leaseStrategy(LeaseStrategy.FIFO));
        PooledConnection first = dialFor(KEY_A);
        PooledConnection second = dialFor(KEY_A);
        assertThat(pool.release(first, null)).isNull();
        assertThat(pool.release(second, null)).isNull();

        PooledConnection next = pool.acquire(KEY_A, ClientTrace.NONE);
        pool.release(next, null);
        PooledConnection after = pool.acquire(KEY_A, ClientTrace.NONE);

        assertThat(next).as("the least recently used").isSameAs(first);
        assertThat(after).as("then the other one, in turn").isSameAs(second);
        pool.release(after, null);
        assertThat(stats(KEY_A).idle()).isEqualTo(2);
        assertThat(pool.snapshot().stats().reused()).isEqualTo(2);
    }

    @Test
    void idleConnectionsAreReusedMostRecentlyUsedFirst() throws Exception {
        pool(PoolTestSupport.config());
        PooledConnection first = dialFor(KEY_A);
        PooledConnection second = dialFor(KEY_A);
        assertThat(pool.release(first, null)).isNull();
        assertThat(pool.release(second, null)).isNull();

        PooledConnection next = pool.acquire(KEY_A, ClientTrace.NONE);

        assertThat(next).isSameAs(second);
        assertThat(stats(KEY_A).idle()).isEqualTo(1);
        assertThat(stats(KEY_A).active()).isEqualTo(1);
        assertThat(pool.snapshot().stats().reused()).isEqualTo(1);
    }

    @Test
    void snapshotListsIdleConnectionsLeastRecentlyUsedFirst() throws Exception {
        pool(PoolTestSupport.config());
        PooledConnection first = dialFor(KEY_A);
        PooledConnection second = dialFor(KEY_A);
        pool.release(second, null);
        ticker.advance(5);
        pool.release(first, null);

        List<PoolSnapshot.IdleConnection> idle = stats(KEY_A).idleConnections();

        assertThat(idle).extracting(PoolSnapshot.IdleConnection::id).containsExactly(second.id, first.id);
        assertThat(idle.get(0).idleMillis()).isEqualTo(5);
        assertThat(idle.get(1).requests()).isEqualTo(1);
    }

    @Test
    void returnedConnectionIsClosedWhenItsKeyAlreadyHoldsMaxIdleConnsPerHost() throws Exception {
        pool(PoolTestSupport.config().maxIdleConnsPerHost(1));
        PooledConnection a = dialFor(KEY_A);
        PooledConnection b = dialFor(KEY_A);
        pool.release(a, null);

        CloseReason outcome = pool.release(b, null);

        assertThat(outcome).isEqualTo(CloseReason.TOO_MANY_IDLE_HOST);
        assertThat(((FakeWire) b.wire).closed).isTrue();
        assertThat(((FakeWire) a.wire).closed).isFalse();
        assertThat(pool.snapshot().stats().closed()).containsEntry("too-many-idle-host", 1L);
        assertThat(pool.snapshot().totals().connections()).isEqualTo(1);
    }

    @Test
    void maxIdleConnsClosesTheGloballyLeastRecentlyUsedIdleConnection() throws Exception {
        pool(PoolTestSupport.config().maxIdleConns(2));
        PooledConnection a = dialFor(KEY_A);
        PooledConnection b = dialFor(KEY_B);
        PooledConnection c = dialFor(KEY_C);
        pool.release(a, null);
        pool.release(b, null);

        assertThat(pool.release(c, null)).isNull();

        assertThat(((FakeWire) a.wire).closed).isTrue();
        assertThat(pool.snapshot().keys()).extracting(PoolSnapshot.KeyStats::key)
                .containsExactly(KEY_B.toString(), KEY_C.toString());
        assertThat(pool.snapshot().stats().closed()).containsEntry("too-many-idle", 1L);
    }

    @Test
    void requestsOverMaxConnsPerHostWaitInFifoOrderAndGetReturnedConnections() throws Exception {
        pool(PoolTestSupport.config().maxConnsPerHost(1));
        PooledConnection held = dialFor(KEY_A);
        Pending first = acquireAsync(KEY_A);
        awaitWaiting(KEY_A, 1);
        Pending second = acquireAsync(KEY_A);
        awaitWaiting(KEY_A, 2);
        assertThat(dials.queued()).isZero();

        pool.release(held, null);
        PooledConnection got = first.get();

        assertThat(got).isSameAs(held);
        assertThat(second.result).isNotDone();
        pool.release(got, null);
        assertThat(second.get()).isSameAs(held);
        assertThat(dials.dialed).hasSize(1);
    }

    @Test
    void closingAConnectionPassesItsSlotToTheOldestRequestWaitingToDial() throws Exception {
        pool(PoolTestSupport.config().maxConnsPerHost(1));
        PooledConnection held = dialFor(KEY_A);
        Pending waiter = acquireAsync(KEY_A);
        awaitWaiting(KEY_A, 1);

        pool.release(held, CloseReason.BROKEN);

        dials.awaitQueued(1);
        assertThat(stats(KEY_A).connections()).isEqualTo(1);
        assertThat(stats(KEY_A).dialing()).isEqualTo(1);
        dials.completeNext();
        assertThat(waiter.get()).isNotSameAs(held);
        assertThat(dials.dialed).hasSize(2);
    }

    @Test
    void connectionReturnedDuringADialServesTheWaiterAndTheDialedConnectionIsPooled() throws Exception {
        pool(PoolTestSupport.config());
        PooledConnection held = dialFor(KEY_A);
        Pending waiter = acquireAsync(KEY_A);
        dials.awaitQueued(1);

        pool.release(held, null);
        assertThat(waiter.get()).isSameAs(held);
        dials.completeNext();

        PoolSnapshot.KeyStats s = stats(KEY_A);
        assertThat(s.idle()).isEqualTo(1);
        assertThat(s.active()).isEqualTo(1);
        assertThat(s.dialing()).isZero();
        assertThat(s.waiting()).isZero();
    }

    @Test
    void handOffToAWaiterComesBeforeThePerHostIdleCap() throws Exception {
        pool(PoolTestSupport.config().maxIdleConnsPerHost(0).maxConnsPerHost(1));
        PooledConnection held = dialFor(KEY_A);
        Pending waiter = acquireAsync(KEY_A);
        awaitWaiting(KEY_A, 1);

        assertThat(pool.release(held, null)).isNull();

        assertThat(waiter.get()).isSameAs(held);
        assertThat(pool.release(held, null)).isEqualTo(CloseReason.TOO_MANY_IDLE_HOST);
    }

    @Test
    void aDialOutlivesARequestThatGaveUpAndItsConnectionIsPooled() throws Exception {
        pool(PoolTestSupport.config());
        Pending gaveUp = acquireAsync(KEY_A);
        dials.awaitQueued(1);
        gaveUp.thread.interrupt();
        assertThatThrownBy(gaveUp::get).hasCauseInstanceOf(InterruptedIOException.class);
        assertThat(stats(KEY_A).waiting()).isZero();

        dials.completeNext();

        assertThat(stats(KEY_A).idle()).isEqualTo(1);
        PooledConnection next = pool.acquire(KEY_A, ClientTrace.NONE);
        assertThat(next.wire).isSameAs(dials.dialed.get(0));
        assertThat(dials.queued()).isZero();
    }

    @Test
    void interruptedWaiterLeavesNoTraceInTheQueues() throws Exception {
        pool(PoolTestSupport.config().maxConnsPerHost(1));
        PooledConnection held = dialFor(KEY_A);
        Pending waiter = acquireAsync(KEY_A);
        awaitWaiting(KEY_A, 1);

        waiter.thread.interrupt();

        assertThatThrownBy(waiter::get).hasCauseInstanceOf(InterruptedIOException.class)
                .hasMessageContaining(KEY_A.toString());
        assertThat(stats(KEY_A).waiting()).isZero();
        pool.release(held, null);
        assertThat(stats(KEY_A).idle()).isEqualTo(1);
        assertThat(dials.queued()).isZero();
    }

    @Test
    void connWaitTimeoutFailsWithTheKeyAndItsCounts() throws Exception {
        pool(PoolTestSupport.config().maxConnsPerHost(1).connWaitTimeout(Duration.ofMillis(50)));
        PooledConnection held = dialFor(KEY_A);
        Pending waiter = acquireAsync(KEY_A);
        awaitWaiting(KEY_A, 1);
        ticker.advance(50);

        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> waiter.result.get(10, SECONDS));

        assertThat(e.getCause()).isInstanceOf(ConnWaitTimeoutException.class)
                .hasMessageContaining(KEY_A.toString()).hasMessageContaining("active=1");
        ConnWaitTimeoutException timeout = (ConnWaitTimeoutException) e.getCause();
        assertThat(timeout.key()).isEqualTo(KEY_A);
        assertThat(timeout.keyStats().active()).isEqualTo(1);
        assertThat(timeout.keyStats().waiting()).isEqualTo(1);
        assertThat(stats(KEY_A).waiting()).isZero();
        pool.release(held, null);
    }

    @Test
    void withMaxWaitingPerHostTheNextWaiterFailsAtOnceWithTheKeyAndItsCountsWhileTheQueuedOneIsStillServed()
            throws Exception {
        pool(PoolTestSupport.config().maxConnsPerHost(1).maxWaitingPerHost(1));
        PooledConnection held = dialFor(KEY_A);
        Pending queued = acquireAsync(KEY_A);
        awaitWaiting(KEY_A, 1);

        PoolExhaustedException refused = org.junit.jupiter.api.Assertions.assertThrows(PoolExhaustedException.class,
                () -> pool.acquire(KEY_A, ClientTrace.NONE));

        assertThat(refused).hasMessageContaining(KEY_A.toString()).hasMessageContaining("active=1")
                .hasMessageContaining("waiting=1");
        assertThat(refused.key()).isEqualTo(KEY_A);
        assertThat(refused.keyStats().waiting()).isEqualTo(1);
        assertThat(stats(KEY_A).waiting()).as("the refused request never queued").isEqualTo(1);
        assertThat(dials.queued()).as("and started no dial").isZero();
        pool.release(held, null);
        assertThat(queued.get()).isSameAs(held);
        pool.release(queued.get(), null);
    }

    @Test
    void failedDialIsDeliveredToItsRequestAndFreesTheSlot() throws Exception {
        pool(PoolTestSupport.config().maxConnsPerHost(1));
        Pending p = acquireAsync(KEY_A);
        dials.awaitQueued(1);

        dials.failNext(new ConnectException("connection refused"));

        assertThatThrownBy(p::get).hasCauseInstanceOf(ConnectException.class);
        assertThat(pool.snapshot().keys()).isEmpty();
        assertThat(pool.snapshot().stats().dialFailures()).isEqualTo(1);
        assertThat(dialFor(KEY_A)).isNotNull();
    }

    @Test
    void idleConnectionsExpireAtIdleConnTimeoutAndTheReaperLearnsTheNextExpiry() throws Exception {
        pool(PoolTestSupport.config().idleConnTimeout(Duration.ofSeconds(10)));
        PooledConnection a = dialFor(KEY_A);
        PooledConnection b = dialFor(KEY_B);
        pool.release(a, null);
        ticker.advance(4000);
        pool.release(b, null);

        assertThat(pool.maintenance().closeExpiredIdle(ticker.nanoTime())).isEqualTo(TimeUnit.SECONDS.toNanos(6));
        ticker.advance(6000);
        assertThat(pool.maintenance().closeExpiredIdle(ticker.nanoTime())).isEqualTo(TimeUnit.SECONDS.toNanos(4));

        assertThat(((FakeWire) a.wire).closed).isTrue();
        assertThat(((FakeWire) b.wire).closed).isFalse();
        assertThat(pool.snapshot().stats().closed()).containsEntry("idle-timeout", 1L);
        ticker.advance(4000);
        assertThat(pool.maintenance().closeExpiredIdle(ticker.nanoTime())).isEqualTo(-1);
        assertThat(pool.snapshot().totals().connections()).isZero();
    }

    @Test
    void checkoutSkipsAnIdleConnectionPastItsTimeoutEvenBeforeTheReaperRuns() throws Exception {
        pool(PoolTestSupport.config().idleConnTimeout(Duration.ofSeconds(1)));
        PooledConnection a = dialFor(KEY_A);
        pool.release(a, null);
        ticker.advance(1000);

        Pending p = acquireAsync(KEY_A);
        dials.awaitQueued(1);

        // Closing the expired connection emptied the key; the request must still be counted under it.
        assertThat(stats(KEY_A)).isNotNull();
        assertThat(stats(KEY_A).dialing()).isEqualTo(1);
        assertThat(stats(KEY_A).waiting()).isEqualTo(1);
        dials.completeNext();
        assertThat(p.get()).isNotSameAs(a);
        assertThat(((FakeWire) a.wire).closed).isTrue();
        assertThat(pool.snapshot().stats().closed()).containsEntry("idle-timeout", 1L);
    }

    @Test
    void zeroIdleConnTimeoutKeepsIdleConnectionsForever() throws Exception {
        pool(PoolTestSupport.config().idleConnTimeout(Duration.ZERO));
        PooledConnection a = dialFor(KEY_A);
        pool.release(a, null);
        ticker.advance(TimeUnit.DAYS.toMillis(365));

        assertThat(pool.maintenance().closeExpiredIdle(ticker.nanoTime())).isEqualTo(-1);
        assertThat(pool.acquire(KEY_A, ClientTrace.NONE)).isSameAs(a);
    }

    @Test
    void deadIdleConnectionIsDiscardedAtCheckoutAndANewOneDialed() throws Exception {
        pool(PoolTestSupport.config());
        PooledConnection a = dialFor(KEY_A);
        pool.release(a, null);
        ((FakeWire) a.wire).dead = true;
        ticker.advance(10);

        Pending p = acquireAsync(KEY_A);
        dials.awaitQueued(1);
        dials.completeNext();

        assertThat(p.get()).isNotSameAs(a);
        assertThat(pool.snapshot().stats().closed()).containsEntry("server-closed", 1L);
    }

    @Test
    void aReusedConnectionYoungerThanTheProbeThresholdIsLookedAtAndClosedWhenOutOfStep() throws Exception {
        pool(PoolTestSupport.config());
        PooledConnection a = dialFor(KEY_A);
        PooledConnection b = dialFor(KEY_A);
        pool.release(a, null);
        pool.release(b, null);
        ((FakeWire) b.wire).outOfStep = true; // the server sent bytes nobody asked for; the ticker has not moved

        assertThat(pool.acquire(KEY_A, ClientTrace.NONE)).isSameAs(a);

        assertThat(((FakeWire) b.wire).closed).isTrue();
        assertThat(pool.snapshot().stats().closed()).containsEntry("server-closed", 1L);
        assertThat(pool.snapshot().stats().reused()).as("only the connection handed out counts").isEqualTo(1);
        assertThat(listener.events()).containsOnlyOnce("acquired |http|a.test:80 reused=true");
    }

    @Test
    void aConnectionOutOfStepHandedStraightToAWaiterIsClosedAndTheWaiterGetsAnother() throws Exception {
        pool(PoolTestSupport.config().maxConnsPerHost(1));
        PooledConnection held = dialFor(KEY_A);
        Pending waiter = acquireAsync(KEY_A);
        awaitWaiting(KEY_A, 1);
        ((FakeWire) held.wire).outOfStep = true;

        assertThat(pool.release(held, null)).isNull(); // handed to the waiter, which looks at it
        dials.awaitQueued(1); // the closed connection's slot goes to the waiter's new dial
        dials.completeNext();

        assertThat(waiter.get()).isNotSameAs(held);
        assertThat(((FakeWire) held.wire).closed).isTrue();
        assertThat(pool.snapshot().stats().closed()).containsEntry("server-closed", 1L);
        assertThat(pool.snapshot().stats().reused()).isZero();
    }

    @Test
    void backgroundProbeClosesIdleConnectionsTheServerClosed() throws Exception {
        pool(PoolTestSupport.config());
        PooledConnection a = dialFor(KEY_A);
        PooledConnection b = dialFor(KEY_A);
        pool.release(a, null);
        pool.release(b, null);
        ((FakeWire) a.wire).dead = true;
        ticker.advance(10);

        assertThat(pool.maintenance().closeDeadIdle(ticker.nanoTime())).isEqualTo(1);

        assertThat(stats(KEY_A).idleConnections()).extracting(PoolSnapshot.IdleConnection::id).containsExactly(b.id);
    }

    @Test
    void closeIdleConnectionsRefusesReturnsUntilTheNextRequest() throws Exception {
        pool(PoolTestSupport.config());
        PooledConnection a = dialFor(KEY_A);
        PooledConnection b = dialFor(KEY_A);
        PooledConnection c = dialFor(KEY_A);
        pool.release(a, null);
        pool.release(b, null);

        assertThat(pool.closeIdleConnections()).isEqualTo(2);
        assertThat(pool.release(c, null)).isEqualTo(CloseReason.CLOSE_IDLE);

        PooledConnection d = dialFor(KEY_A);
        assertThat(pool.release(d, null)).isNull();
        assertThat(stats(KEY_A).idle()).isEqualTo(1);
        assertThat(pool.snapshot().stats().closed()).containsEntry("close-idle", 3L);
    }

    @Test
    void disabledKeepAlivesNeverPoolAConnection() throws Exception {
        pool(PoolTestSupport.config().disableKeepAlives(true));
        PooledConnection a = dialFor(KEY_A);

        assertThat(pool.release(a, null)).isEqualTo(CloseReason.KEEP_ALIVES_DISABLED);
        assertThat(pool.snapshot().keys()).isEmpty();
    }

    @Test
    void closedPoolFailsWaitersAndClosesReturnedConnections() throws Exception {
        pool(PoolTestSupport.config().maxConnsPerHost(1));
        PooledConnection held = dialFor(KEY_A);
        Pending waiter = acquireAsync(KEY_A);
        awaitWaiting(KEY_A, 1);

        pool.close();

        assertThatThrownBy(waiter::get).hasCauseInstanceOf(IOException.class).hasMessageContaining("closed");
        assertThat(pool.release(held, null)).isEqualTo(CloseReason.CLOSE_IDLE);
        assertThat(pool.snapshot().totals()).isEqualTo(new PoolSnapshot.Totals(0, 0, 0, 0, 0));
    }

    @Test
    void listenerIsNeverCalledWhileThePoolLockIsHeld() throws Exception {
        List<String> violations = java.util.Collections.synchronizedList(new ArrayList<>());
        TransportListener probing = new TransportListener() {
            private void check(String event) {
                // Another thread can take the lock only if this thread does not hold it.
                try {
                    CompletableFuture.supplyAsync(() -> pool.snapshot(), Async.THREADS).get(2, SECONDS);
                } catch (Exception e) {
                    violations.add(event);
                }
            }

            @Override
            public void dialed(ConnectMethodKey key, boolean success, long nanos) {
                check("dialed");
            }

            @Override
            public void acquired(ConnectMethodKey key, boolean reused, long waitNanos) {
                check("acquired");
            }

            @Override
            public void closed(ConnectMethodKey key, CloseReason reason) {
                check("closed");
            }
        };
        pool = new ConnPool(PoolTestSupport.config().maxIdleConnsPerHost(1).build(), ticker, dials, dials, probing,
                () -> { });
        PooledConnection a = dialFor(KEY_A);
        PooledConnection b = dialFor(KEY_A);
        pool.release(a, null);
        pool.release(b, null);
        pool.acquire(KEY_A, ClientTrace.NONE);

        assertThat(violations).isEmpty();
    }

    @Test
    void listenerSeesDialsAcquiresAndCloses() throws Exception {
        pool(PoolTestSupport.config().maxIdleConnsPerHost(1));
        PooledConnection a = dialFor(KEY_A);
        PooledConnection b = dialFor(KEY_A);
        pool.release(a, null);
        pool.release(b, null);
        pool.acquire(KEY_A, ClientTrace.NONE);

        assertThat(listener.events()).containsExactly(
                "dialed |http|a.test:80 success", "acquired |http|a.test:80 reused=false",
                "dialed |http|a.test:80 success", "acquired |http|a.test:80 reused=false",
                "closed |http|a.test:80 too-many-idle-host", "acquired |http|a.test:80 reused=true");
    }

    private void awaitWaiting(ConnectMethodKey key, int n) throws InterruptedException {
        long deadline = System.nanoTime() + SECONDS.toNanos(5);
        while (true) {
            PoolSnapshot.KeyStats s = stats(key);
            if (s != null && s.waiting() >= n) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + n + " waiting on " + key + ", snapshot " + pool.snapshot());
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }
}
