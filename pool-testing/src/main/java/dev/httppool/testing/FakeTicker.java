package dev.httppool.testing;

import dev.httppool.Ticker;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Ticker} that moves only when a test moves it, so idle ages and timeouts are literal numbers instead of
 * sleeps. It starts at an arbitrary non-zero instant; until it is advanced every idle age is 0, so the pool never
 * probes an idle connection for liveness.
 */
public final class FakeTicker implements Ticker {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Override
    public long nanoTime() {
        return now.get();
    }

    /** Moves the clock forward by {@code millis} milliseconds. */
    public void advance(long millis) {
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    /** Moves the clock forward by {@code duration}. */
    public void advance(Duration duration) {
        now.addAndGet(duration.toNanos());
    }
}
