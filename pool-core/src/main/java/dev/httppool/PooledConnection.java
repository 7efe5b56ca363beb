package dev.httppool;

import dev.httppool.http1.WireConnection;

/**
 * A connection owned by the pool. Its ownership is an explicit state machine: {@link State#ACTIVE} (held by
 * one request, or just dialed), {@link State#IDLE} (in its key's idle list and the global LRU), then
 * {@link State#CLOSED} once, for good.
 */
final class PooledConnection {

    enum State { ACTIVE, IDLE, CLOSED }

    final long id;
    final HostPool host;
    final WireConnection wire;
    final long createdNanos;

    // Guarded by ConnPool.lock
    State state = State.ACTIVE;
    // Guarded by ConnPool.lock: whether it has been returned to the pool before (Go's persistConn.reused).
    boolean reused;
    // Guarded by ConnPool.lock
    long idleAtNanos;
    // Guarded by ConnPool.lock: requests carried, counted at checkout.
    long requests;
    // Guarded by ConnPool.lock: the background probe is looking at it; checkout skips it.
    boolean probing;
    // Guarded by ConnPool.lock: links of the global idle LRU (newer towards the head).
    PooledConnection lruNewer;
    PooledConnection lruOlder;

    PooledConnection(long id, HostPool host, WireConnection wire, long createdNanos) {
        this.id = id;
        this.host = host;
        this.wire = wire;
        this.createdNanos = createdNanos;
    }

    ConnectMethodKey key() {
        return host.key;
    }

    @Override
    public String toString() {
        return "conn#" + id + " " + host.key;
    }
}
