package dev.httppool.spring.metrics;

import dev.httppool.PoolSnapshot;
import dev.httppool.Transport;
import dev.httppool.Redaction;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The gauges' view of the pool: connection counts per key and in total, summed over the application's
 * transports. A view younger than {@link #MAX_AGE_NANOS} is reused, so one scrape of many gauges takes one
 * snapshot (one acquisition of each pool's lock) instead of one per gauge.
 */
final class PoolCounts {

    static final long MAX_AGE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final Supplier<? extends List<Transport>> transports;
    private volatile View view;

    PoolCounts(Supplier<? extends List<Transport>> transports) {
        this.transports = transports;
    }

    /** A view at most {@link #MAX_AGE_NANOS} old. */
    View current() {
        View v = view;
        if (v != null && System.nanoTime() - v.takenNanos() < MAX_AGE_NANOS) {
            return v;
        }
        return refresh();
    }

    /** A view taken now. */
    View refresh() {
        Map<String, Counts> keys = new HashMap<>();
        int idle = 0;
        int active = 0;
        int dialing = 0;
        int waiting = 0;
        int streams = 0;
        for (Transport transport : transports.get()) {
            PoolSnapshot snapshot = transport.snapshot();
            PoolSnapshot.Totals t = snapshot.totals();
            idle += t.idle();
            active += t.active();
            dialing += t.dialing();
            waiting += t.waiting();
            for (PoolSnapshot.KeyStats k : snapshot.keys()) {
                streams += k.streams();
                keys.merge(Redaction.redact(k.key()),
                        new Counts(k.idle(), k.active(), k.dialing(), k.waiting(), k.streams()), Counts::plus);
            }
        }
        View v = new View(System.nanoTime(), Map.copyOf(keys), new Counts(idle, active, dialing, waiting, streams));
        view = v;
        return v;
    }

    /** Counts of one key, or of the whole pool. */
    record Counts(int idle, int active, int dialing, int waiting, int streams) {

        static final Counts NONE = new Counts(0, 0, 0, 0, 0);

        Counts plus(Counts other) {
            return new Counts(idle + other.idle, active + other.active, dialing + other.dialing,
                    waiting + other.waiting, streams + other.streams);
        }
    }

    /** One view: the counts of every key that has a connection, a dial or a waiting request, and the totals. */
    record View(long takenNanos, Map<String, Counts> keys, Counts totals) {

        Counts key(String key) {
            return keys.getOrDefault(key, Counts.NONE);
        }
    }
}
