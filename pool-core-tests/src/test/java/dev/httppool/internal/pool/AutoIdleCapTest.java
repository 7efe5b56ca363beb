package dev.httppool.internal.pool;

import static dev.httppool.PoolTestSupport.KEY_A;
import static dev.httppool.PoolTestSupport.KEY_B;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.httppool.ClientTrace;
import dev.httppool.CloseReason;
import dev.httppool.ConnectMethodKey;
import dev.httppool.PoolSnapshot;
import dev.httppool.PoolTestSupport;
import dev.httppool.TransportConfig;
import dev.httppool.testing.Async;
import dev.httppool.testing.FakeTicker;
import dev.httppool.testing.ManualDials;
import dev.httppool.testing.RecordingListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link TransportConfig#AUTO_IDLE_CONNS_PER_HOST}: each key keeps as many idle connections as it had in use at
 * once lately (at least 2, at most maxIdleConns), with a hand-moved ticker and dials run on demand.
 */
class AutoIdleCapTest {

    private static final int AUTO = TransportConfig.AUTO_IDLE_CONNS_PER_HOST;

    private final FakeTicker ticker = new FakeTicker();
    private final ManualDials dials = new ManualDials();
    private ConnPool pool;

    private void pool(TransportConfig.Builder config) {
        pool = new ConnPool(config.build(), ticker, dials, dials, new RecordingListener(), () -> { });
    }

    @AfterEach
    void invariantsHold() {
        if (pool != null) {
            assertThat(pool.checkInvariants()).isNull();
        }
    }

    /** {@code n} requests hold a connection of key A at once (new ones dialed as needed). */
    private List<PooledConnection> burst(int n) throws Exception {
        return burst(KEY_A, n);
    }

    private List<PooledConnection> burst(ConnectMethodKey key, int n) throws Exception {
        List<PooledConnection> held = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int before = dials.queued();
            boolean dial = stats(key) == null || stats(key).idle() == 0;
            CompletableFuture<PooledConnection> got = CompletableFuture.supplyAsync(() -> {
                try {
                    return pool.acquire(key, ClientTrace.NONE);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, Async.THREADS);
            if (dial) {
                dials.awaitQueued(before + 1);
                dials.completeNext();
            }
            held.add(got.get(5, SECONDS));
        }
        return held;
    }

    private void releaseAll(List<PooledConnection> held) {
        for (PooledConnection pc : held) {
            pool.release(pc, null);
        }
    }

    private PoolSnapshot.KeyStats keyA() {
        return stats(KEY_A);
    }

    private PoolSnapshot.KeyStats stats(ConnectMethodKey key) {
        return pool.snapshot().key(key.toString());
    }

    private void maintenanceAfter(Duration d) {
        ticker.advance(d);
        pool.maintenance().run(ticker.nanoTime());
    }

    /** One request at a time, every 10 seconds, for {@code seconds}. */
    private void lowUse(int seconds) throws Exception {
        for (int t = 0; t < seconds; t += 10) {
            ticker.advance(Duration.ofSeconds(10));
            releaseAll(List.of(pool.acquire(KEY_A, ClientTrace.NONE)));
        }
    }

    @Test
    void fourConcurrentUsersOfAKeyLeaveFourIdleConnectionsAndTheNextBurstDialsNone() throws Exception {
        pool(PoolTestSupport.config().maxIdleConnsPerHost(AUTO));
        releaseAll(burst(4));

        assertThat(keyA().idle()).isEqualTo(4);
        assertThat(keyA().idleCap()).isEqualTo(4);
        assertThat(pool.snapshot().stats().closed()).isEmpty();

        List<PooledConnection> again = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            again.add(pool.acquire(KEY_A, ClientTrace.NONE));
        }
        releaseAll(again);
        assertThat(pool.snapshot().stats().dials()).isEqualTo(4);
        assertThat(pool.snapshot().stats().reused()).isEqualTo(4);
        assertThat(keyA().idle()).isEqualTo(4);
    }

    @Test
    void aKeyThatNeverHadMoreThanOneInUseStillKeepsTwo() throws Exception {
        pool(PoolTestSupport.config().maxIdleConnsPerHost(AUTO));
        releaseAll(burst(1));

        assertThat(keyA().idleCap()).isEqualTo(2);
    }

    @Test
    void theCapRemembersAPeakForAWindowAndDecaysToTwoWithinAWindowAndAHalfOfLowerUse() throws Exception {
        // idle-conn-timeout 0: idle connections never expire, the window is 90s and only the cap can close them.
        pool(PoolTestSupport.config().maxIdleConnsPerHost(AUTO).idleConnTimeout(Duration.ZERO));
        releaseAll(burst(4));

        lowUse(80);
        assertThat(keyA().idle()).isEqualTo(4);
        assertThat(keyA().idleCap()).isEqualTo(4);

        lowUse(60); // 140s after the peak: more than one and a half windows
        assertThat(keyA().idleCap()).isEqualTo(2);
        assertThat(keyA().idle()).isEqualTo(2);
        assertThat(pool.snapshot().stats().closed()).containsExactly(Map.entry("too-many-idle-host", 2L));
    }

