package dev.httppool.internal.pool;

import static dev.httppool.PoolTestSupport.KEY_A;
import static dev.httppool.PoolTestSupport.KEY_B;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.httppool.ClientTrace;
import dev.httppool.CloseReason;
import dev.httppool.ConnectMethodKey;
import dev.httppool.PoolSnapshot;
import dev.httppool.PoolTestSupport;
import dev.httppool.TransportConfig;
import dev.httppool.testing.FakeTicker;
import dev.httppool.testing.FakeWire;
import dev.httppool.testing.ManualDials;
import dev.httppool.testing.RecordingListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The end of a connection's life: {@code maxConnLifetime} (with its jitter) and {@code maxRequestsPerConn}, with a
 * hand-moved ticker and dials that run only when the test says so.
 */
class ConnLifetimeTest {

    private static final Duration LIFETIME = Duration.ofSeconds(10);

    private final FakeTicker ticker = new FakeTicker();
    private final ManualDials dials = new ManualDials();
    private final RecordingListener listener = new RecordingListener();
    private ConnPool pool;

    private void pool(TransportConfig.Builder config) {
        pool = new ConnPool(config.build(), ticker, dials, dials, listener, () -> { });
    }

    @AfterEach
    void invariantsHold() {
        if (pool != null) {
            assertThat(pool.checkInvariants()).isNull();
        }
    }

    /** Starts an acquire off the test's thread (it blocks until a dial or a returned connection serves it). */
    private CompletableFuture<PooledConnection> acquireAsync(ConnectMethodKey key) {
        return PoolCallers.acquireAsync(pool, key);
    }

    /** Dials one new connection for {@code key} and returns it held. */
    private PooledConnection dialFor(ConnectMethodKey key) throws Exception {
        return PoolCallers.dialFor(pool, dials, key);
    }

    private Long closed(String reason) {
        return pool.snapshot().stats().closed().getOrDefault(reason, 0L);
    }

    private static boolean isClosed(PooledConnection pc) {
        return ((FakeWire) pc.wire).closed;
    }

    @Test
    void aConnectionWhoseLifetimeEndsWhileInUseFinishesItsResponseAndIsClosedOnReturn() throws Exception {
        pool(PoolTestSupport.config().maxConnLifetime(LIFETIME));
        PooledConnection a = dialFor(KEY_A);
        ticker.advance(LIFETIME);

        assertThat(isClosed(a)).as("still in use: its response is not cut off").isFalse();
        assertThat(pool.release(a, null)).isEqualTo(CloseReason.MAX_LIFETIME);

        assertThat(isClosed(a)).isTrue();
        assertThat(closed("max-lifetime")).isEqualTo(1);
        assertThat(listener.events()).contains("closed |http|a.test:80 max-lifetime");
        assertThat(pool.snapshot().totals().connections()).isZero();
    }

    @Test
    void aConnectionReturnedPastItsLifetimeIsNotHandedToAWaiterWhichGetsANewDial() throws Exception {
        pool(PoolTestSupport.config().maxConnLifetime(LIFETIME).maxConnsPerHost(1));
        PooledConnection a = dialFor(KEY_A);
        CompletableFuture<PooledConnection> waiter = acquireAsync(KEY_A);
        awaitWaiting(KEY_A, 1);
        ticker.advance(LIFETIME);

        assertThat(pool.release(a, null)).isEqualTo(CloseReason.MAX_LIFETIME);
        dials.awaitQueued(1); // the closed connection's slot goes to the waiter's dial
        dials.completeNext();

        assertThat(waiter.get(5, SECONDS)).isNotSameAs(a);
        assertThat(isClosed(a)).isTrue();
        assertThat(closed("max-lifetime")).isEqualTo(1);
    }

