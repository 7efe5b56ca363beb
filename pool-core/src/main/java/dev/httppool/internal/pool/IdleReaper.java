package dev.httppool.internal.pool;

import dev.httppool.Ticker;

import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The pool's one background task while connections are idle: closes those past {@code idleConnTimeout}
 * ({@link ConnPool#closeExpiredIdle} says when the next one expires) and, every {@link #PROBE_INTERVAL_NANOS},
 * those the server closed ({@link ConnPool#closeDeadIdle}). It sleeps when nothing is idle and is woken by the
 * next connection that becomes idle.
 */
public final class IdleReaper {

    static final long PROBE_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(1000);

    private final Ticker ticker;
    private final ScheduledThreadPoolExecutor executor;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private volatile ConnPool pool;

    public IdleReaper(Ticker ticker) {
        this.ticker = ticker;
        this.executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "httppool-idle-reaper");
            t.setDaemon(true);
            return t;
        });
        this.executor.setRemoveOnCancelPolicy(true);
    }

    public void attach(ConnPool pool) {
        this.pool = pool;
    }

    /** A connection became idle: make sure a run is scheduled. Cheap when one already is. */
    public void wake() {
        if (!scheduled.get() && scheduled.compareAndSet(false, true)) {
            schedule(PROBE_INTERVAL_NANOS);
        }
    }

    private void schedule(long delayNanos) {
        try {
            executor.schedule(this::tick, delayNanos, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            scheduled.set(false); // shut down
        }
    }

    private void tick() {
        ConnPool p = pool;
        long next = PROBE_INTERVAL_NANOS;
        try {
            long now = ticker.nanoTime();
            long untilExpiry = p.closeExpiredIdle(now);
            p.closeDeadIdle(now);
            if (untilExpiry >= 0) {
                next = Math.min(next, Math.max(untilExpiry, TimeUnit.MILLISECONDS.toNanos(1)));
            }
        } catch (RuntimeException e) {
            // keep the reaper alive; the next run tries again
        }
        if (p.hasIdle()) {
            schedule(next);
            return;
        }
        scheduled.set(false);
        if (p.hasIdle() && scheduled.compareAndSet(false, true)) {
            schedule(next);
        }
    }

    public void shutdown() {
        executor.shutdownNow();
    }
}
