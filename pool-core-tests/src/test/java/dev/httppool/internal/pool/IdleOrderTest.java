package dev.httppool.internal.pool;

import static dev.httppool.PoolTestSupport.KEY_A;
import static dev.httppool.PoolTestSupport.KEY_B;
import static dev.httppool.PoolTestSupport.KEY_C;
import static org.assertj.core.api.Assertions.assertThat;

import dev.httppool.ClientTrace;
import dev.httppool.CloseReason;
import dev.httppool.ConnectMethodKey;
import dev.httppool.Headers;
import dev.httppool.HostOverride;
import dev.httppool.PoolTestSupport;
import dev.httppool.TransportConfig;
import dev.httppool.internal.exchange.KeepAliveHint;
import dev.httppool.testing.FakeTicker;
import dev.httppool.testing.FakeWire;
import dev.httppool.testing.RecordingListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The pool's idle orders (the LRU and the probe order) stay exact although a checkout leaves a connection's places
 * where they are: what was idle longest, what expires and what the probe looks at are judged by the last return.
 * Dials complete inline on the calling thread with socket-less connections.
 */
class IdleOrderTest {

    private final FakeTicker ticker = new FakeTicker();
    private ConnPool pool;

    private void pool(TransportConfig.Builder config) {
        pool = new ConnPool(config.build(), ticker, (key, trace) -> new FakeWire(0), Runnable::run,
                new RecordingListener(), () -> { });
    }

    @AfterEach
    void invariantsHold() {
        assertThat(pool.checkInvariants()).isNull();
    }

    /** Takes a connection for {@code key} (an idle one, or a new one) and returns it to the idle list. */
    private PooledConnection useAndReturn(ConnectMethodKey key) throws Exception {
        PooledConnection pc = pool.acquire(key, ClientTrace.NONE);
        assertThat(pool.release(pc, null)).isNull();
        return pc;
    }

    @Test
    void maxIdleConnsClosesTheConnectionIdleLongestThoughAnOlderOneWasReusedAndReturnedSince() throws Exception {
        pool(PoolTestSupport.config().maxIdleConns(2));
        PooledConnection a = useAndReturn(KEY_A);
        ticker.advance(10);
        PooledConnection b = useAndReturn(KEY_B);
        ticker.advance(10);
        assertThat(useAndReturn(KEY_A)).as("a reused").isSameAs(a);
        ticker.advance(10);

        PooledConnection c = useAndReturn(KEY_C);

        assertThat(b.state).as("b, idle longest").isEqualTo(PooledConnection.State.CLOSED);
        assertThat(a.state).isEqualTo(PooledConnection.State.IDLE);
        assertThat(c.state).isEqualTo(PooledConnection.State.IDLE);
    }

    @Test
    void anIdleConnectionReusedSinceExpiresCountingFromItsLastReturn() throws Exception {
        pool(PoolTestSupport.config().idleConnTimeout(Duration.ofSeconds(90)));
        PooledConnection a = useAndReturn(KEY_A);
        ticker.advance(Duration.ofSeconds(60));
        useAndReturn(KEY_A);
        ticker.advance(Duration.ofSeconds(40));

        long next = pool.maintenance().closeExpiredIdle(ticker.nanoTime());

        assertThat(a.state).as("idle for 40 s since its last return").isEqualTo(PooledConnection.State.IDLE);
        assertThat(next).isEqualTo(TimeUnit.SECONDS.toNanos(50));

        ticker.advance(Duration.ofSeconds(50));
        pool.maintenance().closeExpiredIdle(ticker.nanoTime());

        assertThat(a.state).isEqualTo(PooledConnection.State.CLOSED);
    }

    @Test
    void aConnectionReturnedSoonAfterItsProbeIsProbedAgainAProbeIntervalAfterThatProbe() throws Exception {
        pool(PoolTestSupport.config());
        FakeWire wire = (FakeWire) useAndReturn(KEY_A).wire;
        ticker.advance(10);
        pool.maintenance().run(ticker.nanoTime());
        assertThat(wire.trims).as("probed once idle for 10 ms").isEqualTo(1);
        ticker.advance(200);
        useAndReturn(KEY_A);
        ticker.advance(10);

        pool.maintenance().run(ticker.nanoTime());

        assertThat(wire.trims).as("probed 220 ms ago: not yet").isEqualTo(1);

        ticker.advance(790); // a probe interval after the first probe

        pool.maintenance().run(ticker.nanoTime());

        assertThat(wire.trims).isEqualTo(2);
    }

    @Test
    void aConnectionReusedManyTimesBetweenPassesKeepsOnePlaceAndIsProbedOncePerInterval() throws Exception {
        pool(PoolTestSupport.config().maxIdleConns(0));
        PooledConnection a = useAndReturn(KEY_A);
        PooledConnection b = useAndReturn(KEY_B);
        for (int i = 0; i < 1_000; i++) {
            ticker.advance(3);
            assertThat(useAndReturn(i % 2 == 0 ? KEY_A : KEY_B)).isSameAs(i % 2 == 0 ? a : b);
            if (i % 100 == 0) {
                pool.maintenance().run(ticker.nanoTime());
                assertThat(pool.checkInvariants()).as("after step " + i).isNull();
            }
        }
        ticker.advance(10);
        pool.maintenance().run(ticker.nanoTime());

        // 3 s of use: at most one probe per interval each (plus the one at the end)
        assertThat(((FakeWire) a.wire).trims).isBetween(1, 4);
        assertThat(((FakeWire) b.wire).trims).isBetween(1, 4);
        assertThat(pool.snapshot().totals().idle()).isEqualTo(2);
    }

