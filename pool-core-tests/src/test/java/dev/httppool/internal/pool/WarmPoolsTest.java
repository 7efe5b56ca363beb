package dev.httppool.internal.pool;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.httppool.ClientTrace;
import dev.httppool.CloseReason;
import dev.httppool.ConnectMethodKey;
import dev.httppool.HostOverride;
import dev.httppool.TransportConfig;
import dev.httppool.TransportListener;
import dev.httppool.testing.FakeTicker;
import dev.httppool.testing.FakeWire;
import dev.httppool.testing.ManualDials;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Warm pools ({@code hosts[i].minIdle}) with a hand-moved ticker, dials run on demand and the background runs
 * made by hand: filled at start, refilled after every kind of close, never above {@code maxConnsPerHost}, backing
 * off after failed dials, stopped by close.
 */
class WarmPoolsTest {

    private static final String BASE = "http://api.example.com:8080";
    private static final ConnectMethodKey API = new ConnectMethodKey("", "http", "api.example.com:8080", false);

    private final FakeTicker ticker = new FakeTicker();
    private final ManualDials dials = new ManualDials();
    /** The delays the pool asked its scheduler for, and the tasks; the test runs them, or runs the pool itself. */
    private final List<Long> scheduled = new ArrayList<>();
    private final List<Runnable> tasks = new ArrayList<>();
    private ConnPool pool;

    private void pool(TransportConfig.Builder config) {
        pool = new ConnPool(config.build(), ticker, dials, dials, TransportListener.NONE, () -> { });
        pool.warmPools().start(ConnectMethodKey::direct, (task, delay) -> {
            synchronized (scheduled) {
                scheduled.add(delay);
                tasks.add(task);
            }
        });
    }

    private static TransportConfig.Builder warm(HostOverride.Builder entry) {
        return TransportConfig.builder().hosts(List.of(entry.build()));
    }

    @AfterEach
    void invariantsHold() {
        if (pool != null) {
            assertThat(pool.checkInvariants()).isNull();
            pool.close();
        }
    }

    /** Runs the tasks the pool scheduled (as its maintenance thread would). */
    private void runScheduled() {
        List<Runnable> due;
        synchronized (scheduled) {
            due = new ArrayList<>(tasks);
            tasks.clear();
            scheduled.clear();
        }
        due.forEach(Runnable::run);
    }

    private long run() {
        return pool.warmPools().run(ticker.nanoTime());
    }

    private int idle() {
        var k = pool.snapshot().key(API.toString());
        return k == null ? 0 : k.idle();
    }

    private int connections() {
        var k = pool.snapshot().key(API.toString());
        return k == null ? 0 : k.connections();
    }

    private List<FakeWire> dialed() {
        synchronized (dials) {
            return new ArrayList<>(dials.dialed);
        }
    }

    @Test
    void startingAsksForARunAndTheRunDialsMinIdleConnectionsThatLandIdle() {
        pool(warm(HostOverride.builder(BASE).minIdle(3)));
        assertThat(scheduled).as("start schedules the first fill at once").containsExactly(0L);

        assertThat(run()).isEqualTo(-1);
        assertThat(dials.queued()).isEqualTo(3);
        dials.completeAll();

        assertThat(idle()).isEqualTo(3);
        assertThat(run()).as("nothing is missing").isEqualTo(-1);
        assertThat(dials.queued()).isZero();
    }

    @Test
    void warmConnectionsAreKeptAboveTheKeysIdleCap() {
        pool(warm(HostOverride.builder(BASE).minIdle(4).maxIdleConnsPerHost(1)));
        run();
        dials.completeAll();

        assertThat(idle()).isEqualTo(4);
        assertThat(pool.snapshot().stats().closed()).isEmpty();
    }

    @Test
    void neverDialsAboveTheEntrysMaxConnsPerHostCountingConnectionsInUse() throws Exception {
        pool(warm(HostOverride.builder(BASE).minIdle(2).maxConnsPerHost(3)));
        run();
        dials.completeAll();
        PooledConnection a = pool.acquire(API, ClientTrace.NONE);
        PooledConnection b = pool.acquire(API, ClientTrace.NONE);

        assertThat(run()).isEqualTo(-1);
        assertThat(dials.queued()).as("two in use count as open: none is missing").isZero();
        pool.release(a, CloseReason.BROKEN);
        pool.release(b, CloseReason.BROKEN);
        run();
        assertThat(dials.queued()).isEqualTo(2);
        dials.completeAll();
        assertThat(connections()).isEqualTo(2);
    }

