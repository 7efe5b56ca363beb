package dev.httppool.internal.pool;

/**
 * Every idle connection of the pool, across keys, most recently idled first: Go's {@code idleLRU}. An
 * intrusive doubly linked list through {@link PooledConnection}'s links, so pushes and removals are O(1) and
 * allocate nothing. Not thread-safe: guarded by the owning pool's lock. Since connections are pushed as they
 * become idle, the list is also ordered by idle time: {@link #oldest()} has been idle longest.
 *
 * <p>The same connections are also kept in the order the background probe is due to look at them, so that a
 * maintenance pass visits only those due ({@link #dueForProbe}), never every idle connection or key: one queue of
 * connections not probed since they went idle (due {@link ConnPool#PROBE_AFTER_IDLE_NANOS} after that, so in idle
 * order), one of connections found alive (due again {@link IdleMaintenance#PROBE_INTERVAL_NANOS} after their probe,
 * so in probe order). Each is a FIFO whose head is due first.
 */
final class IdleLru {

    private final ProbeQueue fresh = new ProbeQueue();
    private final ProbeQueue probed = new ProbeQueue();

    private PooledConnection newest;
    private PooledConnection oldest;
    private int size;

    void push(PooledConnection pc) {
        pc.lruOlder = newest;
        pc.lruNewer = null;
        if (newest != null) {
            newest.lruNewer = pc;
        }
        newest = pc;
        if (oldest == null) {
            oldest = pc;
        }
        size++;
        pc.probeAtNanos = pc.idleAtNanos + ConnPool.PROBE_AFTER_IDLE_NANOS;
        pc.probedWhileIdle = false;
        fresh.add(pc);
    }

    void remove(PooledConnection pc) {
        if (pc.lruNewer != null) {
            pc.lruNewer.lruOlder = pc.lruOlder;
        } else {
            newest = pc.lruOlder;
        }
        if (pc.lruOlder != null) {
            pc.lruOlder.lruNewer = pc.lruNewer;
        } else {
            oldest = pc.lruNewer;
        }
        pc.lruNewer = null;
        pc.lruOlder = null;
        size--;
        (pc.probedWhileIdle ? probed : fresh).remove(pc);
    }

    /** The idle connection the probe is due to look at by {@code now} (the earliest due), or null: O(1). */
    PooledConnection dueForProbe(long now) {
        PooledConnection a = fresh.head;
        PooledConnection b = probed.head;
        if (a != null && now - a.probeAtNanos >= 0 && (b == null || a.probeAtNanos - b.probeAtNanos <= 0)) {
            return a;
        }
        return b != null && now - b.probeAtNanos >= 0 ? b : null;
    }

    /** {@code pc}, idle, is being probed at {@code now}: it is due again {@code intervalNanos} later. */
    void probedAt(PooledConnection pc, long now, long intervalNanos) {
        (pc.probedWhileIdle ? probed : fresh).remove(pc);
        pc.probedWhileIdle = true;
        pc.probeAtNanos = now + intervalNanos;
        probed.add(pc);
    }

    /** How many connections the probe order holds (the same as {@link #size()} unless a link is broken). */
    int probeOrderSize() {
        return fresh.size + probed.size;
    }

    /** The most recently idled connection (walk on with {@link PooledConnection#lruOlder}), or null. */
    PooledConnection newest() {
        return newest;
    }

    /** The connection idle longest, or null. */
    PooledConnection oldest() {
        return oldest;
    }

    int size() {
        return size;
    }

    /** A FIFO through {@link PooledConnection#probeNext}/{@code probePrev}. */
    private static final class ProbeQueue {
        PooledConnection head;
        PooledConnection tail;
        int size;

        void add(PooledConnection pc) {
            pc.probeNext = null;
            pc.probePrev = tail;
            if (tail != null) {
                tail.probeNext = pc;
            } else {
                head = pc;
            }
            tail = pc;
            size++;
        }

        void remove(PooledConnection pc) {
            if (pc.probePrev != null) {
                pc.probePrev.probeNext = pc.probeNext;
            } else {
                head = pc.probeNext;
            }
            if (pc.probeNext != null) {
                pc.probeNext.probePrev = pc.probePrev;
            } else {
                tail = pc.probePrev;
            }
            pc.probeNext = null;
            pc.probePrev = null;
            size--;
        }
    }
}
