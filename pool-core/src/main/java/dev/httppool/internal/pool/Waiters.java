package dev.httppool.internal.pool;

import dev.httppool.PoolSnapshot;
import dev.httppool.RejectReason;
import dev.httppool.internal.ApiAccess;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

/**
 * The waiting side of checkout, for a request that found no idle connection: it is queued (for a returned
 * connection and for a dial, or refused at {@code maxWaitingPerHost}), waits, and is served by a hand-off, a dial,
 * or gives up (timeout, interrupt). The race between them is decided on {@link WantConn}; this class keeps the
 * pool's counts in step with it.
 *
 * <p>A connection delivered to a waiter is counted as the waiter's checkout under the lock that delivers it
 * ({@link #handOffLocked}), in the waiter's name: the woken waiter takes the pool's lock no more, unless the
 * connection turns out unusable (out of step) or the waiter was interrupted meanwhile; then the count is taken
 * back. Guarded state is the pool's ({@link ConnPool#lock}); methods named {@code ...Locked} need it held.
 */
final class Waiters {

    private final ConnPool pool;

    Waiters(ConnPool pool) {
        this.pool = pool;
    }

    /**
     * Whether a request for {@code hp} must fail at once: the key is at {@code maxConnsPerHost} and
     * {@code maxWaitingPerHost} requests already wait for permission to dial.
     */
    static boolean queueFullLocked(HostPool hp) {
        int maxWaiting = hp.limits.maxWaitingPerHost;
        int max = hp.limits.maxConnsPerHost;
        return maxWaiting > 0 && max > 0 && hp.conns >= max && hp.dialWaiters.size() >= maxWaiting;
    }

    /** Queues {@code w} for a returned connection and for a dial: now, or when maxConnsPerHost allows. */
    PoolActions queueLocked(WantConn w, PoolActions a, long now) {
        HostPool hp = w.host;
        hp.waiting++;
        if (!pool.config.disableKeepAlives()) {
            hp.idleWaiters.addLast(w);
            w.queuedForIdle = true;
        }
        int max = hp.limits.maxConnsPerHost;
        if (max <= 0 || hp.conns < max) {
            if (!hp.dialsInProgress.isEmpty()
                    && (pool.mux.hasSharedLocked(hp) || pool.http2Keys.spokeHttp2Locked(hp.key))) {
                // The key's HTTP/2 connections are full (or it has none, but its latest dial brought one: see
                // Http2Keys) and one is being dialed already: wait for it, as Go's http2 pool shares one dial per
                // key. It carries up to the server's stream limit, so a burst above a connection's limit costs
                // one handshake, not one per request. The new connection's streams are handed out oldest first
                // (MuxConns#wakeDialWaiters); a dial that fails or brings no HTTP/2 connection lets each of these
                // dial its own (startSharedDialWaitersLocked).
                hp.dialWaiters.addLast(w);
                w.waitingForPermission = true;
                w.awaitSharedDialLocked();
                return a;
            }
            if (hp.dialWaiters.size() < hp.idle.size()) {
                // Every idle connection of this key is under the background probe (checkout skipped them), and
                // fewer requests wait for them than there are: Go would reuse one, so wait for the probe rather
                // than dial. Queued as if for permission: a probe that finds it dead closes it, and its slot
                // starts this want's dial (decConnsLocked); a live one is handed over by the probe. Under the
                // cap, dialWaiters holds only such wants.
                hp.dialWaiters.addLast(w);
                w.waitingForPermission = true;
                return a;
            }
            hp.conns++;
            hp.dialsInProgress.add(w);
            return PoolActions.dial(a, w);
        }
        hp.dialWaiters.addLast(w);
        w.waitingForPermission = true;
        w.queuedAtMax = true;
        w.queuedAtNanos = now;
        return a;
    }

    /**
     * The shared dial of {@code hp}'s key failed or brought no HTTP/2 connection: each request that waited for it
     * dials its own now, within {@code maxConnsPerHost} (the rest wait for permission, as at the cap), so a dial
     * that fails costs each of them at most one dial of its own, as before it waited.
     */
    PoolActions startSharedDialWaitersLocked(HostPool hp, PoolActions a) {
        return startSharedDialsLocked(hp, Integer.MAX_VALUE, a);
    }

    /**
     * The streams of the key's new HTTP/2 connection went to requests that waited for it, and some wait still with
     * no dial under way: the oldest of them dials the next connection (Go's pool dials again when a request finds
     * every connection full), the others wait for it. At {@code maxConnsPerHost} they all wait for permission, as
     * any request at the cap does.
     */
    PoolActions startNextSharedDialLocked(HostPool hp, PoolActions a) {
        return hp.dialsInProgress.isEmpty() ? startSharedDialsLocked(hp, 1, a) : a;
    }

