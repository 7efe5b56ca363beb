package dev.httppool.internal.pool;

import dev.httppool.internal.ApiAccess;

import dev.httppool.ClientTrace;
import dev.httppool.CloseReason;
import dev.httppool.ConnWaitTimeoutException;
import dev.httppool.ConnectMethodKey;
import dev.httppool.PoolSnapshot;
import dev.httppool.Ticker;
import dev.httppool.TransportConfig;
import dev.httppool.TransportListener;
import dev.httppool.internal.connect.Connector;
import dev.httppool.internal.exchange.WireConnection;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The connection pool behind a {@link Transport}: Go's idle lists, global LRU, per-key connection counts,
 * FIFO waiter queues and late-binding dials, under one lock.
 *
 * <p>Rules: every field below is guarded by {@link #lock}; methods named {@code ...Locked} need it held. No
 * socket is closed, no dial started, no waiter woken and no listener or trace called while it is held: such
 * work is collected in {@link PoolActions} and run by {@link #run} after unlocking.
 */
public final class ConnPool {

    /** An idle connection younger than this is handed out without a liveness probe (retries cover the gap). */
    static final long PROBE_AFTER_IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** A waiter with a connWaitTimeout re-checks the ticker at least this often (so a fake ticker works too). */
    private static final long MAX_WAIT_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final ReentrantLock lock = new ReentrantLock();
    private final TransportConfig config;
    private final Ticker ticker;
    private final Connector connector;
    private final Executor dialExecutor;
    private final TransportListener listener;
    private final Runnable onIdle;
    private final long idleTimeoutNanos;
    private final long connWaitNanos;

    // Guarded by lock
    private final Map<ConnectMethodKey, HostPool> hosts = new HashMap<>();
    // Guarded by lock: every idle connection, most recently idled first.
    private final IdleLru lru = new IdleLru();
    // Guarded by lock: CloseIdleConnections was called and no request has asked for a connection since.
    private boolean closeIdle;
    // Guarded by lock
    private boolean closed;
    // Guarded by lock
    private long nextId = 1;
    // Guarded by lock
    private long dials;
    // Guarded by lock
    private long dialFailures;
    // Guarded by lock
    private long reusedCount;
    // Guarded by lock
    private final long[] closedByReason = new long[CloseReason.values().length];

    public ConnPool(TransportConfig config, Ticker ticker, Connector connector, Executor dialExecutor,
            TransportListener listener, Runnable onIdle) {
        this.config = config;
        this.ticker = ticker;
        this.connector = connector;
        this.dialExecutor = dialExecutor;
        this.listener = listener;
        this.onIdle = onIdle;
        this.idleTimeoutNanos = config.idleConnTimeout().toNanos();
        this.connWaitNanos = config.connWaitTimeout().toNanos();
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
            boolean wasIdle = false;
            boolean counted = false;
            boolean reused = false;
            long idleNanos = 0;
            lock.lock();
            try {
                if (closed) {
                    throw new IOException("transport is closed");
                }
                long now = ticker.nanoTime();
                HostPool hp = hosts.get(key);
                if (hp == null) {
                    hp = new HostPool(key);
                    hosts.put(key, hp);
                }
                if (!config.disableKeepAlives()) {
                    closeIdle = false;
                    while ((pc = takeIdleLocked(hp)) != null) {
                        idleNanos = now - pc.idleAtNanos;
                        if (idleTimeoutNanos > 0 && idleNanos >= idleTimeoutNanos) {
                            a = closeLocked(pc, CloseReason.IDLE_TIMEOUT, a);
                            continue;
                        }
                        wasIdle = true;
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
                    w = new WantConn(hp, trace);
                    hp.waiting++;
                    if (!config.disableKeepAlives()) {
                        hp.idleWaiters.addLast(w);
                    }
                    int max = config.maxConnsPerHost();
                    if (max <= 0 || hp.conns < max) {
                        hp.conns++;
                        hp.dialsInProgress.add(w);
                        a = PoolActions.dial(a, w);
                    } else {
                        hp.dialWaiters.addLast(w);
                        w.waitingForPermission = true;
                    }
                }
            } finally {
                lock.unlock();
            }
            run(a);
            if (pc != null) {
                if (!counted) {
                    if (pc.wire.isDeadWhileIdle()) {
                        release(pc, CloseReason.SERVER_CLOSED);
                        continue;
                    }
                    reused = countCheckout(pc);
                }
                return gotConn(pc, trace, start, wasIdle, idleNanos, reused);
            }
            return await(w, start);
        }
    }

    /** Pops the most recently used idle connection that no probe is looking at, and counts it as handed out. */
    private PooledConnection takeIdleLocked(HostPool hp) {
        PooledConnection pc = hp.idle.peekLast();
        if (pc == null) {
            return null;
        }
        if (pc.probing) {
            pc = null;
            for (var it = hp.idle.descendingIterator(); it.hasNext(); ) {
                PooledConnection c = it.next();
                if (!c.probing) {
                    pc = c;
                    break;
                }
            }
            if (pc == null) {
                return null;
            }
            hp.idle.removeLastOccurrence(pc);
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
            reusedCount++;
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
        if (trace == ClientTrace.NONE) {
            return pc; // no hook to call: skip building its argument
        }
        trace.gotConn(new ClientTrace.GotConnInfo(reused, wasIdle,
                wasIdle ? java.time.Duration.ofNanos(idleNanos) : java.time.Duration.ZERO,
                pc.wire.localAddress(), pc.wire.remoteAddress()));
        return pc;
    }

    /**
     * Waits for the want to be served. {@code connWaitTimeout} bounds only the time spent queued for permission
     * to dial (the key at {@code maxConnsPerHost}); a request whose own dial is under way waits for it, bounded
     * by the dial timeout.
     */
    private PooledConnection await(WantConn w, long start) throws IOException {
        boolean interrupted = false;
        try {
            for (;;) {
                if (connWaitNanos <= 0) {
                    w.ready().await();
                    break;
                }
                long remaining = connWaitNanos - (ticker.nanoTime() - start);
                if (remaining > 0 && w.ready().await(Math.min(remaining, MAX_WAIT_SLICE_NANOS), TimeUnit.NANOSECONDS)) {
                    break;
                }
                if (remaining <= 0 && stillWaitingForPermission(w)) {
                    break; // timed out: settled below
                }
                if (remaining <= 0) {
                    w.ready().await(); // permission came: the dial (or a hand-off) ends the wait
                    break;
                }
            }
        } catch (InterruptedException e) {
            interrupted = true;
        }
        if (interrupted || w.ready().getCount() > 0) {
            return giveUp(w, start, interrupted);
        }
        // The latch orders these reads after the writes made under the lock.
        if (w.error != null) {
            throw w.error;
        }
        return gotConn(w.conn, w.trace, start, false, 0, countCheckout(w.conn));
    }

    private boolean stillWaitingForPermission(WantConn w) {
        lock.lock();
        try {
            return !w.done && w.waitingForPermission;
        } finally {
            lock.unlock();
        }
    }

    /** Ends a wait that was interrupted or timed out; a connection delivered in the meantime is used or returned. */
    private PooledConnection giveUp(WantConn w, long start, boolean interrupted) throws IOException {
        PoolSnapshot.KeyStats stats = null;
        PooledConnection won = null;
        IOException failed = null;
        lock.lock();
        try {
            if (w.done) {
                won = w.conn;
                failed = w.error;
            } else {
                w.done = true;
                w.waitingForPermission = false;
                forgetWaiterLocked(w);
                if (!interrupted) {
                    PoolSnapshot.KeyStats s = PoolInspector.keyStatsLocked(w.host, ticker.nanoTime(),
                            System.currentTimeMillis(), false);
                    stats = new PoolSnapshot.KeyStats(s.key(), s.proxy(), s.scheme(), s.address(), s.onlyH1(),
                            s.connections(), s.idle(), s.active(), s.dialing(), s.waiting() + 1, List.of());
                }
            }
        } finally {
            lock.unlock();
        }
        if (interrupted) {
            if (won != null) {
                release(won, null);
            }
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a connection to " + w.host.key);
        }
        if (failed != null) {
            throw failed;
        }
        if (won != null) {
            return gotConn(won, w.trace, start, false, 0, countCheckout(won));
        }
        throw ApiAccess.get().newConnWaitTimeout(w.host.key, TimeUnit.NANOSECONDS.toMillis(ticker.nanoTime() - start), stats);
    }

    /** Drops a waiter that gave up from both queues and the counts. */
    private void forgetWaiterLocked(WantConn w) {
        HostPool hp = w.host;
        hp.idleWaiters.remove(w);
        hp.dialWaiters.remove(w);
        hp.waiting--;
        removeIfUnusedLocked(hp);
    }

    /** Marks {@code w} served by {@code pc} (or failed by {@code error}) and queues its wake-up. */
    private PoolActions deliverLocked(WantConn w, PooledConnection pc, IOException error, PoolActions a) {
        w.done = true;
        w.waitingForPermission = false;
        w.conn = pc;
        w.error = error;
        HostPool hp = w.host;
        hp.idleWaiters.remove(w);
        hp.dialWaiters.remove(w);
        hp.waiting--;
        return PoolActions.signal(a, w);
    }

    /** Runs on a dialing thread. */
    private void dial(WantConn w) {
        ConnectMethodKey key = w.host.key;
        long t0 = ticker.nanoTime();
        WireConnection wire;
        try {
            wire = connector.connect(key, w.trace);
        } catch (IOException | RuntimeException e) {
            IOException error = e instanceof IOException ? (IOException) e
                    : new IOException("dial " + key + " failed: " + e, e);
            listener.dialed(key, false, ticker.nanoTime() - t0);
            dialFailed(w, error);
            return;
        }
        listener.dialed(key, true, ticker.nanoTime() - t0);
        dialSucceeded(w, wire);
    }

    private void dialSucceeded(WantConn w, WireConnection wire) {
        PoolActions a = null;
        lock.lock();
        try {
            HostPool hp = w.host;
            hp.dialsInProgress.remove(w);
            dials++;
            PooledConnection pc = new PooledConnection(nextId++, hp, wire, ticker.nanoTime());
            if (closed || w.dialAbandoned) {
                a = closeLocked(pc, CloseReason.CLOSE_IDLE, a);
            } else if (!w.done) {
                a = deliverLocked(w, pc, null, a);
            } else {
                a = putOrCloseLocked(pc, a);
            }
        } finally {
            lock.unlock();
        }
        run(a);
    }

    private void dialFailed(WantConn w, IOException error) {
        PoolActions a = null;
        lock.lock();
        try {
            HostPool hp = w.host;
            hp.dialsInProgress.remove(w);
            dialFailures++;
            if (!w.done) {
                a = deliverLocked(w, null, error, a);
            }
            a = decConnsLocked(hp, a);
        } finally {
            lock.unlock();
        }
        run(a);
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
        lock.lock();
        try {
            if (pc.state != PooledConnection.State.ACTIVE) {
                return pc.state == PooledConnection.State.CLOSED ? CloseReason.BROKEN : null;
            }
            a = reason == null ? putOrCloseLocked(pc, null) : closeLocked(pc, reason, null);
            outcome = pc.state == PooledConnection.State.CLOSED ? closeReasonOf(a, pc) : null;
        } finally {
            lock.unlock();
        }
        run(a);
        if (outcome == null && pc.state == PooledConnection.State.IDLE) {
            onIdle.run();
        }
        return outcome;
    }

    private static CloseReason closeReasonOf(PoolActions a, PooledConnection pc) {
        int i = a.closes.indexOf(pc);
        return i < 0 ? CloseReason.BROKEN : a.closeReasons.get(i);
    }

    /** Go's {@code tryPutIdleConn}, closing the connection when it is refused. */
    private PoolActions putOrCloseLocked(PooledConnection pc, PoolActions a) {
        HostPool hp = pc.host;
        if (config.disableKeepAlives()) {
            return closeLocked(pc, CloseReason.KEEP_ALIVES_DISABLED, a);
        }
        if (closed) {
            return closeLocked(pc, CloseReason.CLOSE_IDLE, a);
        }
        pc.reused = true;
        WantConn w;
        while ((w = hp.idleWaiters.pollFirst()) != null) {
            if (!w.done) {
                return deliverLocked(w, pc, null, a);
            }
        }
        if (closeIdle) {
            return closeLocked(pc, CloseReason.CLOSE_IDLE, a);
        }
        if (hp.idle.size() >= config.maxIdleConnsPerHost()) {
            return closeLocked(pc, CloseReason.TOO_MANY_IDLE_HOST, a);
        }
        pc.state = PooledConnection.State.IDLE;
        pc.idleAtNanos = ticker.nanoTime();
        hp.idle.addLast(pc);
        lru.push(pc);
        if (config.maxIdleConns() > 0 && lru.size() > config.maxIdleConns()) {
            PooledConnection oldest = lru.oldest();
            oldest.host.idle.removeFirstOccurrence(oldest);
            lru.remove(oldest);
            oldest.state = PooledConnection.State.ACTIVE;
            a = closeLocked(oldest, CloseReason.TOO_MANY_IDLE, a);
        }
        return a;
    }

    /** Marks {@code pc} closed, takes it out of the idle structures and frees its slot. */
    private PoolActions closeLocked(PooledConnection pc, CloseReason reason, PoolActions a) {
        if (pc.state == PooledConnection.State.CLOSED) {
            return a;
        }
        if (pc.state == PooledConnection.State.IDLE) {
            pc.host.idle.removeFirstOccurrence(pc);
            lru.remove(pc);
        }
        pc.state = PooledConnection.State.CLOSED;
        closedByReason[reason.ordinal()]++;
        a = PoolActions.close(a, pc, reason);
        return decConnsLocked(pc.host, a);
    }

    /**
     * A connection (or a failed dial) left {@code hp}: its slot goes to the oldest request still waiting for
     * permission to dial, whose dial starts; only when there is none does the count go down.
     */
    private PoolActions decConnsLocked(HostPool hp, PoolActions a) {
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
    private void run(PoolActions a) {
        if (a == null) {
            return;
        }
        for (int i = 0; i < a.closes.size(); i++) {
            PooledConnection pc = a.closes.get(i);
            pc.wire.close();
            listener.closed(pc.key(), a.closeReasons.get(i));
        }
        for (WantConn w : a.signals) {
            w.signal();
        }
        for (WantConn w : a.dials) {
            try {
                dialExecutor.execute(() -> dial(w));
            } catch (RuntimeException e) {
                dialFailed(w, new IOException("could not start a dial for " + w.host.key + ": " + e, e));
            }
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
            while (lru.oldest() != null) {
                a = closeLocked(lru.oldest(), CloseReason.CLOSE_IDLE, a);
                n++;
            }
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

    /**
     * Closes idle connections whose idle time reached {@code idleConnTimeout} at {@code now}.
     *
     * @return nanoseconds until the next idle connection expires, or -1 when none can (no idle connection, or
     *     no timeout)
     */
    public long closeExpiredIdle(long now) {
        if (idleTimeoutNanos <= 0) {
            return -1;
        }
        PoolActions a = null;
        long next = -1;
        lock.lock();
        try {
            // The LRU is ordered by idle time: the tail is the longest idle.
            for (PooledConnection oldest; (oldest = lru.oldest()) != null; ) {
                long age = now - oldest.idleAtNanos;
                if (age < idleTimeoutNanos) {
                    next = idleTimeoutNanos - age;
                    break;
                }
                a = closeLocked(oldest, CloseReason.IDLE_TIMEOUT, a);
            }
        } finally {
            lock.unlock();
        }
        run(a);
        return next;
    }

    /**
     * Looks at every idle connection idle for at least {@link #PROBE_AFTER_IDLE_NANOS} without blocking, and
     * closes those the server closed or wrote to. The probes run outside the lock; a connection being probed is
     * skipped by checkout.
     *
     * @return how many were closed
     */
    public int closeDeadIdle(long now) {
        List<PooledConnection> candidates = new ArrayList<>();
        lock.lock();
        try {
            for (PooledConnection pc = lru.newest(); pc != null; pc = pc.lruOlder) {
                if (!pc.probing && now - pc.idleAtNanos >= PROBE_AFTER_IDLE_NANOS) {
                    pc.probing = true;
                    candidates.add(pc);
                }
            }
        } finally {
            lock.unlock();
        }
        if (candidates.isEmpty()) {
            return 0;
        }
        boolean[] dead = new boolean[candidates.size()];
        for (int i = 0; i < dead.length; i++) {
            dead[i] = candidates.get(i).wire.isDeadWhileIdle();
        }
        PoolActions a = null;
        int n = 0;
        lock.lock();
        try {
            for (int i = 0; i < dead.length; i++) {
                PooledConnection pc = candidates.get(i);
                pc.probing = false;
                if (pc.state != PooledConnection.State.IDLE) {
                    continue;
                }
                if (dead[i]) {
                    a = closeLocked(pc, CloseReason.SERVER_CLOSED, a);
                    n++;
                } else if (pc.host.idleWaiters.stream().anyMatch(w -> !w.done)) {
                    // A request queued while this one was being probed: hand it over now.
                    pc.host.idle.removeFirstOccurrence(pc);
                    lru.remove(pc);
                    pc.state = PooledConnection.State.ACTIVE;
                    a = putOrCloseLocked(pc, a);
                }
            }
        } finally {
            lock.unlock();
        }
        run(a);
        return n;
    }

    /** Whether any connection sits idle (the background reaper stops when none does). */
    public boolean hasIdle() {
        lock.lock();
        try {
            return lru.size() > 0;
        } finally {
            lock.unlock();
        }
    }

    /** Closes every idle connection and refuses all further work; active connections close when released. */
    public void close() {
        PoolActions a = null;
        lock.lock();
        try {
            closed = true;
            while (lru.oldest() != null) {
                a = closeLocked(lru.oldest(), CloseReason.CLOSE_IDLE, a);
            }
            for (HostPool hp : new ArrayList<>(hosts.values())) {
                List<WantConn> waiters = new ArrayList<>(hp.idleWaiters);
                waiters.addAll(hp.dialWaiters);
                for (WantConn w : waiters) {
                    if (!w.done) {
                        a = deliverLocked(w, null, new IOException("transport closed while waiting for a connection to "
                                + hp.key), a);
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
            return PoolInspector.snapshotLocked(config, hosts.values(), address, ticker.nanoTime(),
                    System.currentTimeMillis(), dials, dialFailures, reusedCount, closedByReason);
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
            return PoolInspector.checkInvariantsLocked(config, hosts, lru);
        } finally {
            lock.unlock();
        }
    }
}
