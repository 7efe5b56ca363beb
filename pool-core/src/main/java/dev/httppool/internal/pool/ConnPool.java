package dev.httppool.internal.pool;

import dev.httppool.ClientTrace;
import dev.httppool.CloseReason;
import dev.httppool.ConnectMethodKey;
import dev.httppool.PoolSnapshot;
import dev.httppool.RejectReason;
import dev.httppool.Request;
import dev.httppool.Ticker;
import dev.httppool.TransportConfig;
import dev.httppool.TransportListener;
import dev.httppool.internal.ApiAccess;
import dev.httppool.internal.exchange.MultiplexedConnection;
import dev.httppool.internal.exchange.WireConnection;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * The connection pool behind a {@code Transport}: Go's idle lists, global LRU, per-key connection counts,
 * FIFO waiter queues and late-binding dials, under one lock. It knows connections only as
 * {@link WireConnection}s: nothing here depends on the protocol they speak.
 *
 * <p>Rules: every field below marked so is guarded by {@link #lock}; methods named {@code ...Locked} need it
 * held. No socket is closed, no dial started, no waiter woken and no listener, trace or logger called while it
 * is held: such work is collected in {@link PoolActions} and run by {@link #run} after unlocking. The waiting
 * protocol lives on {@link WantConn}, the waiting side of checkout (queue, wait, hand-off, give up) in
 * {@link Waiters}, dialing in {@link Dials}, idle maintenance in {@link IdleMaintenance}, counters in
 * {@link PoolStats}, views in {@link PoolInspector}, HTTP/2 connections lent as streams in {@link MuxConns}.
 *
 * <p>Why this file is longer than ~400 lines: what is left here is the one state machine that the lock guards
 * (checkout, put, close and the per-key counts they keep in step). Its transitions read and write the
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
    /** Wakes the maintenance: a connection became idle, or was checked out (for {@link LeakWatch}). */
    private final Runnable onIdle;
    /** The global limits; each key's own are on its {@link HostPool} ({@code hosts} overrides). */
    final ConnLimits limits;
    final HostLimits hostLimits;
    private final IdleMaintenance maintenance = new IdleMaintenance(this);
    private final WarmPools warm = new WarmPools(this);
    // Guarded by lock
    private final AutoCapDecay autoCapDecay = new AutoCapDecay();
    private final Dials dials;
    /** Requests that found no idle connection: queued, served by hand-off or dial, or giving up. */
    final Waiters waiters = new Waiters(this);
    final Advisor advisor;
    final LeakWatch leaks;
    /** HTTP/2 connections while they carry streams. */
    final MuxConns mux;

    // Guarded by lock
    final Map<ConnectMethodKey, HostPool> hosts = new HashMap<>();
    // Guarded by lock: every idle connection, most recently idled first.
    final IdleLru lru;
    // Guarded by lock
    final PoolStats stats = new PoolStats();
    // Guarded by lock: the keys whose latest dial brought an HTTP/2 connection, for the shared dial of a burst.
    final Http2Keys http2Keys = new Http2Keys();
    // Guarded by lock: CloseIdleConnections was called and no request has asked for a connection since.
    private boolean closeIdle;
    // Guarded by lock
    boolean closed;
    // Guarded by lock
    long nextId = 1;

    public ConnPool(TransportConfig config, Ticker ticker, Connector connector, Executor dialExecutor,
            TransportListener listener, Runnable onIdle) {
        this.config = config;
        this.ticker = ticker;
        this.dials = new Dials(this, connector, dialExecutor);
        this.listener = listener;
        this.onIdle = onIdle;
        this.hostLimits = new HostLimits(config);
        this.limits = hostLimits.global;
        this.lru = new IdleLru(!hostLimits.oneIdleTimeout);
        this.advisor = new Advisor(lock, ticker, config);
        this.leaks = new LeakWatch(this);
        this.mux = new MuxConns(this, config.http2StrictMaxConcurrentStreams(), config.connWaitTimeout().toNanos());
    }

    /** {@code key}'s entry, made (with its limits, matched once, and its address's counters) when it has none. */
    HostPool hostLocked(ConnectMethodKey key) {
        HostPool hp = hosts.get(key);
        if (hp == null) {
            hp = new HostPool(key, stats.addressLocked(key.address(), hosts.keySet()), hostLimits.forKeyLocked(key));
            hosts.put(key, hp);
        }
        return hp;
    }

    HostPool existingHostLocked(ConnectMethodKey key) {
        return hosts.get(key);
    }

    /**
     * Gets a connection for {@code key}: the most recently used live idle one, or else whichever comes first
     * of a returned connection and a dial started for this request.
     */
    public PooledConnection acquire(ConnectMethodKey key, ClientTrace trace) throws IOException {
        return acquire(key, trace, null);
    }

    /** As {@link #acquire(ConnectMethodKey, ClientTrace)} for {@code request}, shown while it holds the connection. */
    public PooledConnection acquire(ConnectMethodKey key, ClientTrace trace, Request request) throws IOException {
        long start = ticker.nanoTime();
        Throwable origin = leaks.origin();
        for (boolean again = false; ; again = true) {
            PooledConnection pc = mux.lease(key, start);
            if (pc != null) {
                countStream(pc, request, origin);
                return gotConn(pc, trace, start, false, 0, true); // a stream of a shared HTTP/2 connection
            }
            pc = acquireOwned(key, trace, start, request, origin, again);
            if (pc != null && pc.shared) {
                return pc; // a stream of a shared HTTP/2 connection (idle until now, or found under the lock)
            }
            if (pc != null && pc.multiplexed) {
                PooledConnection dialed = pc;
                pc = mux.adopt(pc);
                if (pc != null && pc != dialed) {
                    countStream(pc, request, origin); // a stream of another shared connection served it
                    return gotConn(pc, trace, start, false, 0, true);
                }
                if (pc != null) {
                    return gotConn(pc, trace, start, pc.gotWasIdle, pc.gotIdleNanos, pc.gotReused);
                }
            }
            if (pc != null) {
                return pc;
            }
            // Served by a connection out of step (closed now), woken because a shared connection may have room,
            // or an HTTP/2 connection that took no stream: ask again.
        }
    }

    /**
     * A connection of this pool's own ({@link ConnPool}'s idle list, a hand-off or a dial), or null when the wait
     * ended without one and the caller must ask again.
     *
     * @param again whether the request asks again (it was admitted before, and woken or served a connection it
     *     could not use): {@code maxWaitingPerHost} does not refuse it now that later requests have queued
     */
    private PooledConnection acquireOwned(ConnectMethodKey key, ClientTrace trace, long start, Request request,
            Throwable origin, boolean again) throws IOException {
        // Read before the lock, so that its holder makes no call it can do without: the time only bounds idle
        // ages and stamps the checkout (a few microseconds early under contention), the name is the caller's.
        String thread = Thread.currentThread().getName();
        for (;;) {
            PooledConnection pc = null;
            WantConn w = null;
            PoolActions a = null;
            PoolSnapshot.KeyStats refused = null;
            int maxWaiting = 0;
            boolean reused = false;
            boolean probe = false;
            long idleNanos = 0;
            boolean streamLeased = false;
            long now = ticker.nanoTime();
            lock.lock();
            try {
                if (closed) {
                    throw new IOException("transport is closed");
                }
                HostPool hp = hostLocked(key);
                ConnLimits limits = hp.limits;
                if (!config.disableKeepAlives()) {
                    closeIdle = false;
                    while ((pc = takeIdleLocked(hp)) != null) {
                        idleNanos = Math.max(0, now - pc.idleAtNanos);
                        if (limits.idleTimeoutNanos > 0 && idleNanos >= limits.idleTimeoutNanos
                                || pc.serverIdleExpiredAt(now)) {
                            a = closeLocked(pc, CloseReason.IDLE_TIMEOUT, a);
                            continue;
                        }
                        if (limits.expired(pc, now)) {
                            a = closeLocked(pc, CloseReason.MAX_LIFETIME, a);
                            continue;
                        }
                        if (pc.multiplexed) {
                            // Shared again under this lock, in the same step that took it off the idle list: a
                            // burst arriving meanwhile finds it, and dials nothing.
                            if (!mux.shareIdleLocked(pc)) {
                                CloseReason end = ((MultiplexedConnection) pc.wire).endReason();
                                a = closeLocked(pc, end != null ? end : CloseReason.BROKEN, a);
                                continue;
                            }
                            reused = countCheckoutLocked(pc, request, origin, thread, now);
                            break;
                        }
                        // Counted under this lock, probed or not: a connection the probe finds dead is taken back.
                        reused = countCheckoutLocked(pc, request, origin, thread, now);
                        probe = idleNanos >= PROBE_AFTER_IDLE_NANOS;
                        break;
                    }
                }
                if (pc == null) {
                    // Closing expired idle connections above may have emptied and dropped this key's entry.
                    hp = hostLocked(key);
                    // An HTTP/2 connection that became shared since this request looked (MuxConns.lease) is
                    // found here: connections become shared, and stop being shared, under this lock.
                    pc = mux.leaseLocked(hp);
                    if (pc != null) {
                        countStreamLocked(pc, request, origin, thread, now);
                        streamLeased = true;
                    }
                }
                if (pc == null) {
                    if (!again && Waiters.queueFullLocked(hp)) {
                        refused = PoolInspector.countsLocked(hp, now, limits.idleCapLocked(hp, now));
                        maxWaiting = limits.maxWaitingPerHost;
                        advisor.rejectedLocked(key, limits, RejectReason.MAX_WAITING, now);
                    } else {
                        w = new WantConn(hp, trace);
                        w.request = request;
                        w.origin = origin;
                        w.threadName = thread;
                        a = waiters.queueLocked(w, a, now);
                    }
                }
            } finally {
                lock.unlock();
            }
            run(a);
            if (refused != null) {
                listener.rejected(key, RejectReason.MAX_WAITING);
                throw ApiAccess.get().newPoolExhausted(key, maxWaiting, refused);
            }
            if (pc == null) {
                return waiters.await(w, start); // null: served by a connection out of step (closed now), or woken
            }
            if (streamLeased) {
                return gotConn(pc, trace, start, false, 0, true);
            }
            if (probe) {
                if (pc.wire.isDeadWhileIdle()) {
                    discard(pc, reused, CloseReason.SERVER_CLOSED);
                    continue;
                }
            } else if (pc.shared) {
                mux.sharedAgain(pc); // taken off the idle list and shared under the lock above
            } else if (discardedOutOfStep(pc, reused)) {
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
     * @param reused whether its checkout, counted already, was counted as a reuse
     * @return whether {@code pc} was out of step and is closed now
     */
    boolean discardedOutOfStep(PooledConnection pc, boolean reused) {
        if (!pc.wire.isOutOfStep()) {
            return false;
        }
        discard(pc, reused, CloseReason.SERVER_CLOSED);
        return true;
    }

    /**
     * Closes {@code pc}, checked out (and counted) for a request that will not use it after all: its checkout is
     * taken back first, as if it had never been handed out.
     */
    private void discard(PooledConnection pc, boolean reused, CloseReason reason) {
        PoolActions a;
        lock.lock();
        try {
            withdrawCheckoutLocked(pc, reused);
            a = closeLocked(pc, reason, null);
        } finally {
            lock.unlock();
        }
        run(a);
    }

    /** Takes back a counted checkout of {@code pc} (the request count, the reuse); its held entry goes on return. */
    void withdrawCheckoutLocked(PooledConnection pc, boolean reused) {
        pc.requests--;
        if (reused) {
            stats.reuseWithdrawnLocked(pc.host);
        }
    }

    /** Pops the most recently used idle connection that no probe is looking at, and marks it handed out. */
    private PooledConnection takeIdleLocked(HostPool hp) {
        boolean fifo = hp.limits.fifo;
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
        lru.taken(pc);
        pc.state = PooledConnection.State.ACTIVE;
        return pc;
    }

    /**
     * Counts a connection as handed out to {@code request}, made on the thread named {@code thread}; returns
     * whether it had served before.
     */
    boolean countCheckoutLocked(PooledConnection pc, Request request, Throwable origin, String thread,
            long now) {
        pc.requests++;
        leaks.checkedOutLocked(pc, request, origin, thread, now);
        if (pc.reused) {
            stats.reusedLocked(pc.host);
            return true;
        }
        return false;
    }

    /**
     * A new stream of shared {@code pc} was leased to {@code request}: a request it carries (so
     * {@code maxRequestsPerConn} counts streams), a reuse in the stats, and the request the snapshot shows for it.
     */
    void countStream(PooledConnection pc, Request request, Throwable origin) {
        countStream(pc, request, origin, Thread.currentThread().getName());
    }

    /** As {@link #countStream(PooledConnection, Request, Throwable)}, for the request of the named thread. */
    void countStream(PooledConnection pc, Request request, Throwable origin, String thread) {
        long now = ticker.nanoTime();
        lock.lock();
        try {
            countStreamLocked(pc, request, origin, thread, now);
        } finally {
            lock.unlock();
        }
    }

    private void countStreamLocked(PooledConnection pc, Request request, Throwable origin, String thread,
            long now) {
        pc.requests++;
        stats.reusedLocked(pc.host);
        pc.host.checkedOut.streamLeasedLocked(pc, request, origin, thread, now);
    }

    PooledConnection gotConn(PooledConnection pc, ClientTrace trace, long start, boolean wasIdle,
            long idleNanos, boolean reused) {
        if (pc.multiplexed && !pc.shared && !pc.gotDeferred) {
            // Not yet adopted: MuxConns may serve the request on another connection; acquire() reports the one
            // that serves it. The request owns pc until then, so these plain fields are its own.
            pc.gotDeferred = true;
            pc.gotWasIdle = wasIdle;
            pc.gotIdleNanos = idleNanos;
            pc.gotReused = reused;
            return pc;
        }
        pc.gotDeferred = false;
        listener.acquired(pc.key(), reused, ticker.nanoTime() - start);
        onIdle.run(); // the maintenance watches held connections too
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
     * Gives a connection back after its response: {@code reason == null} offers it for reuse (hand-off to the
     * oldest waiter, else the idle list, unless a cap says no); otherwise it is closed for that reason.
     *
     * @return null when it was pooled or handed off, otherwise why it was closed
     */
    public CloseReason release(PooledConnection pc, CloseReason reason) {
        if (pc.shared) {
            return mux.release(pc, reason); // one stream of an HTTP/2 connection ended
        }
        return releaseOwned(pc, reason);
    }

    /** {@link #release} of a connection that this pool lent out whole (not as a stream). */
    CloseReason releaseOwned(PooledConnection pc, CloseReason reason) {
        return releaseOwned(pc, reason, null);
    }

    /**
     * As {@link #releaseOwned(PooledConnection, CloseReason)}; with {@code lastStream}, {@code pc} is a shared
     * HTTP/2 connection whose last stream (when looked at) ended: {@code lastStream}, run under this lock, counts it
     * off and stops sharing the connection, which is then released in the same hold of the lock; when it says that
     * another stream was leased meanwhile, nothing is released (and null returned).
     */
    CloseReason releaseOwned(PooledConnection pc, CloseReason reason, BooleanSupplier lastStream) {
        PoolActions a;
        CloseReason outcome;
        boolean idled;
        lock.lock();
        try {
            if (lastStream != null && !lastStream.getAsBoolean()) {
                return null;
            }
            if (pc.state != PooledConnection.State.ACTIVE) {
                return pc.state == PooledConnection.State.CLOSED ? CloseReason.BROKEN : null;
            }
            leaks.returnedLocked(pc);
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
        return putOrCloseLocked(pc, a, false);
    }

    /** As above; a {@code warm} connection (just dialed by {@link WarmPools}) is kept after closeIdleConnections. */
    PoolActions putOrCloseLocked(PooledConnection pc, PoolActions a, boolean warm) {
        HostPool hp = pc.host;
        ConnLimits limits = hp.limits;
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
        pc.reused = true;
        // Every request in idleWaiters is counted in waiting (it leaves both at once). With nobody waiting, the
        // queue (a cold cache line per return with thousands of keys) is not looked at.
        WantConn w;
        while (hp.waiting > 0 && (w = hp.idleWaiters.pollFirst()) != null) {
            w.queuedForIdle = false;
            if (!w.done) {
                return waiters.handOffLocked(w, pc, now, a);
            }
        }
        if (closeIdle && !warm) {
            return closeLocked(pc, CloseReason.CLOSE_IDLE, a);
        }
        if (pc.multiplexed && !warm && limits.minIdle == 0 && mux.coversKeyLocked(hp)) {
            return closeLocked(pc, CloseReason.TOO_MANY_IDLE_HOST, a); // another HTTP/2 connection carries the key
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
        if (limits.autoIdleCap()) {
            autoCapDecay.idledLocked(hp);
        }
        if (config.maxIdleConns() > 0 && lru.size() > config.maxIdleConns()) {
            a = closeLocked(WarmPools.oldestEvictableLocked(lru), CloseReason.TOO_MANY_IDLE, a);
        }
        return a;
    }

    /** Closes {@code hp}'s least recently used idle connections above {@code cap} (the auto cap decayed). */
    PoolActions trimIdleLocked(HostPool hp, int cap, PoolActions a) {
        while (hp.idle.size() > cap) {
            a = closeLocked(hp.idle.peekFirst(), CloseReason.TOO_MANY_IDLE_HOST, a);
        }
        return a;
    }

    /**
     * With the auto idle cap, closes the idle connections above the caps that fell by {@code now}, so a key that
     * stopped being used shrinks too; only the keys whose cap may have fallen are visited ({@link AutoCapDecay}).
     */
    PoolActions trimDecayedIdleLocked(long now, PoolActions a) {
        return hostLimits.anyAutoIdleCap ? autoCapDecay.trimDueLocked(this, now, a) : a;
    }

    /** Whether {@code hp} is the pool's entry for its key (not one removed since). */
    boolean holdsLocked(HostPool hp) {
        return hosts.get(hp.key) == hp;
    }

    /** Marks {@code pc} closed, takes it out of the idle structures and frees its slot. */
    PoolActions closeLocked(PooledConnection pc, CloseReason reason, PoolActions a) {
        if (pc.state == PooledConnection.State.CLOSED) {
            return a;
        }
        if (pc.host.limits.autoIdleCap() && pc.state == PooledConnection.State.ACTIVE) {
            pc.host.limits.noteInUseLocked(pc.host, ticker.nanoTime()); // in-use counts fall: see the note
        }
        if (pc.state == PooledConnection.State.IDLE) {
            pc.host.idle.removeFirstOccurrence(pc);
        }
        lru.remove(pc); // also when handed out since it was idle: the idle orders drop such places lazily
        advisor.closedLocked(pc, reason, reason == CloseReason.TOO_MANY_IDLE_HOST
                ? pc.host.limits.idleCapLocked(pc.host, ticker.nanoTime()) : 0);
        leaks.returnedLocked(pc); // one in use (checkout taken back, reclaimed leak) is no longer held
        pc.state = PooledConnection.State.CLOSED;
        stats.closedLocked(pc.host, reason);
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
            w.stopAwaitingSharedDialLocked();
            if (!w.done) {
                hp.dialsInProgress.add(w);
                return PoolActions.dial(a, w);
            }
        }
        hp.conns--;
        if (hp.conns < 0) {
            throw new IllegalStateException("connection count underflow for " + hp.key);
        }
        if (hp.conns < hp.limits.minIdle) {
            a = PoolActions.refill(a); // a warm key lost one
        }
        removeIfUnusedLocked(hp);
        return a;
    }

    /** Every key's entry (for {@link LeakWatch}). */
    Collection<HostPool> hostsLocked() {
        return hosts.values();
    }

    void removeIfUnusedLocked(HostPool hp) {
        if (hp.isUnused() && hosts.get(hp.key) == hp) {
            hosts.remove(hp.key);
        }
    }

    /** Carries out work collected under the lock. Must be called without the lock. */
    void run(PoolActions a) {
        advisor.logPending();
        if (a == null) {
            return;
        }
        if (a.closes != null) {
            for (int i = 0; i < a.closes.size(); i++) {
                PooledConnection pc = a.closes.get(i);
                CloseReason reason = a.closeReasons.get(i);
                PoolLog.closed(pc, reason);
                pc.wire.close();
                listener.closed(pc.key(), reason);
            }
        }
        if (a.signal != null) {
            a.signal.signal();
            if (a.moreSignals != null) {
                for (WantConn w : a.moreSignals) {
                    w.signal();
                }
            }
        }
        if (a.dials != null) {
            for (WantConn w : a.dials) {
                dials.start(w);
            }
        }
        if (a.refill) {
            warm.wake();
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
                    if (w.done && w.warm == null) {
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

    /** The advice rules, fed by this pool's events (and by leak detection through {@link Advisor#leaked}). */
    public Advisor advisor() {
        return advisor;
    }

    /** Idle-time work as a function of the time: see {@link IdleMaintenance#run}. */
    public IdleMaintenance maintenance() {
        return maintenance;
    }

    /** The warm pools ({@code hosts[i].minIdle}): see {@link WarmPools#run}. */
    public WarmPools warmPools() {
        return warm;
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
        Map<PooledConnection, Integer> streams = mux.openStreams(); // its own lock, never taken inside ours
        Map<ConnectMethodKey, Integer> waitingForStreams = mux.queuedCounts(); // as above
        lock.lock();
        try {
            return PoolInspector.snapshotLocked(this, hosts.values(), address, ticker.nanoTime(),
                    System.currentTimeMillis(), stats, streams, waitingForStreams);
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
