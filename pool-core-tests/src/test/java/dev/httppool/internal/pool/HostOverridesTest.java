package dev.httppool.internal.pool;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.httppool.ClientTrace;
import dev.httppool.CloseReason;
import dev.httppool.ConnectMethodKey;
import dev.httppool.HostOverride;
import dev.httppool.LeaseStrategy;
import dev.httppool.PoolExhaustedException;
import dev.httppool.PoolSnapshot;
import dev.httppool.TransportConfig;
import dev.httppool.TransportListener;
import dev.httppool.testing.FakeTicker;
import dev.httppool.testing.FakeWire;
import dev.httppool.testing.ManualDials;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Per-host overrides ({@code hosts}): which entry a key takes (the first match), and that the key then lives under
 * the entry's limits, with the global ones where the entry leaves a setting unset.
 */
class HostOverridesTest {

    private static final ConnectMethodKey API = new ConnectMethodKey("", "https", "api.example.com:443", false);
    private static final ConnectMethodKey API_HTTP = new ConnectMethodKey("", "http", "api.example.com:80", false);
    private static final ConnectMethodKey BILLING = new ConnectMethodKey("", "http", "billing.internal:8080", false);
    private static final ConnectMethodKey OTHER = new ConnectMethodKey("", "http", "other.test:80", false);
    private static final ConnectMethodKey PROXIED_HTTP = new ConnectMethodKey("http://proxy:3128", "http", "", false);

    private final FakeTicker ticker = new FakeTicker();
    private final ManualDials dials = new ManualDials();
    private ConnPool pool;

    private void pool(TransportConfig.Builder config) {
        pool = new ConnPool(config.build(), ticker, dials, dials, TransportListener.NONE, () -> { });
    }

    @AfterEach
    void invariantsHold() throws Exception {
        if (pool != null) {
            assertThat(pool.checkInvariants()).isNull();
            pool.close();
        }
    }

    private CompletableFuture<PooledConnection> acquireAsync(ConnectMethodKey key) {
        return PoolCallers.acquireAsync(pool, key);
    }

    private PooledConnection dialFor(ConnectMethodKey key) throws Exception {
        return PoolCallers.dialFor(pool, dials, key);
    }

