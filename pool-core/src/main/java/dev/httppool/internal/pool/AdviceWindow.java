package dev.httppool.internal.pool;

import dev.httppool.RejectReason;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * One key's events over a sliding window of {@link #BUCKETS} one-minute buckets (the current minute and the four
 * before it), for the {@link Advisor}: per rule a count, the peak of connections in use at churn closes, the
 * shortest idle time at which the server closed a connection, and when each rule last logged a WARN. Every
 * method is O(1) and allocation-free; guarded by the pool's lock.
 */
final class AdviceWindow {

    static final long BUCKET_NANOS = TimeUnit.MINUTES.toNanos(1);
    static final int BUCKETS = 5;
    static final long WINDOW_NANOS = BUCKETS * BUCKET_NANOS;
    private static final int RULES = Advisor.Rule.values().length;

    // Per rule, BUCKETS counts; bucket i holds minute (bucket - i) before the current one, as a ring.
    // The limits of the key's last event (its hosts entry's, or the global ones): the advice quotes these.
    ConnLimits limits;
    private final long[] counts = new long[RULES * BUCKETS];
    private final int[] peakInUse = new int[BUCKETS];
    private final long[] minServerIdle = new long[BUCKETS];
    private final long[] lastWarned = new long[RULES];
    private final boolean[] warnedOnce = new boolean[RULES];
    // The number of the current bucket (floor(now / BUCKET_NANOS)).
    private long bucket;
    private int idleCap;
    private long maxWaiting;
    private long waitTimeouts;

    AdviceWindow(long now) {
        this.bucket = Math.floorDiv(now, BUCKET_NANOS);
        Arrays.fill(minServerIdle, Long.MAX_VALUE);
    }

    void add(Advisor.Rule rule, long now) {
        roll(now);
        counts[rule.ordinal() * BUCKETS + slot(bucket)]++;
    }

    long count(Advisor.Rule rule, long now) {
        roll(now);
        long n = 0;
        for (int i = 0; i < BUCKETS; i++) {
            n += counts[rule.ordinal() * BUCKETS + i];
        }
        return n;
    }

    void peakInUse(int inUse, int cap, long now) {
        roll(now);
        int s = slot(bucket);
        peakInUse[s] = Math.max(peakInUse[s], inUse);
        idleCap = cap;
    }

    int peakInUse(long now) {
        roll(now);
        int peak = 0;
        for (int p : peakInUse) {
            peak = Math.max(peak, p);
        }
        return peak;
    }

    /** The idle cap in force at the last churn close. */
    int idleCap() {
        return idleCap;
    }

    void serverIdle(long idleNanos, long now) {
        roll(now);
        int s = slot(bucket);
        minServerIdle[s] = Math.min(minServerIdle[s], Math.max(0, idleNanos));
    }

    long minServerIdle(long now) {
        roll(now);
        long min = Long.MAX_VALUE;
        for (long m : minServerIdle) {
            min = Math.min(min, m);
        }
        return min;
    }

    /** Counts a rejection by reason (the totals since the key's first event, named in the advice's reason). */
    void rejected(RejectReason reason) {
        if (reason == RejectReason.MAX_WAITING) {
            maxWaiting++;
        } else {
            waitTimeouts++;
        }
    }

    long maxWaiting() {
        return maxWaiting;
    }

    long waitTimeouts() {
        return waitTimeouts;
    }

    boolean mayWarn(Advisor.Rule rule, long now, long quietNanos) {
        return !warnedOnce[rule.ordinal()] || now - lastWarned[rule.ordinal()] >= quietNanos;
    }

    void warned(Advisor.Rule rule, long now) {
        warnedOnce[rule.ordinal()] = true;
        lastWarned[rule.ordinal()] = now;
    }

    /** Nothing counted in the window and no WARN within {@code quietNanos}. */
    boolean forgettable(long now, long quietNanos) {
        roll(now);
        for (long c : counts) {
            if (c != 0) {
                return false;
            }
        }
        for (Advisor.Rule rule : Advisor.Rule.values()) {
            if (!mayWarn(rule, now, quietNanos)) {
                return false;
            }
        }
        return true;
    }

    /** Moves the window on to {@code now}: buckets that fell out of it are emptied. */
    private void roll(long now) {
        long b = Math.floorDiv(now, BUCKET_NANOS);
        if (b <= bucket) {
            return;
        }
        long steps = Math.min(b - bucket, BUCKETS);
        for (long i = 1; i <= steps; i++) {
            int s = slot(bucket + i);
            for (int r = 0; r < RULES; r++) {
                counts[r * BUCKETS + s] = 0;
            }
            peakInUse[s] = 0;
            minServerIdle[s] = Long.MAX_VALUE;
        }
        bucket = b;
    }

    private static int slot(long bucket) {
        return (int) Math.floorMod(bucket, (long) BUCKETS);
    }
}