    @Test
    void aKeyThatStopsBeingUsedShrinksToTwoIdleThroughTheMaintenancePass() throws Exception {
        pool(PoolTestSupport.config().maxIdleConnsPerHost(AUTO).idleConnTimeout(Duration.ZERO));
        releaseAll(burst(4));

        ticker.advance(Duration.ofSeconds(60));
        pool.maintenance().run(ticker.nanoTime());
        assertThat(keyA().idle()).isEqualTo(4);

        ticker.advance(Duration.ofSeconds(80));
        pool.maintenance().run(ticker.nanoTime());
        assertThat(keyA().idle()).isEqualTo(2);
        assertThat(keyA().idleCap()).isEqualTo(2);
    }

    @Test
    void keysThatStopBeingUsedAtDifferentTimesShrinkOnTheirOwnClocksThroughTheMaintenancePass() throws Exception {
        pool(PoolTestSupport.config().maxIdleConnsPerHost(AUTO).idleConnTimeout(Duration.ZERO));
        releaseAll(burst(KEY_A, 4));
        maintenanceAfter(Duration.ofSeconds(60));
        releaseAll(burst(KEY_B, 3)); // B's last use: 60 s after A's

        maintenanceAfter(Duration.ofSeconds(80)); // A: 140 s quiet, more than a window and a half; B: 80 s
        assertThat(stats(KEY_A).idle()).isEqualTo(2);
        assertThat(stats(KEY_B).idle()).isEqualTo(3);

        maintenanceAfter(Duration.ofSeconds(30)); // B: 110 s, within a window and a half
        assertThat(stats(KEY_B).idle()).isEqualTo(3);

        maintenanceAfter(Duration.ofSeconds(30)); // B: 140 s
        assertThat(stats(KEY_B).idle()).isEqualTo(2);
        assertThat(stats(KEY_A).idle()).isEqualTo(2);
        assertThat(pool.snapshot().stats().closed()).containsExactly(Map.entry("too-many-idle-host", 3L));
    }

    @Test
    void aKeyEmptiedWhileQueuedAndUsedAgainShrinksOnItsNewEntrysClock() throws Exception {
        pool(PoolTestSupport.config().maxIdleConnsPerHost(AUTO).idleConnTimeout(Duration.ZERO));
        releaseAll(burst(4));
        pool.closeIdleConnections(); // the key's entry goes, still queued for its cap to fall
        assertThat(keyA()).isNull();

        maintenanceAfter(Duration.ofSeconds(20));
        releaseAll(burst(3)); // a new entry: its peak is 3

        maintenanceAfter(Duration.ofSeconds(60)); // the old entry's slice ended: dropped, the new one untouched
        assertThat(keyA().idle()).isEqualTo(3);
        maintenanceAfter(Duration.ofSeconds(80)); // 140 s after the new entry's last use
        assertThat(keyA().idle()).isEqualTo(2);
    }

    @Test
    void theCapIsNeverAboveMaxIdleConns() throws Exception {
        pool(PoolTestSupport.config().maxIdleConnsPerHost(AUTO).maxIdleConns(3));
        List<PooledConnection> held = burst(4);
        for (int i = 0; i < 3; i++) {
            assertThat(pool.release(held.get(i), null)).isNull();
        }

        assertThat(pool.release(held.get(3), null)).isEqualTo(CloseReason.TOO_MANY_IDLE_HOST);
        assertThat(keyA().idleCap()).isEqualTo(3);
        assertThat(keyA().idle()).isEqualTo(3);
    }

    @Test
    void anIntegerCapKeepsGosMeaningWhateverTheRecentPeak() throws Exception {
        pool(PoolTestSupport.config().maxIdleConnsPerHost(2));
        releaseAll(burst(4));

        assertThat(keyA().idle()).isEqualTo(2);
        assertThat(keyA().idleCap()).isEqualTo(2);
        assertThat(pool.snapshot().settings().maxIdleConnsPerHost()).isEqualTo(2);
        assertThat(pool.snapshot().stats().closed()).containsExactly(Map.entry("too-many-idle-host", 2L));
    }

    @Test
    void zeroStillKeepsNone() throws Exception {
        pool(PoolTestSupport.config().maxIdleConnsPerHost(0));
        List<PooledConnection> held = burst(4);

        assertThat(keyA().idleCap()).isZero();
        releaseAll(held);
        assertThat(pool.snapshot().totals().connections()).isZero();
    }

    @Test
    void theSettingsShowAutoAsItsSentinelAndOtherNegativeValuesAreRejected() {
        pool(PoolTestSupport.config().maxIdleConnsPerHost(AUTO));
        assertThat(pool.snapshot().settings().maxIdleConnsPerHost()).isEqualTo(AUTO);

        assertThatThrownBy(() -> TransportConfig.builder().maxIdleConnsPerHost(-2).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxIdleConnsPerHost must be >= 0 (0 means keep none) or AUTO_IDLE_CONNS_PER_HOST (-1), "
                        + "was -2");
    }
}
