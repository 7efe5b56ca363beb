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

    // Guarded by lock: idle connections, least recently used first; checkout takes the last (LIFO).
    final ArrayDeque<PooledConnection> idle = new ArrayDeque<>(4);
    // Guarded by lock: requests waiting for a connection to be returned, oldest first (FIFO).
    final ArrayDeque<WantConn> idleWaiters = new ArrayDeque<>(4);
    // Guarded by lock: requests waiting for permission to dial under maxConnsPerHost, oldest first.
    final ArrayDeque<WantConn> dialWaiters = new ArrayDeque<>(4);
    // Guarded by lock: dials in flight, with the request each was started for.
    final List<WantConn> dialsInProgress = new ArrayList<>(4);
    // Guarded by lock: dialing + active + idle connections, what maxConnsPerHost limits.
    int conns;
    // Guarded by lock: requests waiting for a connection.
    int waiting;

    HostPool(ConnectMethodKey key) {
        this.key = key;
    }

    int dialing() {
        return dialsInProgress.size();
    }

    int active() {
        return conns - idle.size() - dialsInProgress.size();
    }

    boolean isUnused() {
        return conns == 0 && waiting == 0 && idleWaiters.isEmpty() && dialWaiters.isEmpty();
    }
}
