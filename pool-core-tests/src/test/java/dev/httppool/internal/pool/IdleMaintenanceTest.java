package dev.httppool.internal.pool;

import static dev.httppool.PoolTestSupport.KEY_A;
import static dev.httppool.PoolTestSupport.KEY_B;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.httppool.ClientTrace;
import dev.httppool.ConnectMethodKey;
import dev.httppool.PoolSnapshot;
import dev.httppool.PoolTestSupport;
import dev.httppool.TransportConfig;
import dev.httppool.testing.Async;
import dev.httppool.testing.FakeTicker;
import dev.httppool.testing.FakeWire;
import dev.httppool.testing.ManualDials;
import dev.httppool.testing.RecordingListener;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Idle maintenance as a function of the time: literal instants in, closes and the next delay out. */
class IdleMaintenanceTest {

    private final FakeTicker ticker = new FakeTicker();
    private final ManualDials dials = new ManualDials();
    private ConnPool pool;

    private void pool(TransportConfig.Builder config) {
        pool = new ConnPool(config.build(), ticker, dials, dials, new RecordingListener(), () -> { });
    }

    @AfterEach
    void invariantsHold() {
        assertThat(pool.checkInvariants()).isNull();
    }

    /** Dials a connection for {@code key} and returns it to the idle list. */
    private PooledConnection idleConnection(ConnectMethodKey key) throws Exception {
        CompletableFuture<PooledConnection> got = CompletableFuture.supplyAsync(() -> {
            try {
                return pool.acquire(key, ClientTrace.NONE);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, Async.THREADS);
        dials.awaitQueued(1);
        dials.completeNext();
        PooledConnection pc = got.get(5, SECONDS);
        assertThat(pool.release(pc, null)).isNull();
        return pc;
    }

    @Test
    void withNothingIdleItAsksNotToRunAgain() {
        pool(PoolTestSupport.config());

        assertThat(pool.maintenance().run(ticker.nanoTime())).isEqualTo(-1);
    }

    @Test
    void aPassAsksEachIdleConnectionItFoundAliveToTrimWhatItNeedNotHoldWhileIdle() throws Exception {
        pool(PoolTestSupport.config());
        PooledConnection alive = idleConnection(KEY_A);
        PooledConnection dead = idleConnection(KEY_B);
        ((FakeWire) dead.wire).dead = true;
        ticker.advance(Duration.ofSeconds(1));

        pool.maintenance().run(ticker.nanoTime());

        assertThat(((FakeWire) alive.wire).trims).as("trims of the live idle connection").isEqualTo(1);
        assertThat(((FakeWire) dead.wire).trims).as("trims of the dead one, closed instead").isZero();
        assertThat(pool.snapshot().totals().idle()).isEqualTo(1);
    }

    @Test
    void aPassVisitsOnlyTheIdleConnectionsDueForTheProbeNotEveryKey() throws Exception {
        pool(PoolTestSupport.config().maxIdleConns(0));
        java.util.List<FakeWire> probedEarlier = new java.util.ArrayList<>();
        for (int k = 0; k < 20; k++) {
            probedEarlier.add((FakeWire) idleConnection(new ConnectMethodKey("", "http", "k" + k + ".test:80", false))
                    .wire);
        }
        ticker.advance(Duration.ofMillis(10));
        pool.maintenance().run(ticker.nanoTime()); // looks at all 20 (each trims after its probe)
        ticker.advance(Duration.ofMillis(500));
        FakeWire idledSince = (FakeWire) idleConnection(KEY_A).wire;
        ticker.advance(Duration.ofMillis(10));

        pool.maintenance().run(ticker.nanoTime());

        assertThat(probedEarlier).as("keys probed 510 ms ago: not visited").allSatisfy(w ->
                assertThat(w.trims).isEqualTo(1));
        assertThat(idledSince.trims).as("idle for 10 ms and never probed: visited").isEqualTo(1);

        ticker.advance(Duration.ofMillis(500)); // a probe interval after the first pass

        pool.maintenance().run(ticker.nanoTime());

        assertThat(probedEarlier).as("due again after a probe interval").allSatisfy(w ->
                assertThat(w.trims).isEqualTo(2));
        assertThat(idledSince.trims).as("probed 500 ms ago: not yet").isEqualTo(1);
        assertThat(pool.snapshot().totals().idle()).isEqualTo(21);
    }

    @Test
    void itReturnsTheTimeUntilTheOldestIdleConnectionExpiresWhenThatComesBeforeTheNextProbe() throws Exception {
        pool(PoolTestSupport.config().idleConnTimeout(Duration.ofMillis(300)));
        idleConnection(KEY_A);
        ticker.advance(100);

        long next = pool.maintenance().run(ticker.nanoTime());

        assertThat(next).isEqualTo(TimeUnit.MILLISECONDS.toNanos(200));
        assertThat(pool.snapshot().totals().idle()).isEqualTo(1);
    }

    @Test
    void itClosesWhatExpiredAtNowAndKeepsTheRestWithTheProbeIntervalAsTheNextDelay() throws Exception {
        pool(PoolTestSupport.config().idleConnTimeout(Duration.ofSeconds(90)));
        PooledConnection older = idleConnection(KEY_A);
        ticker.advance(Duration.ofSeconds(60));
        idleConnection(KEY_B);
        ticker.advance(Duration.ofSeconds(30));

        long next = pool.maintenance().run(ticker.nanoTime());

        assertThat(older.state).isEqualTo(PooledConnection.State.CLOSED);
        assertThat(pool.snapshot().totals().idle()).isEqualTo(1);
        assertThat(pool.snapshot().stats().closed()).containsEntry("idle-timeout", 1L);
        assertThat(next).isEqualTo(IdleMaintenance.PROBE_INTERVAL_NANOS);
    }

    @Test
    void aConnectionTheServerClosedIsClosedAsServerClosedAndWhenItWasTheLastOneNoRunIsAskedFor()
            throws Exception {
        pool(PoolTestSupport.config());
        PooledConnection pc = idleConnection(KEY_A);
        ((FakeWire) pc.wire).dead = true;
        ticker.advance(5);

        long next = pool.maintenance().run(ticker.nanoTime());

        assertThat(next).isEqualTo(-1);
        assertThat(pool.snapshot().stats().closed()).containsEntry("server-closed", 1L);
    }

    /** Starts a request for {@code key} on another thread. */
    private CompletableFuture<PooledConnection> acquireAsync(ConnectMethodKey key) {
        return PoolCallers.acquireAsync(pool, key);
    }

    /** Starts a maintenance probe pass on another thread and returns once it is probing {@code wire}. */
    private CompletableFuture<Integer> probeHeldAt(FakeWire wire) throws Exception {
        wire.probeGate = new CountDownLatch(1);
        CompletableFuture<Integer> pass = CompletableFuture.supplyAsync(
                () -> pool.maintenance().closeDeadIdle(ticker.nanoTime()), Async.THREADS);
        assertThat(wire.probeStarted.await(5, SECONDS)).as("the probe started").isTrue();
        return pass;
    }

    private void awaitWaiting(ConnectMethodKey key, int n) {
        long deadline = System.nanoTime() + SECONDS.toNanos(5);
        for (PoolSnapshot.KeyStats s; (s = pool.snapshot().key(key.toString())) == null || s.waiting() < n; ) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + n + " waiting on " + key + ", snapshot " + pool.snapshot());
            }
            Thread.onSpinWait();
        }
    }

    @Test
    void aRequestWaitsForTheIdleConnectionUnderTheProbeInsteadOfDialingAnother() throws Exception {
        pool(PoolTestSupport.config());
        PooledConnection idle = idleConnection(KEY_A);
        FakeWire wire = (FakeWire) idle.wire;
        ticker.advance(Duration.ofMillis(10));
        CompletableFuture<Integer> pass = probeHeldAt(wire);

        CompletableFuture<PooledConnection> got = acquireAsync(KEY_A);
        awaitWaiting(KEY_A, 1);
        wire.probeGate.countDown();

        assertThat(pass.get(5, SECONDS)).as("closed by the probe").isZero();
        assertThat(got.get(5, SECONDS)).as("the probed connection, handed over").isSameAs(idle);
        assertThat(dials.queued()).as("dials started for the request").isZero();
        assertThat(dials.dialed).as("connections made").hasSize(1);
        pool.release(idle, null);
    }

    @Test
    void aRequestThatWaitedForAProbedConnectionTheServerClosedDialsInItsPlace() throws Exception {
        pool(PoolTestSupport.config());
        PooledConnection idle = idleConnection(KEY_A);
        FakeWire wire = (FakeWire) idle.wire;
        wire.dead = true;
        ticker.advance(Duration.ofMillis(10));
        CompletableFuture<Integer> pass = probeHeldAt(wire);

        CompletableFuture<PooledConnection> got = acquireAsync(KEY_A);
        awaitWaiting(KEY_A, 1);
        wire.probeGate.countDown();
        assertThat(pass.get(5, SECONDS)).as("closed by the probe").isEqualTo(1);
        dials.awaitQueued(1);
        dials.completeNext();

        PooledConnection fresh = got.get(5, SECONDS);
        assertThat(fresh).isNotSameAs(idle);
        assertThat(((FakeWire) fresh.wire).id).isEqualTo(2);
        assertThat(pool.snapshot().key(KEY_A.toString()).connections()).as("the dead one's slot, taken over").isEqualTo(1);
        pool.release(fresh, null);
    }

    @Test
    void withMoreRequestsThanProbedIdleConnectionsTheRestDialAsGoWould() throws Exception {
        pool(PoolTestSupport.config());
        PooledConnection idle = idleConnection(KEY_A);
        FakeWire wire = (FakeWire) idle.wire;
        ticker.advance(Duration.ofMillis(10));
        CompletableFuture<Integer> pass = probeHeldAt(wire);

        CompletableFuture<PooledConnection> first = acquireAsync(KEY_A);
        awaitWaiting(KEY_A, 1);
        CompletableFuture<PooledConnection> second = acquireAsync(KEY_A);
        dials.awaitQueued(1);
        dials.completeNext();
        PooledConnection dialed = CompletableFuture.anyOf(first, second).thenApply(PooledConnection.class::cast)
                .get(5, SECONDS);
        wire.probeGate.countDown();
        pass.get(5, SECONDS);

        assertThat(java.util.List.of(first.get(5, SECONDS), second.get(5, SECONDS)))
                .containsExactlyInAnyOrder(idle, dialed);
        assertThat(dials.dialed).as("one dial for two requests and one probed idle connection").hasSize(2);
        pool.release(idle, null);
        pool.release(dialed, null);
    }
}
