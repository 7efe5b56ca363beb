package dev.httppool.internal.pool;

import dev.httppool.ClientTrace;
import dev.httppool.ConnectMethodKey;
import dev.httppool.internal.net.HostPattern;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Warm pools ({@code hosts[i].minIdle}): keeps at least {@code minIdle} connections open to each such entry's
 * target, dialing the missing ones in the background when the transport starts and whenever one closes (lifetime,
 * idle timeout, server close, {@code closeIdleConnections}). Warm dials take the pool's ordinary dial path
 * ({@link Dials}: proxy, TLS, listeners, DEBUG log) as dials whose request is already gone, so they land idle (or
 * serve a request waiting by then); they never take the key above its {@code maxConnsPerHost}.
 *
 * <p>Time is a function argument, as in {@link IdleMaintenance}: {@link #run(long)} starts the dials needed at
 * {@code now} and returns how long until a target's backoff ends. A failed warm dial is retried after
 * {@link #FIRST_BACKOFF_NANOS}, doubling up to {@link #MAX_BACKOFF_NANOS}, with one dial at a time, so an
 * unreachable target costs a few dials a minute, never a spin; a successful dial resets it and the rest follow. Runs happen on the transport's maintenance thread
 * (through the {@link Scheduler}), never a thread per key, and nothing blocks under the pool's lock.
 */
public final class WarmPools {

    /** The first retry delay after a failed warm dial. */
    public static final long FIRST_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** The longest retry delay. */
    public static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(30);

    /** Runs a task after a delay: the transport's maintenance thread. */
    public interface Scheduler {
        void schedule(Runnable task, long delayNanos);
    }

    /** One target kept warm: its key and the limits (with {@code minIdle}) that key lives under. */
    static final class Target {
        final ConnectMethodKey key;
        final int minIdle;
        // Guarded by the pool's lock: failed dials in a row, and when the next may start.
        int failures;
        long retryAtNanos;
        boolean backingOff;

        Target(ConnectMethodKey key, int minIdle) {
            this.key = key;
            this.minIdle = minIdle;
        }
    }

    private final ConnPool pool;
    // Guarded by the pool's lock; set once by start().
    private List<Target> targets = List.of();
    private volatile Scheduler scheduler;
    private final AtomicBoolean wakePending = new AtomicBoolean();
    // Guarded by this: the ticker time a delayed run is scheduled for, when delayedScheduled.
    private long delayedAt;
    private boolean delayedScheduled;

    WarmPools(ConnPool pool) {
        this.pool = pool;
    }

    /**
     * Finds the targets (each warm entry's base URL, keyed by {@code keys}, e.g. through the transport's proxy
     * choice) and starts filling them. A target whose key takes another entry's limits (an earlier entry matched
     * it) or names no target (plain http behind a proxy) is not kept warm; nor is one whose proxy is invalid (its
     * requests fail with that error, and the transport is still built).
     */
    public void start(Function<URI, ConnectMethodKey> keys, Scheduler scheduler) {
        List<Target> found = new ArrayList<>();
        for (ConnLimits entry : pool.hostLimits.warmEntries()) {
            ConnectMethodKey key;
            try {
                key = keys.apply(URI.create(HostPattern.parse(entry.override.match()).baseUrl()));
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (pool.hostLimits.match(key) == entry && !key.address().isEmpty()) {
                found.add(new Target(key, entry.minIdle));
            }
        }
        if (found.isEmpty()) {
            return;
        }
        pool.lock.lock();
        try {
            targets = List.copyOf(found);
        } finally {
            pool.lock.unlock();
        }
        this.scheduler = scheduler;
        wake();
    }

    /** A warm key lost a connection (or a warm dial failed): make sure a run is scheduled. Cheap when one is. */
    void wake() {
        Scheduler s = scheduler;
        if (s != null && !wakePending.get() && wakePending.compareAndSet(false, true)) {
            s.schedule(this::tick, 0);
        }
    }

    private void tick() {
        wakePending.set(false);
        long now = pool.ticker.nanoTime();
        long next;
        try {
            next = run(now);
        } catch (RuntimeException e) {
            next = FIRST_BACKOFF_NANOS; // keep warming; the next run tries again
        }
        if (next >= 0) {
            scheduleDelayed(now, next);
        }
    }

    private void scheduleDelayed(long now, long delay) {
        synchronized (this) {
            if (delayedScheduled && delayedAt - (now + delay) <= 0) {
                return; // an earlier run is scheduled already
            }
            delayedScheduled = true;
            delayedAt = now + delay;
        }
        scheduler.schedule(() -> {
            synchronized (this) {
                delayedScheduled = false;
            }
            tick();
        }, delay);
    }

    /**
     * Starts the dials each target lacks at {@code now}: {@code minIdle} minus its connections (dialing, in use
     * and idle), never above {@code maxConnsPerHost}, and none for a target still backing off.
     *
     * @return nanoseconds until a target's backoff ends, or -1 when no run is needed until a connection closes
     */
    public long run(long now) {
        PoolActions a = null;
        long next = -1;
        pool.lock.lock();
        try {
            if (pool.closed) {
                return -1;
            }
            for (Target t : targets) {
                HostPool hp = pool.existingHostLocked(t.key);
                int conns = hp == null ? 0 : hp.conns;
                int missing = t.minIdle - conns;
                if (missing <= 0) {
                    continue;
                }
                if (t.backingOff && now - t.retryAtNanos < 0) {
                    next = next < 0 ? t.retryAtNanos - now : Math.min(next, t.retryAtNanos - now);
                    continue;
                }
                t.backingOff = false;
                hp = pool.hostLocked(t.key);
                int max = hp.limits.maxConnsPerHost;
                if (max > 0) {
                    missing = Math.min(missing, max - hp.conns);
                }
                if (t.failures > 0) {
                    missing = Math.min(missing, 1); // after a failure, one dial tries; the rest follow its success
                }
                for (int i = 0; i < missing; i++) {
                    WantConn w = new WantConn(hp, ClientTrace.NONE, t);
                    hp.conns++;
                    hp.dialsInProgress.add(w);
                    a = PoolActions.dial(a, w);
                }
            }
        } finally {
            pool.lock.unlock();
        }
        pool.run(a);
        return next;
    }

    /** A warm dial for {@code t} ended: success resets its backoff, failure doubles it (from 100 ms to 30 s). */
    static PoolActions dialEndedLocked(Target t, boolean ok, long now, PoolActions a) {
        if (ok) {
            boolean recovered = t.failures > 0;
            t.failures = 0;
            t.backingOff = false;
            return recovered ? PoolActions.refill(a) : a; // dial the rest now
        }
        if (t.backingOff && now - t.retryAtNanos < 0) {
            return PoolActions.refill(a); // a dial of the same round failed already: one doubling per round
        }
        long backoff = Math.min(MAX_BACKOFF_NANOS, FIRST_BACKOFF_NANOS << Math.min(t.failures, 20));
        t.failures++;
        t.backingOff = true;
        t.retryAtNanos = now + backoff;
        return PoolActions.refill(a);
    }

    /**
     * The idle connection {@code maxIdleConns} should close: the least recently used one whose key keeps more than
     * its {@code minIdle} (closing a warm key's last ones would only start a refill that evicts another).
     */
    static PooledConnection oldestEvictableLocked(IdleLru lru) {
        PooledConnection pc = lru.oldest(c -> c.host.conns > c.host.limits.minIdle);
        return pc != null ? pc : lru.oldest();
    }
}