    @Test
    void aConnectionReturnedBeforeItsLifetimeEndsIsPooledAndReused() throws Exception {
        pool(PoolTestSupport.config().maxConnLifetime(LIFETIME));
        PooledConnection a = dialFor(KEY_A);
        ticker.advance(LIFETIME.minusMillis(1));

        assertThat(pool.release(a, null)).isNull();

        assertThat(pool.acquire(KEY_A, ClientTrace.NONE)).isSameAs(a);
    }

    @Test
    void anIdleConnectionPastItsLifetimeIsNeverHandedOutEvenBeforeMaintenanceRuns() throws Exception {
        pool(PoolTestSupport.config().maxConnLifetime(LIFETIME));
        PooledConnection a = dialFor(KEY_A);
        pool.release(a, null);
        ticker.advance(LIFETIME);

        CompletableFuture<PooledConnection> next = acquireAsync(KEY_A);
        dials.awaitQueued(1);
        dials.completeNext();

        assertThat(next.get(5, SECONDS)).isNotSameAs(a);
        assertThat(isClosed(a)).isTrue();
        assertThat(closed("max-lifetime")).isEqualTo(1);
        assertThat(pool.snapshot().stats().reused()).isZero();
    }

    @Test
    void maintenanceClosesAnIdleConnectionWhenItsLifetimeEndsAndAsksToRunAgainThen() throws Exception {
        pool(PoolTestSupport.config().maxConnLifetime(LIFETIME).idleConnTimeout(Duration.ZERO));
        PooledConnection a = dialFor(KEY_A);
        pool.release(a, null);
        ticker.advance(LIFETIME.minusMillis(200));
        PooledConnection b = dialFor(KEY_B);
        pool.release(b, null);

        long next = pool.maintenance().run(ticker.nanoTime());

        assertThat(next).as("a's lifetime ends before the next probe").isEqualTo(TimeUnit.MILLISECONDS.toNanos(200));
        assertThat(isClosed(a)).isFalse();

        ticker.advance(Duration.ofNanos(next));
        next = pool.maintenance().run(ticker.nanoTime());

        assertThat(isClosed(a)).isTrue();
        assertThat(isClosed(b)).isFalse();
        assertThat(closed("max-lifetime")).isEqualTo(1);
        assertThat(next).as("b's lifetime is 9.8 s away: the probe comes first")
                .isEqualTo(IdleMaintenance.PROBE_INTERVAL_NANOS);
        assertThat(pool.snapshot().key(KEY_A.toString())).isNull();
    }

    @Test
    void withoutALifetimeMaintenanceWaitsForTheNextProbe() throws Exception {
        pool(PoolTestSupport.config().idleConnTimeout(Duration.ZERO));
        PooledConnection a = dialFor(KEY_A);
        pool.release(a, null);
        ticker.advance(LIFETIME.minusMillis(200));

        assertThat(pool.maintenance().run(ticker.nanoTime())).isEqualTo(IdleMaintenance.PROBE_INTERVAL_NANOS);
    }

    @Test
    void eachConnectionsLifetimeIsTheMaximumMinusAJitterDrawnOnceWithinItsBounds() throws Exception {
        Duration jitter = Duration.ofSeconds(3);
        int n = 60;
        pool(PoolTestSupport.config().maxConnLifetime(LIFETIME).maxConnLifetimeJitter(jitter)
                .idleConnTimeout(Duration.ZERO).maxIdleConns(0).maxIdleConnsPerHost(n));
        List<PooledConnection> conns = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            conns.add(dialFor(KEY_A)); // all dialed at the same instant
        }
        for (PooledConnection pc : conns) {
            pool.release(pc, null);
        }

        ticker.advance(LIFETIME.minus(jitter).minusNanos(1));
        pool.maintenance().run(ticker.nanoTime());
        assertThat(pool.snapshot().totals().idle()).as("none lives less than max - jitter").isEqualTo(n);

        ticker.advance(jitter.dividedBy(2));
        pool.maintenance().run(ticker.nanoTime());
        int halfway = pool.snapshot().totals().idle();
        assertThat(halfway).as("the lifetimes are spread, not equal").isBetween(1, n - 1);
        for (int i = 0; i < 20; i++) {
            pool.maintenance().run(ticker.nanoTime());
        }
        assertThat(pool.snapshot().totals().idle()).as("a lifetime is drawn once, not at each look")
                .isEqualTo(halfway);

