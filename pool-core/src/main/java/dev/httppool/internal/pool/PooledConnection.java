package dev.httppool.internal.pool;

import dev.httppool.ConnectMethodKey;
import dev.httppool.internal.exchange.WireConnection;

/**
 * A connection owned by the pool. Its ownership is an explicit state machine: {@link State#ACTIVE} (held by
 * one request, or just dialed), {@link State#IDLE} (in its key's idle list and the global LRU), then
 * {@link State#CLOSED} once, for good.
 */
public final class PooledConnection {

    enum State { ACTIVE, IDLE, CLOSED }

    public final long id;
    final HostPool host;
    public final WireConnection wire;
    final long createdNanos;

    // Guarded by ConnPool.lock
    State state = State.ACTIVE;
    // Guarded by ConnPool.lock: whether it has been returned to the pool before (Go's persistConn.reused).
    public boolean reused;
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

    public ConnectMethodKey key() {
        return host.key;
    }

    @Override
    public String toString() {
        return "conn#" + id + " " + host.key;
    }
}
