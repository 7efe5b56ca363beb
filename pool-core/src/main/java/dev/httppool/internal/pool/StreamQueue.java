package dev.httppool.internal.pool;

import dev.httppool.ConnectMethodKey;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * With strict HTTP/2 stream limits ({@code http2StrictMaxConcurrentStreams}), the requests of each key waiting in
 * {@link MuxConns} for a stream, oldest first. A stream that ends is handed to the oldest (its connection stays
 * shared, even when it was its last stream); room that appears otherwise is taken by the oldest too; a request
 * arriving while some wait queues behind them. Guarded by {@link MuxConns}' lock, which also signals the waiters.
 */
final class StreamQueue {

    /** A request waiting for a stream: the stream handed to it, once one is. */
    static final class Waiter {
        // Guarded by MuxConns' lock
        PooledConnection granted;
    }

    private final Map<ConnectMethodKey, ArrayDeque<Waiter>> queued = new HashMap<>();

    /** Whether {@code me} (null for a request not waiting yet) may take room now: none waits, or it waited longest. */
    boolean mayTakeLocked(ConnectMethodKey key, Waiter me) {
        ArrayDeque<Waiter> q = queued.get(key);
        return q == null || q.peekFirst() == me;
    }

    /** A new waiter at the end of {@code key}'s queue; null when {@code maxWaiting} (0: no limit) already wait. */
    Waiter joinLocked(ConnectMethodKey key, int maxWaiting) {
        ArrayDeque<Waiter> q = queued.computeIfAbsent(key, k -> new ArrayDeque<>());
        if (maxWaiting > 0 && q.size() >= maxWaiting) {
            return null; // q has waiters, so it is not left empty
        }
        Waiter w = new Waiter();
        q.addLast(w);
        return w;
    }

    /**
     * {@code me} stops waiting (it timed out, was interrupted or found no connection to wait for).
     *
     * @return whether the waiters left must look again: {@code me} was the oldest
     */
    boolean leaveLocked(ConnectMethodKey key, Waiter me) {
        ArrayDeque<Waiter> q = queued.get(key);
        boolean wasFirst = q.peekFirst() == me;
        q.removeFirstOccurrence(me);
        if (q.isEmpty()) {
            queued.remove(key);
            return false;
        }
        return wasFirst;
    }

    /** Whether a request waits for a stream of {@code key}. */
    boolean anyLocked(ConnectMethodKey key) {
        return queued.containsKey(key);
    }

    /** Hands the stream of {@code pc} that ended to the oldest waiter of its key, which {@link #anyLocked} has. */
    void handToOldestLocked(PooledConnection pc) {
        ArrayDeque<Waiter> q = queued.get(pc.key());
        q.pollFirst().granted = pc;
        if (q.isEmpty()) {
            queued.remove(pc.key());
        }
    }

    /** Per key, how many wait (an empty map when none do). */
    Map<ConnectMethodKey, Integer> countsLocked() {
        if (queued.isEmpty()) {
            return Map.of();
        }
        Map<ConnectMethodKey, Integer> counts = new HashMap<>();
        queued.forEach((key, q) -> counts.put(key, q.size()));
        return counts;
    }
}
