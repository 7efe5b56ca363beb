package dev.httppool.internal.pool;

import dev.httppool.ClientTrace;
import dev.httppool.CloseReason;
import dev.httppool.ConnectMethodKey;
import dev.httppool.Request;
import dev.httppool.internal.exchange.Exchange;
import dev.httppool.internal.exchange.KeepAliveHint;
import dev.httppool.internal.exchange.WireConnection;

/**
 * A connection owned by the pool. Its ownership is an explicit state machine: {@link State#ACTIVE} (held by
 * one request, or just dialed), {@link State#IDLE} (in its key's idle list and the global LRU, IdleLru), then
 * {@link State#CLOSED} once, for good. It is also how an exchange gives it back when its response is done.
 */
public final class PooledConnection implements Exchange.Releaser {

    enum State { ACTIVE, IDLE, CLOSED }

    public final long id;
    private final ConnPool pool;
    final HostPool host;
    public final WireConnection wire;
    /**
     * Whether {@link #wire} carries many streams at once (HTTP/2). A field of its own so that checkout and return
     * test it without loading the wire (with thousands of keys, one cache miss fewer under the pool's lock) and
     * without an {@code instanceof} against an interface ({@link WireConnection#multiplexed}).
     */
    final boolean multiplexed;
    final long createdNanos;
    /**
     * When its lifetime ends ({@code maxConnLifetime} minus its jitter, drawn once, after {@link #createdNanos});
     * meaningful only when {@link ConnLimits#hasLifetime}. Past it, it is never handed out again.
     */
    final long expiresAtNanos;

    // Guarded by ConnPool.lock
    State state = State.ACTIVE;
    // Guarded by ConnPool.lock: whether it has been returned to the pool before (Go's persistConn.reused).
    public boolean reused;
    // Guarded by ConnPool.lock
    long idleAtNanos;
    // Written under ConnPool.lock: requests carried, counted at checkout (each stream of an HTTP/2 connection is
    // one); volatile because MuxConns reads it without that lock to stop leasing streams at maxRequestsPerConn.
    volatile long requests;
    // Guarded by ConnPool.lock: the background probe is looking at it; checkout skips it.
    boolean probing;
    // Written under MuxConns.lock: an HTTP/2 connection lent as streams now (released through MuxConns).
    volatile boolean shared;
    // Guarded by MuxConns.lock: streams leased on it while shared.
    int streams;
    // Owned by the request that acquired it, between ConnPool.acquireOwned and MuxConns.adopt: what its gotConn
    // reports, deferred until adopt says which connection serves the request.
    boolean gotDeferred;
    boolean gotWasIdle;
    long gotIdleNanos;
    boolean gotReused;
    // Guarded by ConnPool.lock: its places in IdleLru's orders (-1: none). Kept while it is handed out, so
    // that checkout and return touch no other connection; see IdleLru.
    int lruIndex = -1;
    int probeIndex = -1;
    int deadlineIndex = -1;
    // Guarded by ConnPool.lock, while a request holds it (see ActiveConnections); cleared on its return.
    boolean checkedOut;
    Request request;
    String thread;
    long checkedOutNanos;
    Throwable origin; // only while leakDetectionThreshold is on
    boolean leakReported;
    PooledConnection activeOlder;
    PooledConnection activeNewer;
    // Written by the exchange holding it before its response is handed over, then guarded by ConnPool.lock: the
    // weak reference watching the response body (LeakWatch).
    LeakWatch.BodyRef bodyRef;
    // Guarded by ConnPool.lock: when the background probe last looked at it while idle (if it ever did).
    boolean probedOnce;
    long probedAtNanos;

    PooledConnection(ConnPool pool, long id, HostPool host, WireConnection wire, long createdNanos) {
        this.pool = pool;
        this.id = id;
        this.host = host;
        this.wire = wire;
        this.multiplexed = wire.multiplexed();
        this.createdNanos = createdNanos;
        this.expiresAtNanos = createdNanos + host.limits.drawLifetimeNanos();
    }

    /** Whether its lifetime has ended at {@code now}: one comparison (the caller checked that there is one). */
    boolean expiredAt(long now) {
        return now - expiresAtNanos >= 0;
    }

    // Written by the exchange holding the connection before it releases it (the release's lock publishes it);
    // then guarded by ConnPool.lock: the idle time the server allows (-1: none said, 0: not kept idle).
    long serverIdleNanos = -1;
    // As above: the request count at which the server takes no more (0: none said).
    long serverRequestLimit;

    /** Go ignores {@code Keep-Alive}; with {@code respectServerKeepAlive} the pool keeps to what the server said. */
    @Override
    public void serverKeepAlive(KeepAliveHint hint) {
        if (hint.idleNanos >= 0) {
            serverIdleNanos = hint.idleNanos;
        }
        if (hint.moreRequests >= 0) {
            serverRequestLimit = requests + hint.moreRequests;
        }
    }

    /** Whether the server's own idle limit has passed for a connection idle since {@code idleAtNanos}. */
    boolean serverIdleExpiredAt(long now) {
        return serverIdleNanos >= 0 && now - idleAtNanos >= serverIdleNanos;
    }

    /** The response's body streams from this connection from now on: watch it for a leak. */
    @Override
    public void responding(Object body) {
        bodyRef = pool.leaks.watch(body, this);
    }

    /** The response body of one of its streams streams from now on: watch it for a leak, on its own. */
    @Override
    public Runnable respondingOnStream(Object body, Exchange.OpenStream stream) {
        return pool.leaks.watchStream(body, this, stream);
    }

    /** The response is done with this connection: {@code reason == null} offers it for reuse. */
    @Override
    public void release(CloseReason reason, ClientTrace trace) {
        pool.releaseAfterResponse(this, reason, trace);
    }

    public ConnectMethodKey key() {
        return host.key;
    }

    @Override
    public String toString() {
        return "conn#" + id + " " + host.key;
    }
}
