package dev.httppool.internal.pool;

import dev.httppool.Ticker;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs {@link IdleMaintenance} in the background while connections are idle or held by requests, when it asks to
 * be run again. It sleeps when there are none and is woken by the next connection that becomes idle or is
 * checked out.
 */
public final class IdleReaper {

    private final Ticker ticker;
    private final ScheduledThreadPoolExecutor executor;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private volatile IdleMaintenance maintenance;

    public IdleReaper(Ticker ticker) {
        this.ticker = ticker;
        this.executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "httppool-idle-reaper");
            t.setDaemon(true);
            return t;
        });
        this.executor.setRemoveOnCancelPolicy(true);
    }

    public void attach(IdleMaintenance maintenance) {
        this.maintenance = maintenance;
    }

    /** A connection became idle or was checked out: make sure a run is scheduled. Cheap when one already is. */
    public void wake() {
        if (!scheduled.get() && scheduled.compareAndSet(false, true)) {
            schedule(IdleMaintenance.PROBE_INTERVAL_NANOS);
        }
    }

    /** Runs {@code task} on this reaper's thread after {@code delayNanos} (nothing once shut down). */
    public void schedule(Runnable task, long delayNanos) {
        try {
            executor.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // shut down: the transport is closed
        }
    }

    private void schedule(long delayNanos) {
        try {
            executor.schedule(this::tick, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            scheduled.set(false); // shut down
        }
    }

    private void tick() {
        IdleMaintenance m = maintenance;
        long next = IdleMaintenance.PROBE_INTERVAL_NANOS;
        try {
            next = m.run(ticker.nanoTime());
        } catch (RuntimeException e) {
            // keep the reaper alive; the next run tries again
        }
        if (next >= 0) {
            schedule(next);
            return;
        }
        scheduled.set(false);
        // A connection may have become idle between the run and the flag: its wake() saw the flag still set.
        if (m.needsRun() && scheduled.compareAndSet(false, true)) {
            schedule(IdleMaintenance.PROBE_INTERVAL_NANOS);
        }
    }

    public void shutdown() {
        executor.shutdownNow();
    }
}
