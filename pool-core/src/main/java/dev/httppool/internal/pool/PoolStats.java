package dev.httppool.internal.pool;

import dev.httppool.CloseReason;
import dev.httppool.ConnectMethodKey;
import dev.httppool.PoolSnapshot;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.HashSet;
import java.util.Set;

/**
 * The pool's lifetime counters, in total and per address ({@code host:port}, over all its keys, for the views
 * filtered to one address). Every field is guarded by the owning {@link ConnPool}'s lock. Each key's entry holds
 * its address's counters, looked up once when the entry is made, so counting costs no lookup per request.
 */
final class PoolStats {

    /** One address's counters. */
    static final class Counters {
        long dials;
        long dialFailures;
        long reused;
        final long[] closedByReason = new long[CloseReason.values().length];
    }

    // Guarded by lock: per address; addresses without a key are forgotten when the map has doubled since the last
    // time (so the map stays within twice the addresses in use, and forgetting is amortized O(1)).
    private final Map<String, Counters> byAddress = new HashMap<>();
    // Guarded by lock
    private int prunedSize;

    // Guarded by lock
    private long dials;
    // Guarded by lock
    private long dialFailures;
    // Guarded by lock
    private long reused;
    // Guarded by lock
    private final long[] closedByReason = new long[CloseReason.values().length];

    /** The counters of {@code address}, for a new key entry; {@code keys} are the keys in the pool. */
    Counters addressLocked(String address, Collection<ConnectMethodKey> keys) {
        Counters c = byAddress.get(address);
        if (c == null) {
            if (byAddress.size() >= Math.max(64, 2 * prunedSize)) {
                Set<String> inUse = new HashSet<>();
                keys.forEach(k -> inUse.add(k.address()));
                byAddress.keySet().retainAll(inUse);
                prunedSize = byAddress.size();
            }
            c = new Counters();
            byAddress.put(address, c);
        }
        return c;
    }

    void dialedLocked(HostPool hp) {
        dials++;
        hp.counters.dials++;
    }

    void dialFailedLocked(HostPool hp) {
        dialFailures++;
        hp.counters.dialFailures++;
    }

    void reusedLocked(HostPool hp) {
        reused++;
        hp.counters.reused++;
    }

    /** A reused connection counted at checkout was not handed out after all. */
    void reuseWithdrawnLocked(HostPool hp) {
        reused--;
        hp.counters.reused--;
    }

    void closedLocked(HostPool hp, CloseReason reason) {
        closedByReason[reason.ordinal()]++;
        hp.counters.closedByReason[reason.ordinal()]++;
    }

    /** The counters of every address, or of {@code address} (zero when it has none) when not null. */
    PoolSnapshot.Stats toSnapshotLocked(String address) {
        if (address == null) {
            return snapshot(dials, dialFailures, reused, closedByReason);
        }
        Counters c = byAddress.getOrDefault(address, new Counters());
        return snapshot(c.dials, c.dialFailures, c.reused, c.closedByReason);
    }

    private static PoolSnapshot.Stats snapshot(long dials, long dialFailures, long reused, long[] closedByReason) {
        Map<String, Long> closed = new LinkedHashMap<>();
        for (CloseReason r : CloseReason.values()) {
            if (closedByReason[r.ordinal()] > 0) {
                closed.put(r.tag(), closedByReason[r.ordinal()]);
            }
        }
        return new PoolSnapshot.Stats(dials, dialFailures, reused, Collections.unmodifiableMap(closed));
    }
}
