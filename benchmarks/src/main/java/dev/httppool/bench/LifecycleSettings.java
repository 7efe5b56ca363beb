package dev.httppool.bench;

import dev.httppool.LeaseStrategy;
import dev.httppool.TransportConfig;
import java.time.Duration;

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
     * and the FIFO lease strategy. With the load's concurrency equal to the connection count, FIFO and LIFO reuse
     * the same connections and only the bookkeeping differs.
     */
    public static TransportConfig.Builder apply(TransportConfig.Builder config) {
        config.maxConnLifetime(Duration.ofMinutes(5))
                .maxConnLifetimeJitter(Duration.ofSeconds(30))
                .leaseStrategy(LeaseStrategy.FIFO);
        // HOSTS ENTRY (issue 12 item 6): one per-host override matching the benchmark's target goes here once the
        // per-host settings are merged (e.g. the same caps for the target's host), so that the runs also pay for
        // resolving a key's overrides.
        return config;
    }
}
