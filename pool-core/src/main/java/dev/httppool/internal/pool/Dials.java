package dev.httppool.internal.pool;

import dev.httppool.CloseReason;
import dev.httppool.ConnectMethodKey;
import dev.httppool.internal.exchange.MultiplexedConnection;
import dev.httppool.internal.exchange.WireConnection;
import java.io.IOException;
import java.util.concurrent.Executor;

/**
 * The dialing side of the pool: each dial runs off the caller's thread (so a waiting request can be served by a
 * connection freed meanwhile), and its outcome goes to the request it was started for, or, when that request was
 * served or gone, to the next waiter or the idle list (late binding, Go's {@code dialConnFor}).
 */
final class Dials {

    private final ConnPool pool;
    private final Connector connector;
    private final Executor executor;

    Dials(ConnPool pool, Connector connector, Executor executor) {
        this.pool = pool;
        this.connector = connector;
        this.executor = executor;
    }

    /** Starts the dial for {@code w}; called without the pool's lock. */
    void start(WantConn w) {
        try {
            executor.execute(() -> dial(w));
        } catch (RuntimeException e) {
            dialFailed(w, new IOException("could not start a dial for " + w.host.key + ": " + e, e));
        }
    }

    /** Runs on a dialing thread. */
    private void dial(WantConn w) {
        ConnectMethodKey key = w.host.key;
        long t0 = pool.ticker.nanoTime();
        WireConnection wire;
        try {
            wire = connector.connect(key, w.trace);
        } catch (IOException | RuntimeException e) {
            IOException error = e instanceof IOException ? (IOException) e
                    : new IOException("dial " + key + " failed: " + e, e);
            long nanos = pool.ticker.nanoTime() - t0;
            pool.listener.dialed(key, false, nanos);
            PoolLog.dialFailed(key, error, nanos);
            dialFailed(w, error);
            return;
        }
        long nanos = pool.ticker.nanoTime() - t0;
        pool.listener.dialed(key, true, nanos);
        dialSucceeded(w, wire, nanos);
    }

    private void dialSucceeded(WantConn w, WireConnection wire, long nanos) {
        PoolActions a = null;
        PooledConnection pc;
        pool.lock.lock();
        try {
            HostPool hp = w.host;
            hp.dialsInProgress.remove(w);
            pool.stats.dialedLocked(hp);
            pool.http2Keys.dialedLocked(hp.key, wire instanceof MultiplexedConnection mc && mc.takesNewStreams()
                    && mc.maxConcurrentStreams() > 0);
            long now = pool.ticker.nanoTime();
            pc = new PooledConnection(pool, pool.nextId++, hp, wire, now);
            if (pool.closed || w.dialAbandoned) {
                a = pool.closeLocked(pc, CloseReason.CLOSE_IDLE, a);
            } else if (!w.done) {
                a = pool.waiters.handOffLocked(w, pc, now, a); // its request's checkout, counted here
            } else if (w.warm == null && wire.multiplexed() && pool.mux.hasUsableLocked(hp)
                    && hp.awaitingSharedDial == 0) {
                // Its request was served by an HTTP/2 connection of the key meanwhile: not needed (Go's
                // TestTransportDiscardsUnneededConns). Not a warm dial: closing it would refill minIdle with
                // another dial, closed in turn, for ever. Requests that waited for this dial take it instead
                // (handed to the oldest below, who shares it).
                a = pool.closeLocked(pc, CloseReason.TOO_MANY_IDLE_HOST, a);
            } else {
                a = pool.putOrCloseLocked(pc, a, w.warm != null);
            }
            if (!wire.multiplexed()) {
                a = pool.waiters.startSharedDialWaitersLocked(hp, a); // no streams for those waiting for it
            }
            if (w.warm != null) {
                a = WarmPools.dialEndedLocked(w.warm, true, pool.ticker.nanoTime(), a);
            }
        } finally {
            pool.lock.unlock();
        }
        PoolLog.dialed(w.host.key, pc, nanos);
        pool.run(a);
    }

    private void dialFailed(WantConn w, IOException error) {
        PoolActions a = null;
        pool.lock.lock();
        try {
            HostPool hp = w.host;
            hp.dialsInProgress.remove(w);
            pool.stats.dialFailedLocked(hp);
            // While the server does not answer, requests that come now dial their own at once rather than each
            // waiting for this dial's deadline first and then its own.
            pool.http2Keys.dialedLocked(hp.key, false);
            if (!w.done) {
                a = w.deliverLocked(null, error, a);
            }
            if (w.warm != null) {
                a = WarmPools.dialEndedLocked(w.warm, false, pool.ticker.nanoTime(), a);
            }
            a = pool.decConnsLocked(hp, a);
            a = pool.waiters.startSharedDialWaitersLocked(hp, a);
        } finally {
            pool.lock.unlock();
        }
        pool.run(a);
    }
}
