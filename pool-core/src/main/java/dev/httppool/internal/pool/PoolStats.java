package dev.httppool.internal.pool;

import dev.httppool.CloseReason;
import dev.httppool.PoolSnapshot;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The pool's lifetime counters. Every field is guarded by the owning {@link ConnPool}'s lock. */
final class PoolStats {

    // Guarded by lock
    private long dials;
    // Guarded by lock
    private long dialFailures;
    // Guarded by lock
    private long reused;
    // Guarded by lock
    private final long[] closedByReason = new long[CloseReason.values().length];

    void dialedLocked() {
        dials++;
    }

    void dialFailedLocked() {
        dialFailures++;
    }

    void reusedLocked() {
        reused++;
    }

    /** A reused connection counted at checkout was not handed out after all. */
    void reuseWithdrawnLocked() {
        reused--;
    }

    void closedLocked(CloseReason reason) {
        closedByReason[reason.ordinal()]++;
    }

    PoolSnapshot.Stats toSnapshotLocked() {
        Map<String, Long> closed = new LinkedHashMap<>();
        for (CloseReason r : CloseReason.values()) {
            if (closedByReason[r.ordinal()] > 0) {
                closed.put(r.tag(), closedByReason[r.ordinal()]);
            }
        }
        return new PoolSnapshot.Stats(dials, dialFailures, reused, Collections.unmodifiableMap(closed));
    }
}
