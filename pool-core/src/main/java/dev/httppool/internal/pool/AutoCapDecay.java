package dev.httppool.internal.pool;

import java.util.PriorityQueue;

/**
 * The keys whose {@link dev.httppool.TransportConfig#AUTO_IDLE_CONNS_PER_HOST auto} idle cap may fall next, in the
 * order it may: a key's cap is its recent peak of connections in use, which only falls when a slice of its window
 * ends ({@link HostPool#noteInUseLocked}). A key is queued, once, from when it has an idle connection, for the end
 * of its current slice; the maintenance pass visits only the keys whose slice has ended, closes their idle
 * connections above the fallen cap and queues those still idle for their next slice. So a pass costs O(keys due),
 * not O(keys). Guarded by the pool's lock.
 *
 * <p>An entry removed from the pool while queued (no connection left) stays queued until its time, at most one
 * slice (half the idle timeout, 45 s without one), and is dropped then.
 */
final class AutoCapDecay {

    private final PriorityQueue<HostPool> due = new PriorityQueue<>(
            (a, b) -> Long.compare(a.decayCheckAtNanos - b.decayCheckAtNanos, 0));

    /** {@code hp} (auto cap) has an idle connection now, its slice moved on to now: queued unless it already is. */
    void idledLocked(HostPool hp) {
        if (!hp.decayQueued) {
            queueLocked(hp);
        }
    }

    private void queueLocked(HostPool hp) {
        hp.decayCheckAtNanos = hp.limits.sliceEndLocked(hp);
        hp.decayQueued = true;
        due.add(hp);
    }

    /**
     * Moves the slices of the keys due at {@code now} on and closes their idle connections above the caps that fell.
     * Caps are at least 1, so no entry is emptied (and removed from the pool) here.
     */
    PoolActions trimDueLocked(ConnPool pool, long now, PoolActions a) {
        for (HostPool hp; (hp = due.peek()) != null && hp.decayCheckAtNanos - now <= 0; ) {
            due.poll();
            hp.decayQueued = false;
            if (hp.idle.isEmpty() || !pool.holdsLocked(hp)) {
                continue; // queued again when a connection next goes idle
            }
            hp.limits.noteInUseLocked(hp, now);
            a = pool.trimIdleLocked(hp, hp.limits.idleCapLocked(hp, now), a);
            queueLocked(hp);
        }
        return a;
    }

    /** How many keys are queued (for the invariants). */
    int sizeLocked() {
        return due.size();
    }
}
