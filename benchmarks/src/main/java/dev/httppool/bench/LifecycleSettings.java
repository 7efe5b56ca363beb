package dev.httppool.bench;

import dev.httppool.HostOverride;
import dev.httppool.LeaseStrategy;
import dev.httppool.TransportConfig;
import java.time.Duration;
import java.util.List;

/**
 * The lifecycle settings (issue 12) a production user would turn on, for the "no regression" runs: the
 * {@code httppool-lifecycle} client of the load benchmark and {@code PoolBench}'s {@code lifecycle} parameter.
 * Their cost on the hot path shows as the ratio to the same run without them.
 */
public final class LifecycleSettings {

    private LifecycleSettings() {
    }

    /**
     * A lifetime of 5 minutes with 30 s of jitter (never reached in a trial, so only its per-request check costs)
     * the FIFO lease strategy and a matched {@code hosts} entry. With the load's concurrency equal to the connection count, FIFO and LIFO reuse
     * the same connections and only the bookkeeping differs.
     */
    public static TransportConfig.Builder apply(TransportConfig.Builder config) {
        config.maxConnLifetime(Duration.ofMinutes(5))
                .maxConnLifetimeJitter(Duration.ofSeconds(30))
                .leaseStrategy(LeaseStrategy.FIFO);
        // One per-host override for the benchmark's target (127.0.0.1 in the client runs, bench.test in PoolBench),
        // behind an entry that matches nothing, so that every key pays for resolving its overrides and carries its
        // own limits. The entry repeats the global lease strategy: the runs measure the mechanism, not a change.
        config.hosts(List.of(HostOverride.builder("*.unrelated.example").maxConnsPerHost(1).build(),
                HostOverride.builder("127.0.0.1").leaseStrategy(LeaseStrategy.FIFO).build(),
                HostOverride.builder("bench.test").leaseStrategy(LeaseStrategy.FIFO).build()));
        return config;
    }
}