        ticker.advance(jitter.dividedBy(2).plusNanos(1));
        pool.maintenance().run(ticker.nanoTime());
        assertThat(pool.snapshot().totals().idle()).as("none lives more than max").isZero();
        assertThat(closed("max-lifetime")).isEqualTo(n);
        assertThat(conns).allMatch(ConnLifetimeTest::isClosed);
    }

    @Test
    void aZeroLifetimeKeepsConnectionsForever() throws Exception {
        pool(PoolTestSupport.config().maxConnLifetime(Duration.ZERO).maxConnLifetimeJitter(Duration.ofSeconds(5))
                .idleConnTimeout(Duration.ZERO));
        PooledConnection a = dialFor(KEY_A);
        ticker.advance(Duration.ofDays(365));
        assertThat(pool.release(a, null)).isNull();
        ticker.advance(Duration.ofDays(365));

        assertThat(pool.maintenance().run(ticker.nanoTime())).isEqualTo(IdleMaintenance.PROBE_INTERVAL_NANOS);

        assertThat(pool.acquire(KEY_A, ClientTrace.NONE)).isSameAs(a);
        assertThat(closed("max-lifetime")).isZero();
    }

    @Test
    void aConnectionThatCarriedMaxRequestsPerConnIsClosedOnReturn() throws Exception {
        pool(PoolTestSupport.config().maxRequestsPerConn(3));
        PooledConnection a = dialFor(KEY_A);
        assertThat(pool.release(a, null)).isNull();
        assertThat(pool.acquire(KEY_A, ClientTrace.NONE)).isSameAs(a);
        assertThat(pool.release(a, null)).isNull();
        assertThat(pool.acquire(KEY_A, ClientTrace.NONE)).isSameAs(a);

        assertThat(pool.release(a, null)).as("its third request").isEqualTo(CloseReason.MAX_REQUESTS);

        assertThat(isClosed(a)).isTrue();
        assertThat(closed("max-requests")).isEqualTo(1);
        assertThat(listener.events()).contains("closed |http|a.test:80 max-requests");
        assertThat(pool.snapshot().totals().connections()).isZero();
    }

    @Test
    void aConnectionThatCarriedMaxRequestsPerConnIsNotHandedToAWaiter() throws Exception {
        pool(PoolTestSupport.config().maxRequestsPerConn(1).maxConnsPerHost(1));
        PooledConnection a = dialFor(KEY_A);
        CompletableFuture<PooledConnection> waiter = acquireAsync(KEY_A);
        awaitWaiting(KEY_A, 1);

        assertThat(pool.release(a, null)).isEqualTo(CloseReason.MAX_REQUESTS);
        dials.awaitQueued(1);
        dials.completeNext();

        assertThat(waiter.get(5, SECONDS)).isNotSameAs(a);
        assertThat(closed("max-requests")).isEqualTo(1);
    }

    @Test
    void zeroMaxRequestsPerConnLetsAConnectionCarryAnyNumber() throws Exception {
        pool(PoolTestSupport.config().maxRequestsPerConn(0));
        PooledConnection a = dialFor(KEY_A);
        for (int i = 0; i < 1000; i++) {
            assertThat(pool.release(a, null)).isNull();
            assertThat(pool.acquire(KEY_A, ClientTrace.NONE)).isSameAs(a);
        }

        PoolSnapshot s = pool.snapshot();
        assertThat(s.stats().reused()).isEqualTo(1000);
        assertThat(s.stats().closed()).isEmpty();
    }

    private void awaitWaiting(ConnectMethodKey key, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (;;) {
            PoolSnapshot.KeyStats k = pool.snapshot().key(key.toString());
            if (k != null && k.waiting() >= n) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + n + " waiting on " + key);
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }
}