    @Test
    void aConnectionClosedWhileHandedOutLeavesTheIdleOrdersAtOnce() throws Exception {
        pool(PoolTestSupport.config().maxIdleConns(0));
        useAndReturn(KEY_A);
        PooledConnection b = useAndReturn(KEY_B);
        ticker.advance(10);
        PooledConnection held = pool.acquire(KEY_B, ClientTrace.NONE);
        assertThat(held).isSameAs(b);

        pool.release(held, CloseReason.BROKEN);

        // The invariant check (after each test) fails if a closed connection still holds a place.
        assertThat(pool.checkInvariants()).isNull();
        assertThat(pool.maintenance().closeExpiredIdle(ticker.nanoTime())).isPositive();
        assertThat(pool.snapshot().totals().idle()).isEqualTo(1);
    }

    @Test
    void withLifetimesAPassClosesOnlyTheConnectionsWhoseLifetimeEndedAndWaitsForTheNext() throws Exception {
        pool(PoolTestSupport.config().maxIdleConns(0).maxConnLifetime(Duration.ofSeconds(10))
                .maxConnLifetimeJitter(Duration.ZERO));
        PooledConnection a = useAndReturn(KEY_A);
        ticker.advance(Duration.ofSeconds(4));
        PooledConnection b = useAndReturn(KEY_B);
        ticker.advance(Duration.ofSeconds(1));
        assertThat(useAndReturn(KEY_A)).as("a reused").isSameAs(a);

        assertThat(pool.maintenance().closeExpiredDeadlines(ticker.nanoTime()))
                .isEqualTo(TimeUnit.SECONDS.toNanos(5));

        ticker.advance(Duration.ofSeconds(5));
        long next = pool.maintenance().closeExpiredDeadlines(ticker.nanoTime());

        assertThat(a.state).as("a's lifetime ended").isEqualTo(PooledConnection.State.CLOSED);
        assertThat(b.state).isEqualTo(PooledConnection.State.IDLE);
        assertThat(pool.snapshot().stats().closed()).containsEntry("max-lifetime", 1L);
        assertThat(next).as("until b's lifetime ends").isEqualTo(TimeUnit.SECONDS.toNanos(4));
    }

    @Test
    void aServerThatShortensItsIdleLimitHasTheConnectionClosedByTheShorterLimit() throws Exception {
        pool(PoolTestSupport.config().respectServerKeepAlive(true));
        PooledConnection a = pool.acquire(KEY_A, ClientTrace.NONE);
        a.serverKeepAlive(KeepAliveHint.of(Headers.of("Keep-Alive", "timeout=11"))); // kept idle up to 10 s
        pool.release(a, null);
        ticker.advance(Duration.ofSeconds(1));
        assertThat(pool.acquire(KEY_A, ClientTrace.NONE)).isSameAs(a);
        a.serverKeepAlive(KeepAliveHint.of(Headers.of("Keep-Alive", "timeout=3"))); // now 2 s
        pool.release(a, null);
        ticker.advance(1_900);

        pool.maintenance().run(ticker.nanoTime());

        assertThat(a.state).isEqualTo(PooledConnection.State.IDLE);

        ticker.advance(100);
        pool.maintenance().run(ticker.nanoTime());

        assertThat(a.state).isEqualTo(PooledConnection.State.CLOSED);
        assertThat(pool.snapshot().stats().closed()).containsEntry("idle-timeout", 1L);
    }

    @Test
    void withKeysOfTheirOwnIdleTimeoutsAReusedConnectionExpiresByItsKeysTimeoutFromItsLastReturn()
            throws Exception {
        pool(PoolTestSupport.config().idleConnTimeout(Duration.ofSeconds(60)).hosts(List.of(
                HostOverride.builder("b.test").idleConnTimeout(Duration.ofSeconds(5)).build())));
        PooledConnection a = useAndReturn(KEY_A);
        PooledConnection b = useAndReturn(KEY_B);
        ticker.advance(Duration.ofSeconds(3));
        assertThat(useAndReturn(KEY_B)).isSameAs(b);
        ticker.advance(Duration.ofSeconds(2));

        assertThat(pool.maintenance().closeExpiredIdle(ticker.nanoTime())).isEqualTo(TimeUnit.SECONDS.toNanos(3));
        assertThat(b.state).isEqualTo(PooledConnection.State.IDLE);

        ticker.advance(Duration.ofSeconds(3));
        long next = pool.maintenance().closeExpiredIdle(ticker.nanoTime());

        assertThat(b.state).isEqualTo(PooledConnection.State.CLOSED);
        assertThat(a.state).isEqualTo(PooledConnection.State.IDLE);
        assertThat(next).as("until a, idle 8 s, reaches 60 s").isEqualTo(TimeUnit.SECONDS.toNanos(52));
    }
}