    /**
     * Starts the dials of up to {@code dials} of the requests waiting for the shared dial, oldest first, within
     * {@code maxConnsPerHost}; at the cap, those it reaches wait for permission instead, within connWaitTimeout.
     */
    private static PoolActions startSharedDialsLocked(HostPool hp, int dials, PoolActions a) {
        if (hp.awaitingSharedDial == 0) {
            return a;
        }
        int max = hp.limits.maxConnsPerHost;
        for (Iterator<WantConn> it = hp.dialWaiters.iterator(); it.hasNext() && dials > 0; ) {
            WantConn w = it.next();
            if (!w.awaitsSharedDial || w.done) {
                continue;
            }
            if (max > 0 && hp.conns >= max) {
                w.stopAwaitingSharedDialLocked();
            } else {
                it.remove();
                a = startDialLocked(hp, w, a);
                dials--;
            }
        }
        return a;
    }

    private static PoolActions startDialLocked(HostPool hp, WantConn w, PoolActions a) {
        w.waitingForPermission = false;
        w.stopAwaitingSharedDialLocked();
        hp.conns++;
        hp.dialsInProgress.add(w);
        return PoolActions.dial(a, w);
    }

    /**
     * Serves waiter {@code w} with {@code pc} under the lock that delivers it, counting the checkout for the
     * waiter's request and thread there: the waiter, once woken, uses the connection without taking the lock.
     */
    PoolActions handOffLocked(WantConn w, PooledConnection pc, long now, PoolActions a) {
        w.reused = pool.countCheckoutLocked(pc, w.request, w.origin, w.threadName, now);
        return w.deliverLocked(pc, null, a);
    }

    /**
     * Waits for {@code w} to be served, or gives up on timeout or interrupt.
     *
     * @return the connection, or null if the one it was served was out of step (and is closed now)
     */
    PooledConnection await(WantConn w, long start) throws IOException {
        boolean interrupted = false;
        boolean served;
        try {
            served = w.await(w.host.limits.connWaitNanos, start, pool.ticker, pool.lock);
        } catch (InterruptedException e) {
            interrupted = true;
            served = false;
        }
        if (w.queuedAtMax) { // written by this thread when it queued
            pool.listener.waited(w.host.key, pool.ticker.nanoTime() - w.queuedAtNanos);
        }
        if (!served) {
            return giveUp(w, start, interrupted);
        }
        // The want's signal orders these reads after the writes made under the lock.
        if (w.error != null) {
            throw w.error;
        }
        if (w.conn == null) {
            return null; // served neither (not expected: a want gets a connection, a stream or an error): look again
        }
        return handedOver(w, w.conn, start);
    }

    /**
     * A connection that served a waiter, its checkout counted by the lock that delivered it, unless it was out of
     * step (then null). The want's signal orders the reads of {@code reused} after the writes made under that lock.
     */
    private PooledConnection handedOver(WantConn w, PooledConnection pc, long start) {
        if (pc.shared) { // a stream that MuxConns took for this request on a shared HTTP/2 connection
            pool.countStream(pc, w.request, w.origin, w.threadName);
            return pool.gotConn(pc, w.trace, start, false, 0, true);
        }
        if (w.reused && pool.discardedOutOfStep(pc, true)) {
            return null;
        }
        return pool.gotConn(pc, w.trace, start, false, 0, w.reused);
    }

    /** Ends a wait that was interrupted or timed out; a connection delivered in the meantime is used or returned. */
    private PooledConnection giveUp(WantConn w, long start, boolean interrupted) throws IOException {
        PoolSnapshot.KeyStats stats = null;
        boolean cancelled;
        pool.lock.lock();
        try {
            cancelled = w.cancelLocked();
            if (cancelled) {
                if (!interrupted) {
                    long now = pool.ticker.nanoTime();
                    int cap = w.host.limits.idleCapLocked(w.host, now);
                    stats = PoolInspector.waitTimeoutStatsLocked(w.host, now, cap);
                    pool.advisor.rejectedLocked(w.host.key, w.host.limits, RejectReason.WAIT_TIMEOUT, now);
                }
                pool.removeIfUnusedLocked(w.host);
            }
        } finally {
            pool.lock.unlock();
        }
        PooledConnection won = cancelled ? null : w.conn;
        if (interrupted) {
            if (won != null && won.shared) {
                pool.release(won, null); // a stream, not counted yet: ends it
            } else if (won != null) {
                returnUnused(won, w.reused);
            }
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a connection to " + w.host.key);
        }
        if (!cancelled && w.error != null) {
            throw w.error;
        }
        if (won != null) {
            return handedOver(w, won, start);
        }
        if (!cancelled) {
            return null; // served neither (not expected: a want gets a connection, a stream or an error): look again
        }
        pool.advisor.logPending();
        pool.listener.rejected(w.host.key, RejectReason.WAIT_TIMEOUT);
        throw ApiAccess.get().newConnWaitTimeout(w.host.key,
                TimeUnit.NANOSECONDS.toMillis(pool.ticker.nanoTime() - start), stats);
    }

    /** Returns {@code pc}, delivered to a waiter that was interrupted before it could use it, as never used. */
    private void returnUnused(PooledConnection pc, boolean reused) {
        pool.lock.lock();
        try {
            pool.withdrawCheckoutLocked(pc, reused);
        } finally {
            pool.lock.unlock();
        }
        pool.releaseOwned(pc, null);
    }
}
