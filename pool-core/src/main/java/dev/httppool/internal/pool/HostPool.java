package dev.httppool.internal.pool;

import dev.httppool.ConnectMethodKey;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The pool's state for one {@link ConnectMethodKey}. Every field is guarded by the owning {@link ConnPool}'s
 * lock; the pool removes the entry as soon as {@link #isUnused()}.
 */
final class HostPool {

    final ConnectMethodKey key;
    /** The limits this key lives under: its {@code hosts} entry's, or the global ones ({@link HostLimits}). */
    final ConnLimits limits;
    // Guarded by lock: the lifetime counters of this key's address (shared with its other keys).
    final PoolStats.Counters counters;

    // Guarded by lock: idle connections, least recently used first; checkout takes the last (LIFO).
    final ArrayDeque<PooledConnection> idle = new ArrayDeque<>(4);
    // Guarded by lock: requests waiting for a connection to be returned, oldest first (FIFO).
    final ArrayDeque<WantConn> idleWaiters = new ArrayDeque<>(4);
    // Guarded by lock: requests waiting for permission to dial under maxConnsPerHost, oldest first.
    final ArrayDeque<WantConn> dialWaiters = new ArrayDeque<>(4);
    // Guarded by lock: dials in flight, with the request each was started for.
    final List<WantConn> dialsInProgress = new ArrayList<>(4);
    // Guarded by lock: connections held by requests, longest held first.
    final ActiveConnections checkedOut = new ActiveConnections();
    // Guarded by lock: dialing + active + idle connections, what maxConnsPerHost limits.
    int conns;
    // Guarded by lock: requests waiting for a connection.
    int waiting;
    // Guarded by lock: requests in dialWaiters for the key's shared HTTP/2 dial (WantConn#awaitsSharedDial), so
    // that the paths that release them scan the queue only when there are some.
    int awaitingSharedDial;
    // Guarded by lock: for the auto idle cap, the most connections in use at once in the current slice of half
    // the window (starting at sliceStartNanos), in the slice before it and in the one before that. Three slices
    // remember a peak for at least one window and at most one and a half.
    int peakInUse;
    int previousPeakInUse;
    int olderPeakInUse;
    long sliceStartNanos;
    // Guarded by lock: queued in AutoCapDecay, and for when (the end of the slice it was queued in).
    boolean decayQueued;
    long decayCheckAtNanos;

    HostPool(ConnectMethodKey key, PoolStats.Counters counters, ConnLimits limits) {
        this.key = key;
        this.counters = counters;
        this.limits = limits;
    }

    int dialing() {
        return dialsInProgress.size();
    }

    int active() {
        return conns - idle.size() - dialsInProgress.size();
    }

    /**
     * Notes the connections in use now, before one of them is returned or closed: in-use counts only fall there,
     * so sampling there catches every peak. O(1), no allocation.
     */
    void noteInUseLocked(long now, long sliceNanos) {
        long elapsed = now - sliceStartNanos;
        long slices = elapsed >= 0 && elapsed < sliceNanos ? 0 : elapsed / sliceNanos; // no division when 0
        if (slices == 1) {
            olderPeakInUse = previousPeakInUse;
            previousPeakInUse = peakInUse;
            peakInUse = 0;
            sliceStartNanos += sliceNanos;
        } else if (slices == 2) {
            olderPeakInUse = peakInUse;
            previousPeakInUse = 0;
            peakInUse = 0;
            sliceStartNanos += 2 * sliceNanos;
        } else if (slices != 0) { // quiet for longer than the window, or a new entry (whose peaks are all 0)
            olderPeakInUse = 0;
            previousPeakInUse = 0;
            peakInUse = 0;
            sliceStartNanos = now;
        }
        peakInUse = Math.max(peakInUse, active());
    }

    /**
     * The most connections in use at once over the slices still remembered at {@code now} (read-only: the slices
     * move on at the next {@link #noteInUseLocked}), including those in use now.
     */
    int recentPeakLocked(long now, long sliceNanos) {
        long elapsed = now - sliceStartNanos;
        long slices = elapsed >= 0 && elapsed < sliceNanos ? 0 : elapsed / sliceNanos;
        int peak = active();
        if (slices < 0 || slices > 2) {
            return peak;
        }
        peak = Math.max(peak, peakInUse);
        if (slices <= 1) {
            peak = Math.max(peak, previousPeakInUse);
        }
        if (slices == 0) {
            peak = Math.max(peak, olderPeakInUse);
        }
        return peak;
    }

    boolean isUnused() {
        return conns == 0 && waiting == 0 && idleWaiters.isEmpty() && dialWaiters.isEmpty();
    }
}