    @Test
    void aConnectionClosedForItsIdleTimeoutIsRefilled() {
        pool(warm(HostOverride.builder(BASE).minIdle(2).idleConnTimeout(Duration.ofSeconds(30))));
        runScheduled();
        dials.completeAll();

        ticker.advance(Duration.ofSeconds(30));
        pool.maintenance().run(ticker.nanoTime());

        assertThat(connections()).isZero();
        assertThat(scheduled).as("the closes asked for one run, at once").containsExactly(0L);
        runScheduled();
        dials.completeAll();
        assertThat(idle()).isEqualTo(2);
        assertThat(dialed()).hasSize(4);
    }

    @Test
    void aConnectionClosedAtTheEndOfItsLifetimeIsRefilled() {
        pool(warm(HostOverride.builder(BASE).minIdle(1).maxConnLifetime(Duration.ofMinutes(5))
                .idleConnTimeout(Duration.ZERO)));
        run();
        dials.completeAll();

        ticker.advance(Duration.ofMinutes(5));
        pool.maintenance().run(ticker.nanoTime());
        run();
        dials.completeAll();

        assertThat(dialed()).hasSize(2);
        assertThat(dialed().get(0).closed).isTrue();
        assertThat(idle()).isEqualTo(1);
        assertThat(pool.snapshot().stats().closed()).containsEntry("max-lifetime", 1L);
    }

    @Test
    void connectionsClosedByCloseIdleConnectionsAreRefilledAndTheRefillIsKept() {
        pool(warm(HostOverride.builder(BASE).minIdle(2)));
        run();
        dials.completeAll();

        assertThat(pool.closeIdleConnections()).isEqualTo(2);
        run();
        dials.completeAll();

        assertThat(idle()).as("warm dials land idle even before the next request").isEqualTo(2);
        assertThat(dialed()).hasSize(4);
    }

    @Test
    void aConnectionTheServerClosedIsRefilled() {
        pool(warm(HostOverride.builder(BASE).minIdle(1)));
        run();
        dials.completeAll();

        dialed().get(0).dead = true;
        ticker.advance(2);
        pool.maintenance().closeDeadIdle(ticker.nanoTime());
        run();
        dials.completeAll();

        assertThat(dialed()).hasSize(2);
        assertThat(idle()).isEqualTo(1);
    }

    @Test
    void failedWarmDialsBackOffDoublingFrom100MillisecondsTo30SecondsAndNeverSpin() {
        pool(warm(HostOverride.builder(BASE).minIdle(1)));
        long expected = TimeUnit.MILLISECONDS.toNanos(100);
        int attempts = 0;
        for (int round = 0; round < 12; round++) {
            run();
            assertThat(dials.queued()).as("round " + round).isEqualTo(1);
            dials.failNext(new ConnectException("refused"));
            attempts++;
            long delay = run();
            assertThat(dials.queued()).as("no dial before the backoff ends").isZero();
            assertThat(delay).as("round " + round).isEqualTo(expected);
            ticker.advance(Duration.ofNanos(delay - 1));
            assertThat(run()).isEqualTo(1);
            assertThat(dials.queued()).isZero();
            ticker.advance(Duration.ofNanos(1));
            expected = Math.min(expected * 2, WarmPools.MAX_BACKOFF_NANOS);
        }
        assertThat(expected).isEqualTo(WarmPools.MAX_BACKOFF_NANOS);
        assertThat(attempts).isEqualTo(12);
        assertThat(pool.snapshot().stats().dialFailures()).isEqualTo(12);
    }

    @Test
    void aSuccessfulDialResetsTheBackoff() {
        pool(warm(HostOverride.builder(BASE).minIdle(1)));
        run();
        dials.failNext(new ConnectException("refused"));
        ticker.advance(Duration.ofNanos(run()));
        run();
        dials.failNext(new ConnectException("refused"));
        assertThat(run()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(200));
        ticker.advance(Duration.ofMillis(200));
        run();
        dials.completeNext();

        dialed().get(0).dead = true;
        ticker.advance(2);
        pool.maintenance().closeDeadIdle(ticker.nanoTime());
        run();
        dials.failNext(new ConnectException("refused"));
        assertThat(run()).as("back to the first delay").isEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
    }

