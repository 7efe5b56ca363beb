package dev.httppool.internal.pool;

import dev.httppool.ClientTrace;
import dev.httppool.Request;
import dev.httppool.Ticker;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One request waiting for a connection (Go's {@code wantConn}), and the protocol by which it is served.
 *
 * <p>This is where the central race lives. A request that finds no idle connection queues for a returned
 * connection <em>and</em> asks to dial (now, or later when {@code maxConnsPerHost} gives permission). Three
 * things then race: a connection returned by another request (hand-off), the dial started for this request,
 * and the request giving up (timeout or interrupt). The pool's lock decides: the first of
 * {@link #deliverLocked} and {@link #cancelLocked} marks the want {@link #done} and wins. A connection that
 * loses (a dial finishing for a request already served or gone) is not wasted: it goes to the next waiter or
 * to the idle list. The winner's outcome is stored here under the lock, and the waiting thread is woken by
 * {@link #signal()} after the lock is released.
 *
 * <p>A connection delivered to a waiter is counted as its checkout under the lock that delivers it (the request
 * it carries, the waiter's thread name, a reuse in the stats), so a served waiter does not take the lock again:
 * with thousands of callers queued on a key, that second acquisition per hand-off was a third of the pool's
 * share of the time. The name is read by the waiting thread itself, before it queued ({@link #threadName}); the
 * delivering thread is another one.
 */
final class WantConn {

    /** A waiter with a connWaitTimeout re-checks the ticker at least this often (so a fake ticker works too). */
    private static final long MAX_WAIT_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    final HostPool host;
    final ClientTrace trace;
    /** The warm target this dial is for ({@link WarmPools}), else null; such a want has no request (done). */
    final WarmPools.Target warm;
    // Set before it is queued: what the connection it gets will show while held (ActiveConnections).
    Request request;
    Throwable origin;
    String threadName;
    /** The thread that waits (the one that made the want); {@link #signal()} unparks it. */
    private final Thread waiter = Thread.currentThread();
    /** Set once by {@link #signal()}, after the outcome fields were written under the lock: publishes them. */
    private volatile boolean ready;

    // Guarded by lock: set once, by whichever of delivery, failure or cancellation comes first.
    boolean done;
    // Guarded by lock: the delivered connection, if any.
    PooledConnection conn;
    // Guarded by lock: the dial error delivered instead of a connection, if any.
    IOException error;
    // Guarded by lock: whether the delivered connection had served before (its checkout counted as a reuse).
    boolean reused;
    // Guarded by lock: queued for permission to dial under maxConnsPerHost (what connWaitTimeout bounds), that is
    // in host.dialWaiters.
    boolean waitingForPermission;
    // Written under lock by the requesting thread, read by it after its wait: it queued at maxConnsPerHost, when.
    boolean queuedAtMax;
    long queuedAtNanos;
    // Guarded by lock: in host.idleWaiters (taken off it by a returned connection's pollFirst, or on leaving).
    boolean queuedForIdle;
    // Guarded by lock: in host.dialWaiters under the cap, for the HTTP/2 connection another request of its key is
    // dialing (Waiters#queueLocked), counted in host.awaitingSharedDial; cleared when its own dial starts, at the
    // cap, or when it leaves. Not a wait for permission: connWaitTimeout does not end it, the dials it waits for do.
    boolean awaitsSharedDial;
    // Guarded by lock: CloseIdleConnections ran while this want's dial was in flight and the want was done.
    boolean dialAbandoned;

    WantConn(HostPool host, ClientTrace trace) {
        this(host, trace, null);
    }

    WantConn(HostPool host, ClientTrace trace, WarmPools.Target warm) {
        this.host = host;
        this.trace = trace;
        this.warm = warm;
        this.done = warm != null;
    }

    /**
     * Go's {@code tryDeliver}: serves the want with {@code pc} (or fails it with {@code failure}), takes it off
     * its key's queues and queues its wake-up. The caller has checked that it is not {@link #done}.
     */
    PoolActions deliverLocked(PooledConnection pc, IOException failure, PoolActions a) {
        leaveQueuesLocked();
        conn = pc;
        error = failure;
        return PoolActions.signal(a, this);
    }

    /**
     * Go's {@code cancel}: the waiting request gives up. Returns false when a delivery came first; the caller
     * then owns {@link #conn} (or {@link #error}).
     */
    boolean cancelLocked() {
        if (done) {
            return false;
        }
        leaveQueuesLocked();
        return true;
    }

    /**
     * Takes the want off the queues it is still in. Only those: looking for it in a queue it has already been
     * polled from scans that whole queue under the lock, which with thousands of waiters on a key cost more than
     * the hand-off itself. Served in order, a want is at or near the head of the queue it is still in.
     */
    private void leaveQueuesLocked() {
        done = true;
        stopAwaitingSharedDialLocked();
        if (queuedForIdle) {
            host.idleWaiters.remove(this);
            queuedForIdle = false;
        }
        if (waitingForPermission) {
            host.dialWaiters.remove(this);
            waitingForPermission = false;
        }
        host.waiting--;
    }

    /** Queued for its key's shared HTTP/2 dial ({@link Waiters#queueLocked}). */
    void awaitSharedDialLocked() {
        awaitsSharedDial = true;
        host.awaitingSharedDial++;
    }

    /** No longer waits for the shared dial: its own dial starts, it waits for permission at the cap, or it left. */
    void stopAwaitingSharedDialLocked() {
        if (awaitsSharedDial) {
            awaitsSharedDial = false;
            host.awaitingSharedDial--;
        }
    }

    /** Wakes the waiting thread; called after the lock is released. */
    void signal() {
        ready = true;
        LockSupport.unpark(waiter);
    }

    /**
     * Waits to be served. {@code connWaitNanos} (0: no limit) bounds only the time spent queued for permission
     * to dial (the key at {@code maxConnsPerHost}); a want whose own dial is under way waits for it, bounded by
     * the dial timeout, and so does one waiting for its key's shared HTTP/2 dial.
     *
     * @return true when served (or failed), false when the wait for permission timed out
     */
    boolean await(long connWaitNanos, long start, Ticker ticker, ReentrantLock lock) throws InterruptedException {
        if (connWaitNanos <= 0) {
            awaitReady(0);
            return true;
        }
        for (;;) {
            long remaining = connWaitNanos - (ticker.nanoTime() - start);
            if (remaining > 0) {
                if (awaitReady(Math.min(remaining, MAX_WAIT_SLICE_NANOS))) {
                    return true;
                }
                continue;
            }
            boolean sharedDial;
            lock.lock();
            try {
                if (!done && waitingForPermission && !awaitsSharedDial) {
                    return false;
                }
                sharedDial = !done && awaitsSharedDial;
            } finally {
                lock.unlock();
            }
            if (!sharedDial) {
                awaitReady(0); // permission came: the dial (or a hand-off) ends the wait
                return true;
            }
            // Waiting for the key's shared HTTP/2 dial: looked at again after each slice, as the key reaching
            // maxConnsPerHost makes it a wait for permission, which the timeout ends.
            if (awaitReady(MAX_WAIT_SLICE_NANOS)) {
                return true;
            }
        }
    }

    /**
     * Parks until {@link #signal()} ran, for at most {@code nanos} of real time (0: no limit), as a one-shot latch
     * would (an interrupt, pending or arriving, ends the wait with {@link InterruptedException}) but without the
     * latch and the queue node it allocates per waiter: the only thread ever woken is {@link #waiter}.
     *
     * @return whether it was signalled
     */
    private boolean awaitReady(long nanos) throws InterruptedException {
        long deadline = nanos > 0 ? System.nanoTime() + nanos : 0;
        for (;;) {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            if (ready) {
                return true;
            }
            if (nanos <= 0) {
                LockSupport.park(this);
            } else {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                LockSupport.parkNanos(this, left);
            }
        }
    }

    /** Whether {@link #signal()} has run: the outcome fields may then be read without the lock. */
    boolean served() {
        return ready;
    }
}