    private void awaitWaiting(ConnectMethodKey key, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
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

    private static TransportConfig.Builder config(HostOverride... hosts) {
        return TransportConfig.builder().hosts(List.of(hosts));
    }

    private HostOverride overrideOf(ConnectMethodKey key) {
        pool.lock.lock();
        try {
            return pool.hostLimits.forKeyLocked(key).override;
        } finally {
            pool.lock.unlock();
        }
    }

    @Test
    void theFirstMatchingEntryWinsWhateverItsForm() {
        HostOverride base = HostOverride.builder("https://api.example.com").maxConnsPerHost(1).build();
        HostOverride host = HostOverride.builder("api.example.com").maxConnsPerHost(2).build();
        HostOverride domain = HostOverride.builder("*.internal").maxConnsPerHost(3).build();
        HostOverride hostPort = HostOverride.builder("billing.internal:8080").maxConnsPerHost(4).build();
        pool(config(base, host, domain, hostPort));

        assertThat(overrideOf(API)).isSameAs(base);
        assertThat(overrideOf(API_HTTP)).as("the base URL is https: the host entry comes next").isSameAs(host);
        assertThat(overrideOf(BILLING)).as("*.internal comes before billing.internal:8080").isSameAs(domain);
        assertThat(overrideOf(OTHER)).isNull();
        assertThat(overrideOf(PROXIED_HTTP)).as("plain http behind a proxy names no target").isNull();
    }

    @Test
    void aKeysMaxConnsPerHostComesFromItsEntryWhileOtherKeysKeepTheGlobalOne() throws Exception {
        pool(config(HostOverride.builder("*.internal").maxConnsPerHost(1).build()).maxConnsPerHost(3));
        PooledConnection first = dialFor(BILLING);
        CompletableFuture<PooledConnection> second = acquireAsync(BILLING);
        awaitWaiting(BILLING, 1);

        assertThat(dials.queued()).as("the entry allows one connection: the second request waits").isZero();
        List<PooledConnection> others = List.of(dialFor(OTHER), dialFor(OTHER), dialFor(OTHER));
        assertThat(pool.snapshot().key(OTHER.toString()).connections()).isEqualTo(3);

        pool.release(first, null);
        assertThat(second.get(5, SECONDS)).isSameAs(first);
        pool.release(first, null);
        others.forEach(pc -> pool.release(pc, null));
    }

    @Test
    void settingsAnEntryLeavesUnsetStayGlobal() throws Exception {
        pool(config(HostOverride.builder("api.example.com").leaseStrategy(LeaseStrategy.FIFO).build())
                .maxConnsPerHost(1).maxWaitingPerHost(1));
        PooledConnection held = dialFor(API);
        CompletableFuture<PooledConnection> waiter = acquireAsync(API);
        awaitWaiting(API, 1);

        assertThatThrownBy(() -> pool.acquire(API, ClientTrace.NONE))
                .as("the global maxConnsPerHost and maxWaitingPerHost apply to the entry's key")
                .isInstanceOf(PoolExhaustedException.class);
        pool.release(held, null);
        pool.release(waiter.get(5, SECONDS), null);
    }

    @Test
    void aKeysLeaseStrategyAndIdleCapComeFromItsEntry() throws Exception {
        pool(config(HostOverride.builder("api.example.com").leaseStrategy(LeaseStrategy.FIFO)
                .maxIdleConnsPerHost(3).build()).maxIdleConnsPerHost(1));
        PooledConnection a = dialFor(API);
        PooledConnection b = dialFor(API);
        PooledConnection c = dialFor(API);
        pool.release(a, null);
        pool.release(b, null);
        pool.release(c, null);

        assertThat(pool.snapshot().key(API.toString()).idle()).as("the entry's idle cap of 3").isEqualTo(3);
        assertThat(pool.acquire(API, ClientTrace.NONE)).as("FIFO: the least recently used").isSameAs(a);

        PooledConnection x = dialFor(OTHER);
        PooledConnection y = dialFor(OTHER);
        pool.release(x, null);
        assertThat(pool.release(y, null)).as("the global idle cap of 1").isEqualTo(CloseReason.TOO_MANY_IDLE_HOST);
        pool.release(a, null);
    }

    @Test
    void aKeysIdleTimeoutAndLifetimeComeFromItsEntry() throws Exception {
        pool(config(HostOverride.builder("api.example.com").idleConnTimeout(Duration.ofSeconds(5)).build(),
                HostOverride.builder("*.internal").maxConnLifetime(Duration.ofSeconds(3)).build())
                .idleConnTimeout(Duration.ofSeconds(90)));
        PooledConnection api = dialFor(API);
        PooledConnection billing = dialFor(BILLING);
        PooledConnection other = dialFor(OTHER);
        pool.release(other, null);
        pool.release(api, null);
        pool.release(billing, null);

        ticker.advance(Duration.ofSeconds(4));
        pool.maintenance().run(ticker.nanoTime());
        assertThat(((FakeWire) billing.wire).closed).as("the entry's lifetime of 3 s").isTrue();
        assertThat(((FakeWire) api.wire).closed).isFalse();

        ticker.advance(Duration.ofSeconds(1));
        long next = pool.maintenance().run(ticker.nanoTime());
        assertThat(((FakeWire) api.wire).closed).as("the entry's idle timeout of 5 s").isTrue();
        assertThat(((FakeWire) other.wire).closed).as("the global 90 s").isFalse();
        assertThat(next).isPositive();
        assertThat(pool.snapshot().stats().closed()).containsEntry("idle-timeout", 1L).containsEntry("max-lifetime", 1L);
    }

    @Test
    void aKeysConnWaitTimeoutComesFromItsEntry() throws Exception {
        pool(config(HostOverride.builder("api.example.com").maxConnsPerHost(1)
                .connWaitTimeout(Duration.ofMillis(200)).build()));
        PooledConnection held = dialFor(API);
        CompletableFuture<PooledConnection> waiter = acquireAsync(API);
        awaitWaiting(API, 1);
        ticker.advance(Duration.ofMillis(200));

        assertThatThrownBy(() -> waiter.get(5, SECONDS)).hasCauseInstanceOf(dev.httppool.ConnWaitTimeoutException.class);
        pool.release(held, null);
    }

    @Test
    void theSnapshotShowsEachKeysEntryAndTheSettingsListTheEntries() throws Exception {
        HostOverride api = HostOverride.builder("api.example.com").maxConnsPerHost(8).build();
        pool(config(api));
        PooledConnection a = dialFor(API);
        PooledConnection o = dialFor(OTHER);

        PoolSnapshot snapshot = pool.snapshot();
        assertThat(snapshot.settings().hosts()).containsExactly(api);
        assertThat(snapshot.key(API.toString()).hostOverride()).isSameAs(api);
        assertThat(snapshot.key(OTHER.toString()).hostOverride()).isNull();
        pool.release(a, null);
        pool.release(o, null);
    }

    @Test
    void aKeyIsMatchedOnceAndRemembersItsEntryAfterItsPoolEntryIsDropped() throws Exception {
        pool(config(HostOverride.builder("api.example.com").maxConnsPerHost(1).build()));
        PooledConnection a = dialFor(API);
        pool.release(a, CloseReason.BROKEN); // the key's entry is dropped: nothing left for it
        assertThat(pool.snapshot().key(API.toString())).isNull();

        pool.lock.lock();
        try {
            assertThat(pool.hostLimits.forKeyLocked(API)).isSameAs(pool.hostLimits.forKeyLocked(API));
        } finally {
            pool.lock.unlock();
        }
    }
}
