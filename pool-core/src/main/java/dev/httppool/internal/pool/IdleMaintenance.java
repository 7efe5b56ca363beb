package dev.httppool.internal.pool;

import dev.httppool.CloseReason;
import dev.httppool.internal.exchange.WireConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The pool's idle-time work as a function of the time, as OkHttp's {@code cleanup(now)}: {@link #run(long)}
 * closes what has expired or died at {@code now} and returns how long until it must run again, so tests pass
 * literal times instead of sleeping and the {@link IdleReaper} only schedules.
 */
public final class IdleMaintenance {

    /** How often idle connections are probed for a server-side close. */
    public static final long PROBE_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(1000);
    private static final long MIN_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final ConnPool pool;

    IdleMaintenance(ConnPool pool) {
        this.pool = pool;
    }

    /**
     * Closes idle connections past {@code idleConnTimeout} or their lifetime, those above a decayed auto idle
     * cap, and those the server closed; reclaims leaked connections and reports those held too long
     * ({@link LeakWatch}).
     *
     * @return nanoseconds until the next run is needed (the next probe, idle expiry, end of a lifetime or leak
     *     check, whichever comes first), or -1 when no connection is idle or held
     */
    public long run(long now) {
        long untilExpiry = earliest(pool.hostLimits.oneIdleTimeout ? closeExpiredIdle(now) : -1,
                closeExpiredDeadlines(now));
        closeIdleAboveDecayedCaps(now);
        closeDeadIdle(now);
        long untilLeakCheck = pool.leaks.run(now, PROBE_INTERVAL_NANOS, MIN_DELAY_NANOS);
        if (!hasIdle()) {
            return untilLeakCheck;
        }
        return earliest(untilLeakCheck, untilExpiry < 0 ? PROBE_INTERVAL_NANOS
                : Math.min(PROBE_INTERVAL_NANOS, Math.max(untilExpiry, MIN_DELAY_NANOS)));
    }

    /** The sooner of two delays where -1 means never. */
    private static long earliest(long a, long b) {
        return a < 0 ? b : b < 0 ? a : Math.min(a, b);
    }

    /**
     * Closes idle connections whose deadline has passed at {@code now}: their lifetime ({@code maxConnLifetime}),
     * their server's own idle limit ({@code Keep-Alive: timeout=N}, as {@code idle-timeout}), or with {@code hosts}
     * entries of different idle timeouts, their key's. Such deadlines are not ordered by idle time; the idle list
     * keeps them in their own order, so only the connections due are visited: O(due), not O(idle connections).
     * One the probe is looking at is left for the next run.
     *
     * @return nanoseconds until the next such deadline, or -1 when no idle connection has one
     */
    long closeExpiredDeadlines(long now) {
        PoolActions a = null;
        long next;
        List<PooledConnection> probing = null;
        pool.lock.lock();
        try {
            for (PooledConnection pc; (pc = pool.lru.pastDeadline(now)) != null; ) {
                if (pc.probing) {
                    pool.lru.aside(pc);
                    if (probing == null) {
                        probing = new ArrayList<>(2);
                    }
                    probing.add(pc);
                    continue;
                }
                ConnLimits limits = pc.host.limits;
                boolean idleTimeout = limits.idleTimeoutNanos > 0 && now - pc.idleAtNanos >= limits.idleTimeoutNanos;
                a = pool.closeLocked(pc, !idleTimeout && limits.hasLifetime && pc.expiredAt(now)
                        ? CloseReason.MAX_LIFETIME : CloseReason.IDLE_TIMEOUT, a);
            }
            next = pool.lru.untilNextDeadline(now);
            if (probing != null) {
                probing.forEach(pool.lru::back);
                next = 0; // the next run looks at them again
            }
        } finally {
            pool.lock.unlock();
        }
        pool.run(a);
        return next;
    }

    /**
     * Closes idle connections whose idle time reached {@code idleConnTimeout} at {@code now}.
     *
     * @return nanoseconds until the next idle connection expires, or -1 when none can (no idle connection, or
     *     no timeout)
     */
    long closeExpiredIdle(long now) {
        if (!pool.hostLimits.oneIdleTimeout) {
            return closeExpiredDeadlines(now); // each key's timeout is a deadline of its connections
        }
        long timeout = pool.limits.idleTimeoutNanos;
        if (timeout <= 0) {
            return -1;
        }
        PoolActions a = null;
        long next = -1;
        pool.lock.lock();
        try {
            // The LRU is ordered by idle time: the tail is the longest idle.
            for (PooledConnection oldest; (oldest = pool.lru.oldest()) != null; ) {
                long age = now - oldest.idleAtNanos;
                if (age < timeout) {
                    next = timeout - age;
                    break;
                }
                a = pool.closeLocked(oldest, CloseReason.IDLE_TIMEOUT, a);
            }
        } finally {
            pool.lock.unlock();
        }
        pool.run(a);
        return next;
    }

    /** With the auto idle cap, closes each key's idle connections above its cap, which decays as use falls. */
    void closeIdleAboveDecayedCaps(long now) {
        PoolActions a;
        pool.lock.lock();
        try {
            a = pool.trimDecayedIdleLocked(now, null);
        } finally {
            pool.lock.unlock();
        }
        pool.run(a);
    }

    /**
     * Looks, without blocking, at each idle connection due for it: idle for at least
     * {@link ConnPool#PROBE_AFTER_IDLE_NANOS} and not looked at in the last {@link #PROBE_INTERVAL_NANOS}; closes
     * those the server closed or wrote to. Only the connections due are visited (the idle list keeps them in the
     * order they fall due), so a pass costs O(due), not O(idle connections or keys). The probes run outside the
     * lock; a connection being probed is skipped by checkout.
     *
     * @return how many were closed
     */
    int closeDeadIdle(long now) {
        List<PooledConnection> candidates = null;
        pool.lock.lock();
        try {
            for (PooledConnection pc; (pc = pool.lru.dueForProbe(now)) != null; ) {
                pool.lru.probedAt(pc, now);
                if (!pc.probing) {
                    pc.probing = true;
                    if (candidates == null) {
                        candidates = new ArrayList<>();
                    }
                    candidates.add(pc);
                }
            }
        } finally {
            pool.lock.unlock();
        }
        if (candidates == null) {
            return 0;
        }
        boolean[] dead = new boolean[candidates.size()];
        for (int i = 0; i < dead.length; i++) {
            WireConnection wire = candidates.get(i).wire;
            dead[i] = wire.isDeadWhileIdle();
            if (!dead[i]) {
                wire.trimWhileIdle(); // an idle connection's buffers go back to the transport's pool
            }
        }
        PoolActions a = null;
        int n = 0;
        pool.lock.lock();
        try {
            for (int i = 0; i < dead.length; i++) {
                PooledConnection pc = candidates.get(i);
                pc.probing = false;
                if (pc.state != PooledConnection.State.IDLE) {
                    continue;
                }
                if (dead[i]) {
                    a = pool.closeLocked(pc, CloseReason.SERVER_CLOSED, a);
                    n++;
                } else if (pc.host.idleWaiters.stream().anyMatch(w -> !w.done)) {
                    // A request queued while this one was being probed: hand it over now.
                    pc.host.idle.removeFirstOccurrence(pc);
                    pool.lru.taken(pc);
                    pc.state = PooledConnection.State.ACTIVE;
                    a = pool.putOrCloseLocked(pc, a);
                }
            }
        } finally {
            pool.lock.unlock();
        }
        pool.run(a);
        return n;
    }

    /** Whether any connection sits idle or is held by a request (the background reaper stops when none does). */
    public boolean needsRun() {
        pool.lock.lock();
        try {
            return pool.lru.size() > 0 || pool.leaks.watchingLocked();
        } finally {
            pool.lock.unlock();
        }
    }

    /** Whether any connection sits idle. */
    public boolean hasIdle() {
        pool.lock.lock();
        try {
            return pool.lru.size() > 0;
        } finally {
            pool.lock.unlock();
        }
    }
}
