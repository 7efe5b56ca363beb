package dev.httppool.internal.pool;

import dev.httppool.ClientTrace;
import dev.httppool.CloseReason;
import dev.httppool.ConnectMethodKey;
import dev.httppool.PoolSnapshot;
import dev.httppool.Ticker;
import dev.httppool.TransportConfig;
import dev.httppool.TransportListener;
import dev.httppool.internal.ApiAccess;
import dev.httppool.internal.exchange.WireConnection;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The connection pool behind a {@code Transport}: Go's idle lists, global LRU, per-key connection counts,
 * FIFO waiter queues and late-binding dials, under one lock. It knows connections only as
 * {@link WireConnection}s: nothing here depends on the protocol they speak.
 *
 * <p>Rules: every field below marked so is guarded by {@link #lock}; methods named {@code ...Locked} need it
 * held. No socket is closed, no dial started, no waiter woken and no listener, trace or logger called while it
 * is held: such work is collected in {@link PoolActions} and run by {@link #run} after unlocking. The waiting
 * protocol lives on {@link WantConn}, dialing in {@link Dials}, idle maintenance in {@link IdleMaintenance},
 * counters in {@link PoolStats}, views in {@link PoolInspector}.
 *
 * <p>Why this file is longer than ~400 lines: what is left here is the one state machine that the lock guards
 * (checkout, hand-off, put, close and the per-key counts they keep in step). Its transitions read and write the
 * same fields and must be read together to check them; spreading them over more files would hide the lock's
 * rules rather than simplify them.
 */
public final class ConnPool {

    /**
     * An idle connection younger than this is handed out without the liveness probe (retries cover a close in
     * the gap); it is only looked at for bytes nobody asked for ({@link WireConnection#isOutOfStep()}).
     */
    public static final long PROBE_AFTER_IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    final ReentrantLock lock = new ReentrantLock();
    final TransportConfig config;
    final Ticker ticker;
    final TransportListener listener;
    private final Runnable onIdle;
    final long idleTimeoutNanos;
    private final long connWaitNanos;
    final ConnLimits limits;
    private final IdleMaintenance maintenance = new IdleMaintenance(this);
    private final Dials dials;

    // Guarded by lock
    private final Map<ConnectMethodKey, HostPool> hosts = new HashMap<>();
    // Guarded by lock: every idle connection, most recently idled first.
    final IdleLru lru = new IdleLru();
    // Guarded by lock
    final PoolStats stats = new PoolStats();
    // Guarded by lock: CloseIdleConnections was called and no request has asked for a connection since.
    private boolean closeIdle;
    // Guarded by lock
    boolean closed;
    // Guarded by lock
    long nextId = 1;
    // Guarded by lock: some connection carries an idle limit of its server's (Keep-Alive: timeout=N).
    boolean serverIdleLimits;

    public ConnPool(TransportConfig config, Ticker ticker, Connector connector, Executor dialExecutor,
            TransportListener listener, Runnable onIdle) {
        this.config = config;
        this.ticker = ticker;
        this.dials = new Dials(this, connector, dialExecutor);
        this.listener = listener;
        this.onIdle = onIdle;
        this.idleTimeoutNanos = config.idleConnTimeout().toNanos();
        this.connWaitNanos = config.connWaitTimeout().toNanos();
        this.limits = new ConnLimits(config);
    }

    /**
     * Gets a connection for {@code key}: the most recently used live idle one, or else whichever comes first
     * of a returned connection and a dial started for this request.
     */
    public PooledConnection acquire(ConnectMethodKey key, ClientTrace trace) throws IOException {
        long start = ticker.nanoTime();
        for (;;) {
            PooledConnection pc = null;
            WantConn w = null;
            PoolActions a = null;
            boolean counted = false;
            PoolSnapshot.KeyStats refused = null;
            boolean reused = false;
            long idleNanos = 0;
            lock.lock();
            try {
                if (closed) {
                    throw new IOException("transport is closed");
                }
                long now = ticker.nanoTime();
                HostPool hp = hosts.computeIfAbsent(key, HostPool::new);
                if (!config.disableKeepAlives()) {
                    closeIdle = false;
                    while ((pc = takeIdleLocked(hp)) != null) {
                        idleNanos = now - pc.idleAtNanos;
                        if (idleTimeoutNanos > 0 && idleNanos >= idleTimeoutNanos || pc.serverIdleExpiredAt(now)) {
                            a = closeLocked(pc, CloseReason.IDLE_TIMEOUT, a);
                            continue;
                        }
                        if (limits.expired(pc, now)) {
                            a = closeLocked(pc, CloseReason.MAX_LIFETIME, a);
                            continue;
                        }
                        if (idleNanos < PROBE_AFTER_IDLE_NANOS) {
                            // The hot path: no probe will run, so count the checkout under this lock.
                            reused = countCheckoutLocked(pc);
                            counted = true;
                        }
                        break;
                    }
                }
                if (pc == null) {
                    // Closing expired idle connections above may have emptied and dropped this key's entry.
                    hp = hosts.computeIfAbsent(key, HostPool::new);
                    if (queueFullLocked(hp)) {
                        refused = PoolInspector.countsLocked(hp, now, limits.idleCapLocked(hp, now));
                    } else {
                        w = new WantConn(hp, trace);
                        a = queueLocked(w, a);
                    }
                }
            } finally {
                lock.unlock();
            }
            run(a);
            if (refused != null) {
                throw ApiAccess.get().newPoolExhausted(key, config.maxWaitingPerHost(), refused);
            }
            if (pc == null) {
                pc = await(w, start);
                if (pc != null) {
                    return pc;
                }
                continue; // it was served by a connection out of step, now closed: ask again
            }
            if (!counted) {
                if (pc.wire.isDeadWhileIdle()) {
                    release(pc, CloseReason.SERVER_CLOSED);
                    continue;
                }
                reused = countCheckout(pc);
            } else if (discardedOutOfStep(pc, true)) { // idle, so it has been returned before: reused
                continue;
            }
            return gotConn(pc, trace, start, true, idleNanos, reused);
        }
    }

    /**
     * Go's reading connection closes itself when bytes arrive while it is idle; without a reader thread, a
     * connection that has carried an exchange is looked at (one system call) before it is lent again without the
     * probe: younger than {@link #PROBE_AFTER_IDLE_NANOS}, or handed straight from the request that returned it.
     * Bytes that no request asked for mean every later response on it would be an earlier request's; it is
     * closed. Only a request already written when such bytes arrive can still get them.
     *
     * @param counted whether the checkout of {@code pc}, a reused connection, was counted already (it is taken
     *     back: the connection is not handed out after all)
     * @return whether {@code pc} was out of step and is closed now
     */
    private boolean discardedOutOfStep(PooledConnection pc, boolean counted) {
        if (!pc.wire.isOutOfStep()) {
            return false;
        }
        PoolActions a;
        lock.lock();
        try {
            if (counted) {
                pc.requests--;
                stats.reuseWithdrawnLocked();
            }
            a = closeLocked(pc, CloseReason.SERVER_CLOSED, null);
        } finally {
            lock.unlock();
        }
        run(a);
        return true;
    }

    /**
     * Whether a request for {@code hp} must fail at once: the key is at {@code maxConnsPerHost} and
     * {@code maxWaitingPerHost} requests already wait for permission to dial.
     */
    private boolean queueFullLocked(HostPool hp) {
        int maxWaiting = config.maxWaitingPerHost();
        int max = config.maxConnsPerHost();
        return maxWaiting > 0 && max > 0 && hp.conns >= max && hp.dialWaiters.size() >= maxWaiting;
    }

    /** Queues {@code w} for a returned connection and for a dial: now, or when maxConnsPerHost allows. */
    private PoolActions queueLocked(WantConn w, PoolActions a) {
        HostPool hp = w.host;
        hp.waiting++;
        if (!config.disableKeepAlives()) {
            hp.idleWaiters.addLast(w);
            w.queuedForIdle = true;
        }
        int max = config.maxConnsPerHost();
        if (max <= 0 || hp.conns < max) {
            hp.conns++;
            hp.dialsInProgress.add(w);
            return PoolActions.dial(a, w);
        }
        hp.dialWaiters.addLast(w);
        w.waitingForPermission = true;
        return a;
    }

    /** Pops the most recently used idle connection that no probe is looking at, and marks it handed out. */
    private PooledConnection takeIdleLocked(HostPool hp) {
        boolean fifo = limits.fifo;
        PooledConnection pc = fifo ? hp.idle.peekFirst() : hp.idle.peekLast();
        if (pc == null) {
            return null;
        }
        if (pc.probing) { // rare: the background probe is looking at it; find another
            pc = null;
            for (var it = fifo ? hp.idle.iterator() : hp.idle.descendingIterator(); it.hasNext() && pc == null; ) {
                PooledConnection c = it.next();
                pc = c.probing ? null : c;
            }
            if (pc == null) {
                return null;
            }
            hp.idle.removeFirstOccurrence(pc);
        } else if (fifo) {
            hp.idle.pollFirst();
        } else {
            hp.idle.pollLast();
        }
        lru.remove(pc);
        pc.state = PooledConnection.State.ACTIVE;
        return pc;
    }

    /** Counts a connection as handed out; returns whether it had served before. */
    private boolean countCheckoutLocked(PooledConnection pc) {
        pc.requests++;
        if (pc.reused) {
            stats.reusedLocked();
            return true;
        }
        return false;
    }

    private boolean countCheckout(PooledConnection pc) {
        lock.lock();
        try {
            return countCheckoutLocked(pc);
        } finally {
            lock.unlock();
        }
    }

    private PooledConnection gotConn(PooledConnection pc, ClientTrace trace, long start, boolean wasIdle,
            long idleNanos, boolean reused) {
        listener.acquired(pc.key(), reused, ticker.nanoTime() - start);
        PoolLog.handedOut(pc, reused, wasIdle, idleNanos);
        if (trace == ClientTrace.NONE) {
            return pc; // no hook to call: skip building its argument
        }
        trace.gotConn(new ClientTrace.GotConnInfo(reused, wasIdle,
                wasIdle ? Duration.ofNanos(idleNanos) : Duration.ZERO,
                pc.wire.localAddress(), pc.wire.remoteAddress()));
        return pc;
    }

    /**
     * Waits for {@code w} to be served, or gives up on timeout or interrupt.
     *
     * @return the connection, or null if the one it was served was out of step (and is closed now)
     */
    private PooledConnection await(WantConn w, long start) throws IOException {
        boolean interrupted = false;
        boolean served;
        try {
            served = w.await(connWaitNanos, start, ticker, lock);
        } catch (InterruptedException e) {
            interrupted = true;
            served = false;
        }
        if (!served) {
            return giveUp(w, start, interrupted);
        }
        // The latch orders these reads after the writes made under the lock.
        if (w.error != null) {
            throw w.error;
        }
        return handedOver(w.conn, w.trace, start);
    }

    /**
     * A connection that served a waiter, unless it was out of step (then null). The waiter's latch orders the
     * read of {@code reused} after the write made under the lock that delivered it.
     */
    private PooledConnection handedOver(PooledConnection pc, ClientTrace trace, long start) {
        if (pc.reused && discardedOutOfStep(pc, false)) {
            return null;
        }
        return gotConn(pc, trace, start, false, 0, countCheckout(pc));
    }

    /** Ends a wait that was interrupted or timed out; a connection delivered in the meantime is used or returned. */
    private PooledConnection giveUp(WantConn w, long start, boolean interrupted) throws IOException {
        PoolSnapshot.KeyStats stats = null;
        boolean cancelled;
        lock.lock();
        try {
            cancelled = w.cancelLocked();
            if (cancelled) {
                if (!interrupted) {
                    long now = ticker.nanoTime();
                    stats = PoolInspector.waitTimeoutStatsLocked(w.host, now, limits.idleCapLocked(w.host, now));
                }
                removeIfUnusedLocked(w.host);
            }
        } finally {
            lock.unlock();
        }
        PooledConnection won = cancelled ? null : w.conn;
        if (interrupted) {
            if (won != null) {
                release(won, null);
            }
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a connection to " + w.host.key);
        }
        if (!cancelled && w.error != null) {
            throw w.error;
        }
        if (won != null) {
            return handedOver(won, w.trace, start);
        }
        throw ApiAccess.get().newConnWaitTimeout(w.host.key,
                TimeUnit.NANOSECONDS.toMillis(ticker.nanoTime() - start), stats);
    }

    /**
     * Gives a connection back after its response: {@code reason == null} offers it for reuse (hand-off to the
     * oldest waiter, else the idle list, unless a cap says no); otherwise it is closed for that reason.
     *
     * @return null when it was pooled or handed off, otherwise why it was closed
     */
    public CloseReason release(PooledConnection pc, CloseReason reason) {
        PoolActions a;
        CloseReason outcome;
        boolean idled;
        lock.lock();
        try {
            if (pc.state != PooledConnection.State.ACTIVE) {
                return pc.state == PooledConnection.State.CLOSED ? CloseReason.BROKEN : null;
            }
            a = reason == null ? putOrCloseLocked(pc, null) : closeLocked(pc, reason, null);
            outcome = pc.state == PooledConnection.State.CLOSED ? a.reasonFor(pc) : null;
            idled = pc.state == PooledConnection.State.IDLE;
        } finally {
            lock.unlock();
        }
        if (outcome == null) {
            PoolLog.kept(pc, !idled);
        }
        run(a);
        if (idled) {
            onIdle.run();
        }
        return outcome;
    }

    /** {@link #release} when a response is done, reporting the outcome to the request's trace as Go does. */
    void releaseAfterResponse(PooledConnection pc, CloseReason reason, ClientTrace trace) {
        CloseReason outcome = release(pc, reason);
        if (!config.disableKeepAlives()) {
            trace.putIdleConn(outcome);
        }
    }

    /**
     * Go's {@code tryPutIdleConn}, closing the connection when it is refused, and first when it has carried
     * {@code maxRequestsPerConn} requests or outlived its lifetime (so it is never handed out again).
     */
    PoolActions putOrCloseLocked(PooledConnection pc, PoolActions a) {
        HostPool hp = pc.host;
        if (config.disableKeepAlives()) {
            return closeLocked(pc, CloseReason.KEEP_ALIVES_DISABLED, a);
        }
        if (closed) {
            return closeLocked(pc, CloseReason.CLOSE_IDLE, a);
        }
        if (limits.requestsUsedUp(pc)) {
            return closeLocked(pc, CloseReason.MAX_REQUESTS, a);
        }
        long now = ticker.nanoTime(); // read once: the lifetime check, the idle cap and the idle path need it
        if (limits.expired(pc, now)) {
            return closeLocked(pc, CloseReason.MAX_LIFETIME, a);
        }
        if (pc.serverRequestLimit > 0 && pc.requests >= pc.serverRequestLimit) {
            return closeLocked(pc, CloseReason.MAX_REQUESTS, a); // the server said it takes no more
        }
        if (pc.serverIdleNanos == 0) {
            return closeLocked(pc, CloseReason.IDLE_TIMEOUT, a); // the server keeps it idle for under a second
        }
        if (pc.serverIdleNanos > 0) {
            serverIdleLimits = true;
        }
        pc.reused = true;
        WantConn w;
        while ((w = hp.idleWaiters.pollFirst()) != null) {
            w.queuedForIdle = false;
            if (!w.done) {
                return w.deliverLocked(pc, null, a);
            }
        }
        if (closeIdle) {
            return closeLocked(pc, CloseReason.CLOSE_IDLE, a);
        }
        limits.noteInUseLocked(hp, now);
        int cap = limits.idleCapLocked(hp, now);
        if (hp.idle.size() >= cap) {
            return trimIdleLocked(hp, cap, closeLocked(pc, CloseReason.TOO_MANY_IDLE_HOST, a));
        }
        pc.state = PooledConnection.State.IDLE;
        pc.idleAtNanos = now;
        hp.idle.addLast(pc);
        lru.push(pc);
        if (config.maxIdleConns() > 0 && lru.size() > config.maxIdleConns()) {
            a = closeLocked(lru.oldest(), CloseReason.TOO_MANY_IDLE, a);
        }
        return a;
    }

    /** Closes {@code hp}'s least recently used idle connections above {@code cap} (the auto cap decayed). */
    private PoolActions trimIdleLocked(HostPool hp, int cap, PoolActions a) {
        while (hp.idle.size() > cap) {
            a = closeLocked(hp.idle.peekFirst(), CloseReason.TOO_MANY_IDLE_HOST, a);
        }
        return a;
    }

    /**
     * With the auto idle cap, moves each key's remembered peak on to {@code now} and closes the idle connections
     * above its decayed cap, so a key that stopped being used shrinks too. Caps are at least 1, so no entry is
     * emptied (and removed from the map) while it is iterated.
     */
    PoolActions trimDecayedIdleLocked(long now, PoolActions a) {
        if (!limits.autoIdleCap()) {
            return a;
        }
        for (HostPool hp : hosts.values()) {
            if (!hp.idle.isEmpty()) {
                limits.noteInUseLocked(hp, now);
                a = trimIdleLocked(hp, limits.idleCapLocked(hp, now), a);
            }
        }
        return a;
    }

    /** Marks {@code pc} closed, takes it out of the idle structures and frees its slot. */
    PoolActions closeLocked(PooledConnection pc, CloseReason reason, PoolActions a) {
        if (pc.state == PooledConnection.State.CLOSED) {
            return a;
        }
        if (limits.autoIdleCap() && pc.state == PooledConnection.State.ACTIVE) {
            limits.noteInUseLocked(pc.host, ticker.nanoTime()); // in-use counts fall: see the note
        }
        if (pc.state == PooledConnection.State.IDLE) {
            pc.host.idle.removeFirstOccurrence(pc);
            lru.remove(pc);
        }
        pc.state = PooledConnection.State.CLOSED;
        stats.closedLocked(reason);
        a = PoolActions.close(a, pc, reason);
        return decConnsLocked(pc.host, a);
    }

    /**
     * A connection (or a failed dial) left {@code hp}: its slot goes to the oldest request still waiting for
     * permission to dial, whose dial starts; only when there is none does the count go down.
     */
    PoolActions decConnsLocked(HostPool hp, PoolActions a) {
        WantConn w;
        while ((w = hp.dialWaiters.pollFirst()) != null) {
            w.waitingForPermission = false;
            if (!w.done) {
                hp.dialsInProgress.add(w);
                return PoolActions.dial(a, w);
            }
        }
        hp.conns--;
        if (hp.conns < 0) {
            throw new IllegalStateException("connection count underflow for " + hp.key);
        }
        removeIfUnusedLocked(hp);
        return a;
    }

    private void removeIfUnusedLocked(HostPool hp) {
        if (hp.isUnused() && hosts.get(hp.key) == hp) {
            hosts.remove(hp.key);
        }
    }

    /** Carries out work collected under the lock. Must be called without the lock. */
    void run(PoolActions a) {
        if (a == null) {
            return;
        }
        for (int i = 0; i < a.closes.size(); i++) {
            PooledConnection pc = a.closes.get(i);
            CloseReason reason = a.closeReasons.get(i);
            PoolLog.closed(pc, reason);
            pc.wire.close();
            listener.closed(pc.key(), reason);
        }
        for (WantConn w : a.signals) {
            w.signal();
        }
        for (WantConn w : a.dials) {
            dials.start(w);
        }
    }

    /**
     * Go's {@code CloseIdleConnections}: closes every idle connection, abandons dials whose request is gone,
     * and refuses returned connections (unless a waiter takes them) until the next request asks for one.
     *
     * @return how many idle connections were closed
     */
    public int closeIdleConnections() {
        PoolActions a = null;
        int n = 0;
        lock.lock();
        try {
            closeIdle = true;
            n = lru.size();
            a = closeAllIdleLocked(a);
            for (HostPool hp : hosts.values()) {
                for (WantConn w : hp.dialsInProgress) {
                    if (w.done) {
                        w.dialAbandoned = true;
                    }
                }
            }
        } finally {
            lock.unlock();
        }
        run(a);
        return n;
    }

    private PoolActions closeAllIdleLocked(PoolActions a) {
        while (lru.oldest() != null) {
            a = closeLocked(lru.oldest(), CloseReason.CLOSE_IDLE, a);
        }
        return a;
    }

    /** Idle-time work as a function of the time: see {@link IdleMaintenance#run}. */
    public IdleMaintenance maintenance() {
        return maintenance;
    }

    /** Closes every idle connection and refuses all further work; active connections close when released. */
    public void close() {
        PoolActions a = null;
        lock.lock();
        try {
            closed = true;
            a = closeAllIdleLocked(a);
            for (HostPool hp : new ArrayList<>(hosts.values())) {
                List<WantConn> waiters = new ArrayList<>(hp.idleWaiters);
                waiters.addAll(hp.dialWaiters);
                for (WantConn w : waiters) {
                    if (!w.done) {
                        a = w.deliverLocked(null, new IOException(
                                "transport closed while waiting for a connection to " + hp.key), a);
                    }
                }
                hp.dialWaiters.clear();
                for (WantConn w : hp.dialsInProgress) {
                    w.dialAbandoned = true;
                }
            }
        } finally {
            lock.unlock();
        }
        run(a);
    }

    /** One consistent view, under one acquisition of the lock. */
    public PoolSnapshot snapshot() {
        return snapshot(null);
    }

    /** The same view with only the keys whose address is {@code address} (all keys when null). */
    public PoolSnapshot snapshot(String address) {
        lock.lock();
        try {
            return PoolInspector.snapshotLocked(this, hosts.values(), address, ticker.nanoTime(),
                    System.currentTimeMillis(), stats);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Checks the pool's internal invariants and returns the first violation found, or null. Used by the
     * randomized tests after every step; cheap enough for production diagnostics.
     */
    public String checkInvariants() {
        lock.lock();
        try {
            return PoolInspector.checkInvariantsLocked(this, hosts, lru);
        } finally {
            lock.unlock();
        }
    }
}
