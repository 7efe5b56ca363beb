package dev.httppool.internal.pool;

import static dev.httppool.PoolTestSupport.KEY_A;
import static dev.httppool.PoolTestSupport.KEY_B;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.httppool.ClientTrace;
import dev.httppool.ConnectMethodKey;
import dev.httppool.PoolSnapshot;
import dev.httppool.PoolTestSupport;
import dev.httppool.testing.Async;
import dev.httppool.testing.FakeTicker;
import dev.httppool.testing.ManualDials;
import dev.httppool.testing.RecordingListener;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code snapshot(address)}: keys, totals and counters of that address only. */
class FilteredSnapshotTest {

    private final FakeTicker ticker = new FakeTicker();
    private final ManualDials dials = new ManualDials();
    private final ConnPool pool = new ConnPool(PoolTestSupport.config().build(), ticker, dials, dials,
            new RecordingListener(), () -> { });

    @AfterEach
    void invariantsHold() {
        assertThat(pool.checkInvariants()).isNull();
    }

    private PooledConnection dialFor(ConnectMethodKey key) throws Exception {
        int before = dials.queued();
        CompletableFuture<PooledConnection> got = CompletableFuture.supplyAsync(() -> {
            try {
                return pool.acquire(key, ClientTrace.NONE);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, Async.THREADS);
        dials.awaitQueued(before + 1);
        dials.completeNext();
        return got.get(5, SECONDS);
    }

    @Test
    void aSnapshotOfOneAddressCountsOnlyItsConnectionsAndItsCountersEvenAfterItsKeyLeftThePool()
            throws Exception {
        PooledConnection a1 = dialFor(KEY_A);
        PooledConnection a2 = dialFor(KEY_A);
        PooledConnection b = dialFor(KEY_B);
        pool.release(a1, null);
        pool.release(b, null);
        pool.release(pool.acquire(KEY_B, ClientTrace.NONE), null);

        PoolSnapshot onlyA = pool.snapshot(KEY_A.address());
        assertThat(onlyA.keys()).extracting(PoolSnapshot.KeyStats::key).containsExactly(KEY_A.toString());
        assertThat(onlyA.totals()).isEqualTo(new PoolSnapshot.Totals(2, 1, 1, 0, 0));
        assertThat(onlyA.stats().dials()).isEqualTo(2);
        assertThat(onlyA.stats().reused()).isZero();
        PoolSnapshot onlyB = pool.snapshot(KEY_B.address());
        assertThat(onlyB.totals()).isEqualTo(new PoolSnapshot.Totals(1, 1, 0, 0, 0));
        assertThat(onlyB.stats().dials()).isEqualTo(1);
        assertThat(onlyB.stats().reused()).isEqualTo(1);
        assertThat(pool.snapshot().stats().dials()).isEqualTo(3);
        assertThat(pool.snapshot().totals().connections()).isEqualTo(3);

        pool.closeIdleConnections();

        assertThat(pool.snapshot(KEY_B.address()).keys()).isEmpty();
        assertThat(pool.snapshot(KEY_B.address()).stats().closed()).containsExactly(java.util.Map.entry("close-idle", 1L));
        assertThat(pool.snapshot(KEY_B.address()).stats().dials()).isEqualTo(1);
        assertThat(pool.snapshot("nowhere.test:80").stats()).isEqualTo(new PoolSnapshot.Stats(0, 0, 0, java.util.Map.of()));
        pool.release(a2, null);
    }
}
