package dev.httppool.internal.pool;

/**
 * Every idle connection of the pool, across keys, most recently idled first: Go's {@code idleLRU}. An
 * intrusive doubly linked list through {@link PooledConnection}'s links, so pushes and removals are O(1) and
 * allocate nothing. Not thread-safe: guarded by the owning pool's lock. Since connections are pushed as they
 * become idle, the list is also ordered by idle time: {@link #oldest()} has been idle longest.
 */
final class IdleLru {

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
}
