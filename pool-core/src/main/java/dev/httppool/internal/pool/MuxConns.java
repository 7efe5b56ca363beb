package dev.httppool.internal.pool;

import dev.httppool.CloseReason;
import dev.httppool.ConnectMethodKey;
import dev.httppool.PoolSnapshot;
import dev.httppool.RejectReason;
import dev.httppool.internal.ApiAccess;
import dev.httppool.internal.exchange.MultiplexedConnection;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * The HTTP/2 side of the pool, as Go's {@code http2.ClientConnPool} beside its {@code Transport}: connections that
 * carry many streams at once, lent to every request of their key until the server's stream limit.
 *
 * <p>Ownership: while a multiplexed connection carries streams it is <em>shared</em>: registered here, counted
 * once by {@link ConnPool} as an active connection (so once under {@code maxConnsPerHost}), and lent to each request
 * that {@link #lease leases} a stream. When its last stream ends it goes back to {@link ConnPool} like an HTTP/1.1
 * connection, and is idle there (idle timeout, lifetime and close-idle apply); the next request takes it from the
 * idle list and {@link #adopt adopts} it again. A freshly dialed one that finds a usable shared connection of its
 * key already is closed unused (Go's {@code TestTransportDiscardsUnneededConns}).
 *
 * <p>At a connection's stream limit, {@code http2StrictMaxConcurrentStreams} false lets the request fall through to
 * {@link ConnPool} (which dials another, within {@code maxConnsPerHost}); true makes it wait here for a stream,
 * oldest first ({@link StreamQueue}).
 * Requests queued in {@link ConnPool} for permission to dial are woken to look here again when a shared connection
 * appears or a full one frees a stream.
 *
 * <p>Lock order: {@link ConnPool}'s lock is never taken while {@link #lock} is held, and nothing blocks, closes or
 * calls out under {@link #lock}. {@link PooledConnection#streams} and the lists are guarded by it.
 *
 * <p>Moves between the idle list and the shared ones happen under the pool's lock (taking a connection off the idle
 * list shares it, the last stream's end unshares it and puts it back), and requests queued for permission to dial
 * are handed streams, oldest first, as room frees. Longer than ~400 lines: these transitions and the stream counts
 * they keep in step are one state machine, read together to check the two locks' order.
 */
final class MuxConns {

    private final ConnPool pool;
    private final boolean strict;
    private final long connWaitNanos;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when a stream ends or a connection's state changes: strict waiters look again. */
    private final Condition changed = lock.newCondition();
    // Guarded by lock: the shared connections of each key, oldest first.
    private final Map<ConnectMethodKey, List<PooledConnection>> shared = new HashMap<>();
    // Guarded by lock: with strict, the requests waiting for a stream, per key and oldest first.
    private final StreamQueue queue = new StreamQueue();
    /** How many connections are shared now: the HTTP/1.1 path skips this class when it is 0. */
    private volatile int count;

    MuxConns(ConnPool pool, boolean strict, long connWaitNanos) {
        this.pool = pool;
        this.strict = strict;
        this.connWaitNanos = connWaitNanos;
    }

    /**
     * A stream on a shared connection of {@code key}, or null when there is none with room (and, when strict,
     * none that is full and alive to wait for). Waits, when strict, until one has room, oldest first; refuses a
     * request at once when {@code maxWaitingPerHost} requests already wait for a stream of the key.
     */
    PooledConnection lease(ConnectMethodKey key, long start) throws IOException {
        if (count == 0) {
            return null;
        }
        long waited = 0;
        boolean interrupted = false;
        int refusedAt = 0; // max-waiting-per-host, when this request found that many waiting for a stream already
        StreamQueue.Waiter me = null; // once queued
        lock.lock();
        try {
            for (;;) {
                if (me != null && me.granted != null) {
                    return me.granted; // a stream that ended was handed to this request (and it left the queue)
                }
                List<PooledConnection> list = shared.get(key);
                if (list == null) {
                    return null;
                }
                long now = pool.ticker.nanoTime();
                if (!strict || queue.mayTakeLocked(key, me)) { // no one waits, or this request waited longest
                    PooledConnection pc = takeRoomLocked(list, now);
                    if (pc != null) {
                        return pc;
                    }
                }
                if (!strict || !anyFullLocked(list, now)) {
                    return null;
                }
                waited = pool.ticker.nanoTime() - start;
                if (connWaitNanos > 0 && waited >= connWaitNanos) {
                    break; // the error takes the pool's lock: built below, without this one
                }
                if (me == null) {
                    int maxWaiting = list.get(0).host.limits.maxWaitingPerHost;
                    me = queue.joinLocked(key, maxWaiting);
                    if (me == null) {
                        refusedAt = maxWaiting;
                        break;
                    }
                }
                if (queue.mayTakeLocked(key, me)) {
                    // The oldest looks in the pool too: a connection of the key whose last stream ended while
                    // another was full went idle there. Its lock is never taken inside this one.
                    lock.unlock();
                    boolean idle;
                    try {
                        idle = hasIdleMultiplexed(key);
                    } finally {
                        lock.lock();
                    }
                    if (me.granted != null) {
                        continue; // handed a stream meanwhile
                    }
                    if (idle) {
                        return null; // the pool lends it (leaving the queue, below, lets the next one look)
                    }
                }
                // Bounded slices, so a fake ticker and a missed signal both end the wait.
                changed.await(50, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            interrupted = true;
        } finally {
            if (me != null && me.granted == null && queue.leaveLocked(key, me)) {
                changed.signalAll(); // the next oldest looks
            }
            lock.unlock();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
            if (me != null && me.granted != null) {
                release(me.granted, null); // handed over as the wait was interrupted: given back
            }
            throw new InterruptedIOException("interrupted while waiting for an HTTP/2 stream to " + key);
        }
        throw refused(key, refusedAt > 0 ? RejectReason.MAX_WAITING : RejectReason.WAIT_TIMEOUT, refusedAt, waited);
    }

    /**
     * Per key, how many requests wait for a stream (strict only; an empty map when none do). Never called with the
     * pool's lock held.
     */
    Map<ConnectMethodKey, Integer> queuedCounts() {
        if (!strict) {
            return Map.of();
        }
        lock.lock();
        try {
            return queue.countsLocked();
        } finally {
            lock.unlock();
        }
    }

    /**
     * With the pool's lock held: a stream on a shared connection of {@code hp}'s key with room, without waiting. A
     * request that found none here before it took the pool's lock looks again under it, where connections become
     * shared and stop being shared: so one that moved between the idle list and the shared ones meanwhile is found.
     */
    PooledConnection leaseLocked(HostPool hp) {
        if (count == 0) {
            return null;
        }
        lock.lock();
        try {
            List<PooledConnection> list = shared.get(hp.key);
            return list == null ? null : takeRoomLocked(list, pool.ticker.nanoTime());
        } finally {
            lock.unlock();
        }
    }

    /** The oldest of {@code list} that takes another stream now, with that stream taken; or null. */
    private static PooledConnection takeRoomLocked(List<PooledConnection> list, long now) {
        for (PooledConnection pc : list) {
            if (takesStream(pc, now) && pc.streams < ((MultiplexedConnection) pc.wire).maxConcurrentStreams()) {
                pc.streams++;
                return pc;
            }
        }
        return null;
    }

    /** Whether one of {@code list} would take a stream but for its limit (a strict request waits for it). */
    private static boolean anyFullLocked(List<PooledConnection> list, long now) {
        for (PooledConnection pc : list) {
            if (takesStream(pc, now)) {
                return true;
            }
        }
        return false;
    }

    /**
     * With the pool's lock held: {@code pc}, just taken off the idle list by a request, becomes shared with that
     * request's stream, under the same hold of the pool's lock, so that a burst arriving meanwhile finds it (here,
     * or under the pool's lock) instead of dialing. Returns false when it takes no streams (the caller closes it).
     * {@link #sharedAgain} follows, without the pool's lock.
     */
    boolean shareIdleLocked(PooledConnection pc) {
        MultiplexedConnection mc = (MultiplexedConnection) pc.wire;
        if (!mc.takesNewStreams() || mc.maxConcurrentStreams() <= 0) {
            return false;
        }
        lock.lock();
        try {
            registerLocked(pc);
        } finally {
            lock.unlock();
        }
        return true;
    }

    /** After {@link #shareIdleLocked}: listens to the connection, and gives its room to requests waiting. */
    void sharedAgain(PooledConnection pc) {
        ((MultiplexedConnection) pc.wire).onChange(() -> changed(pc));
        wakeDialWaiters(pc.key());
    }

    private void registerLocked(PooledConnection pc) {
        shared.computeIfAbsent(pc.key(), k -> new ArrayList<>(2)).add(pc);
        count++;
        pc.shared = true;
        pc.streams = 1;
        changed.signalAll(); // strict waiters look at the room it brings
    }

    /**
     * A multiplexed connection {@link ConnPool} handed out: its first stream is taken, on it or on a shared
     * connection of its key that has room (then this one, unneeded, is closed). Returns null when it takes no
     * streams (a GOAWAY came first); it is then closed, and the caller asks again.
     */
    PooledConnection adopt(PooledConnection pc) {
        MultiplexedConnection mc = (MultiplexedConnection) pc.wire;
        ConnectMethodKey key = pc.key();
        if (!pc.reused && hasIdleMultiplexed(key)) {
            // A fresh dial that lost the race to a connection gone idle meanwhile: the idle one serves.
            pool.releaseOwned(pc, CloseReason.TOO_MANY_IDLE_HOST);
            return null;
        }
        PooledConnection chosen = null;
        boolean registered = false;
        lock.lock();
        try {
            List<PooledConnection> list = shared.get(key);
            if (list != null) {
                chosen = takeRoomLocked(list, pool.ticker.nanoTime());
            }
            if (chosen == null && mc.takesNewStreams() && mc.maxConcurrentStreams() > 0) {
                registerLocked(pc);
                chosen = pc;
                registered = true;
            }
        } finally {
            lock.unlock();
        }
        if (registered) {
            mc.onChange(() -> changed(pc));
            wakeDialWaiters(key);
            return pc;
        }
        // Unneeded (another shared connection has room) or unusable: closed, its slot freed.
        pool.releaseOwned(pc, chosen != null ? CloseReason.TOO_MANY_IDLE_HOST
                : mc.endReason() != null ? mc.endReason() : CloseReason.BROKEN);
        return chosen;
    }

    /**
     * A stream of shared {@code pc} ended. When it was the last one, the connection goes back to {@link ConnPool}:
     * idle if it takes more streams, closed otherwise (as the connection says why: GOAWAY, ...). The last stream's
     * end takes the pool's lock, under which the connection stops being shared and goes back in one step (a request
     * arriving then finds it in one place or the other, and dials nothing); the others take only this class's lock.
     *
     * @return null when the connection stays usable, else why it was closed
     */
    CloseReason release(PooledConnection pc, CloseReason reason) {
        MultiplexedConnection mc = (MultiplexedConnection) pc.wire;
        boolean wasFull;
        boolean maybeLast;
        lock.lock();
        try {
            if (pc.streams <= 0) {
                throw new IllegalStateException("stream count underflow for " + pc);
            }
            if (strict && handToOldestLocked(pc, mc)) {
                return null; // the stream goes on, for the request that waited longest
            }
            wasFull = pc.streams >= mc.maxConcurrentStreams();
            maybeLast = pc.streams == 1;
            if (!maybeLast) {
                pc.streams--;
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
        if (maybeLast) {
            LastStream end = new LastStream(pc);
            CloseReason outcome = pool.releaseOwned(pc,
                    mc.takesNewStreams() ? null : mc.endReason() != null ? mc.endReason() : reason, end);
            if (end.last) {
                return outcome;
            }
            wasFull = end.wasFull; // a stream was leased on it meanwhile: it stays shared
        }
        if (wasFull) {
            wakeDialWaiters(pc.key()); // it has room again: requests queued for permission to dial take it
        }
        return mc.takesNewStreams() ? null : mc.endReason();
    }

    /**
     * Strict: gives the stream of {@code pc} that ended to the request of its key that waited longest, if any and if
     * the connection takes it (no GOAWAY, within its lifetime and requests, below the server's current limit).
     */
    private boolean handToOldestLocked(PooledConnection pc, MultiplexedConnection mc) {
        if (!queue.anyLocked(pc.key()) || !takesStream(pc, pool.ticker.nanoTime())
                || pc.streams > mc.maxConcurrentStreams()) {
            return false;
        }
        queue.handToOldestLocked(pc);
        changed.signalAll();
        return true;
    }

    /**
     * The end of the stream of {@code pc} that was its last when {@link #release} looked, counted off under the
     * pool's lock ({@link ConnPool#releaseOwned(PooledConnection, CloseReason, BooleanSupplier)}): true, with the
     * connection no longer shared, when it is still the last; false when another stream was leased on it meanwhile.
     */
    private final class LastStream implements BooleanSupplier {
        private final PooledConnection pc;
        boolean last;
        boolean wasFull;

        LastStream(PooledConnection pc) {
            this.pc = pc;
        }

        @Override
        public boolean getAsBoolean() {
            lock.lock();
            try {
                wasFull = pc.streams >= ((MultiplexedConnection) pc.wire).maxConcurrentStreams();
                pc.streams--;
                last = pc.streams == 0;
                if (last) {
                    unregisterLocked(pc);
                }
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            return last;
        }
    }

    /**
     * The connection's state changed (reader thread): waiters look again; one that takes no more streams while it
     * lies idle in the pool (a GOAWAY, a ping timeout, the server's close) is closed now, for that reason.
     */
    private void changed(PooledConnection pc) {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        MultiplexedConnection mc = (MultiplexedConnection) pc.wire;
        if (!pc.shared && !mc.takesNewStreams()) {
            closeIfIdle(pc, mc.endReason());
        }
        wakeDialWaiters(pc.key());
    }

    /**
     * Whether shared {@code pc} may start another stream: the server takes new ones, and it is neither past its
     * lifetime nor at {@code maxRequestsPerConn} streams (read without the pool's lock: a lease racing with another
     * may start one more). One that may not is closed when its last stream ends.
     */
    private static boolean takesStream(PooledConnection pc, long now) {
        return ((MultiplexedConnection) pc.wire).takesNewStreams() && !pc.host.limits.expired(pc, now)
                && !pc.host.limits.requestsUsedUp(pc);
    }

    /** Open streams per shared connection (an empty map, without locking, when there are none). */
    Map<PooledConnection, Integer> openStreams() {
        if (count == 0) {
            return Map.of();
        }
        Map<PooledConnection, Integer> streams = new HashMap<>();
        lock.lock();
        try {
            shared.forEach((key, list) -> list.forEach(pc -> streams.put(pc, pc.streams)));
        } finally {
            lock.unlock();
        }
        return streams;
    }

    private void unregisterLocked(PooledConnection pc) {
        List<PooledConnection> list = shared.get(pc.key());
        if (list != null && list.remove(pc)) {
            count--;
            if (list.isEmpty()) {
                shared.remove(pc.key());
            }
        }
        pc.shared = false;
    }

    // The pool's side of sharing, each under the pool's lock (never while this class's lock is held).

    /**
     * With the pool's lock held: whether {@code hp}'s key has an HTTP/2 connection that takes new streams, idle in
     * the pool or shared here (this class's lock is taken inside the pool's, never the other way round).
     */
    boolean hasUsableLocked(HostPool hp) {
        return hasIdleLocked(hp) || anySharedLocked(hp, false);
    }

    /** With the pool's lock held: whether {@code hp}'s key has a shared HTTP/2 connection that takes new streams. */
    boolean hasSharedLocked(HostPool hp) {
        return anySharedLocked(hp, false);
    }

    /**
     * Gives the room on {@code key}'s shared connections to the requests queued for permission to dial, oldest
     * first: each is handed a stream taken for it (under the pool's lock, then this class's), as many as there is
     * room for, and the others stay queued in their order. None is woken only to find the room taken by another.
     */
    private void wakeDialWaiters(ConnectMethodKey key) {
        PoolActions a = null;
        pool.lock.lock();
        try {
            HostPool hp = pool.hosts.get(key);
            if (hp == null) {
                return;
            }
            for (WantConn w; (w = hp.dialWaiters.peekFirst()) != null; ) {
                if (w.done) { // left already; not expected to be queued still
                    hp.dialWaiters.pollFirst();
                    w.waitingForPermission = false;
                    continue;
                }
                PooledConnection pc = leaseLocked(hp);
                if (pc == null) {
                    break;
                }
                a = w.deliverLocked(pc, null, a);
            }
            a = pool.waiters.startNextSharedDialLocked(hp, a);
        } finally {
            pool.lock.unlock();
        }
        pool.run(a);
    }

    /**
     * With the pool's lock held: whether {@code hp}'s key has another HTTP/2 connection that can carry the streams
     * of one whose last stream just ended: one idle in the pool, or one shared here at most half as busy as its
     * limit allows. Then the connection that went idle is not kept: one connection per key carries the streams (two
     * dials of a cold burst that each found the other between the shared list and the idle list would otherwise
     * both stay). While the others are busier than that, it stays idle, as Go's pool keeps it: above one
     * connection's stream limit, requests overflow onto it instead of dialing and handshaking each time.
     */
    boolean coversKeyLocked(HostPool hp) {
        return hasIdleLocked(hp) || anySharedLocked(hp, true);
    }

    /** With the pool's lock held: whether {@code hp} has an idle HTTP/2 connection that takes new streams. */
    private static boolean hasIdleLocked(HostPool hp) {
        for (PooledConnection pc : hp.idle) {
            if (pc.multiplexed && ((MultiplexedConnection) pc.wire).takesNewStreams()) {
                return true;
            }
        }
        return false;
    }

    /**
     * With the pool's lock held: whether {@code hp}'s key has a shared connection that takes new streams (with
     * {@code halfFree}: that carries at most half as many as its limit allows).
     */
    private boolean anySharedLocked(HostPool hp, boolean halfFree) {
        if (count == 0) {
            return false;
        }
        lock.lock();
        try {
            List<PooledConnection> list = shared.get(hp.key);
            if (list != null) {
                long now = pool.ticker.nanoTime();
                for (PooledConnection pc : list) {
                    MultiplexedConnection mc = (MultiplexedConnection) pc.wire;
                    boolean usable = halfFree
                            ? mc.takesNewStreams() && 2L * pc.streams <= mc.maxConcurrentStreams()
                            : takesStream(pc, now);
                    if (usable) {
                        return true;
                    }
                }
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Closes {@code pc} for {@code reason} if it is idle now; otherwise whoever holds it decides. */
    private void closeIfIdle(PooledConnection pc, CloseReason reason) {
        PoolActions a = null;
        pool.lock.lock();
        try {
            if (pc.state == PooledConnection.State.IDLE) {
                a = pool.closeLocked(pc, reason, null);
            }
        } finally {
            pool.lock.unlock();
        }
        pool.run(a);
    }

    /** Whether {@code key} has an idle HTTP/2 connection that takes new streams. */
    private boolean hasIdleMultiplexed(ConnectMethodKey key) {
        pool.lock.lock();
        try {
            HostPool hp = pool.hosts.get(key);
            return hp != null && hasIdleLocked(hp);
        } finally {
            pool.lock.unlock();
        }
    }

    /**
     * The error of a request refused a stream, counted as the pool counts its own refusals (the advice window, the
     * {@code rejected} meter): at {@code max-waiting-per-host} ({@code maxWaiting}), or after waiting
     * {@code waitedNanos} past {@code conn-wait-timeout}. Takes the pool's lock: never call it holding this one.
     */
    private IOException refused(ConnectMethodKey key, RejectReason reason, int maxWaiting, long waitedNanos) {
        PoolSnapshot.KeyStats stats;
        pool.lock.lock();
        try {
            HostPool hp = pool.hostLocked(key);
            long now = pool.ticker.nanoTime();
            stats = PoolInspector.waitTimeoutStatsLocked(hp, now, hp.limits.idleCapLocked(hp, now));
            pool.advisor.rejectedLocked(key, hp.limits, reason, now);
            pool.removeIfUnusedLocked(hp);
        } finally {
            pool.lock.unlock();
        }
        pool.advisor.logPending();
        pool.listener.rejected(key, reason);
        return reason == RejectReason.MAX_WAITING ? ApiAccess.get().newPoolExhausted(key, maxWaiting, stats)
                : ApiAccess.get().newConnWaitTimeout(key, TimeUnit.NANOSECONDS.toMillis(waitedNanos), stats);
    }
}