    @Test
    void afterAFailureOneDialTriesAndTheRestFollowItsSuccess() {
        pool(warm(HostOverride.builder(BASE).minIdle(3)));
        runScheduled();
        dials.failNext(new ConnectException("refused"));
        dials.failNext(new ConnectException("refused"));
        dials.failNext(new ConnectException("refused"));
        ticker.advance(Duration.ofNanos(run()));

        run();
        assertThat(dials.queued()).as("one dial tries the target again").isEqualTo(1);
        runScheduled();
        dials.completeNext();
        assertThat(scheduled).as("its success asks for a run").contains(0L);
        runScheduled();

        assertThat(dials.queued()).isEqualTo(2);
        dials.completeAll();
        assertThat(idle()).isEqualTo(3);
        assertThat(pool.snapshot().stats().dialFailures()).as("one doubling for the round of three").isEqualTo(3);
    }

    @Test
    void aTargetWhoseKeyCannotBeMadeIsNotKeptWarmAndTheOthersAre() {
        pool = new ConnPool(TransportConfig.builder().hosts(List.of(
                HostOverride.builder("http://bad.test").minIdle(1).build(),
                HostOverride.builder(BASE).minIdle(1).build())).build(),
                ticker, dials, dials, TransportListener.NONE, () -> { });
        pool.warmPools().start(uri -> {
            if (uri.getHost().equals("bad.test")) {
                throw new IllegalArgumentException("invalid proxy for " + uri);
            }
            return ConnectMethodKey.direct(uri);
        }, (task, delay) -> { });

        run();
        dials.completeAll();

        assertThat(idle()).isEqualTo(1);
        assertThat(pool.snapshot().keys()).hasSize(1);
    }

    @Test
    void closeStopsRefills() {
        pool(warm(HostOverride.builder(BASE).minIdle(2)));
        run();
        dials.completeAll();

        pool.close();

        assertThat(run()).isEqualTo(-1);
        assertThat(dials.queued()).isZero();
        assertThat(connections()).isZero();
    }

    @Test
    void aWarmDialInFlightWhenThePoolClosesIsClosedNotPooled() throws Exception {
        pool(warm(HostOverride.builder(BASE).minIdle(1)));
        run();
        pool.close();
        dials.completeAll();

        assertThat(dialed().get(0).closed).isTrue();
        assertThat(connections()).isZero();
    }

    @Test
    void aRequestWaitingWhenAWarmDialEndsTakesTheConnection() throws Exception {
        pool(warm(HostOverride.builder(BASE).minIdle(1).maxConnsPerHost(1)));
        run();
        var got = new java.util.concurrent.CompletableFuture<PooledConnection>();
        Thread t = new Thread(() -> {
            try {
                got.complete(pool.acquire(API, ClientTrace.NONE));
            } catch (Throwable e) {
                got.completeExceptionally(e);
            }
        });
        t.start();
        long deadline = System.nanoTime() + SECONDS.toNanos(5);
        while (pool.snapshot().totals().waiting() == 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        dials.completeNext();

        PooledConnection pc = got.get(5, SECONDS);
        assertThat(pc.wire).isSameAs(dialed().get(0));
        pool.release(pc, null);
    }

    @Test
    void maxIdleConnsEvictsOtherKeysIdleConnectionsBeforeAWarmKeysLastOnes() throws Exception {
        ConnectMethodKey other = new ConnectMethodKey("", "http", "other.test:80", false);
        pool(warm(HostOverride.builder(BASE).minIdle(2)).maxIdleConns(3));
        run();
        dials.completeAll();
        var held = new ArrayList<PooledConnection>();
        for (int i = 0; i < 2; i++) {
            var got = new java.util.concurrent.CompletableFuture<PooledConnection>();
            new Thread(() -> {
                try {
                    got.complete(pool.acquire(other, ClientTrace.NONE));
                } catch (Throwable e) {
                    got.completeExceptionally(e);
                }
            }).start();
            dials.awaitQueued(1);
            dials.completeNext();
            held.add(got.get(5, SECONDS));
        }
        for (PooledConnection pc : held) {
            pool.release(pc, null);
        }

        assertThat(idle()).as("the warm ones stay; the other key's oldest went").isEqualTo(2);
        assertThat(pool.snapshot().stats().closed()).containsEntry("too-many-idle", 1L);
        assertThat(dialed().get(0).closed).isFalse();
        assertThat(dialed().get(1).closed).isFalse();
    }
}
