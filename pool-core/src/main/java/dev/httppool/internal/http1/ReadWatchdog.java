package dev.httppool.internal.http1;

import dev.httppool.Ticker;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Holds a read deadline over TLS as a whole. The JDK's {@code SSLSocket} applies the socket timeout to each piece
 * of a TLS record it assembles, so a server trickling the bytes of one record stretches a single read far past
 * any timeout; a deadline is therefore kept by a timer that closes the raw channel when it passes, which ends the
 * read (Go's way: a timer that closes the connection). Armed once per deadline, not per read; plain TCP needs
 * none, since its socket timeout bounds each read and the deadline is checked before each.
 *
 * <p>The timer closes the connection only while a read is under way: a deadline that passes while nobody reads
 * (the response was read in time and the connection went back to the pool) closes nothing, and the next read
 * under that deadline, which marks itself reading before it checks the deadline, fails by that check.
 */
final class ReadWatchdog {

    private final ScheduledExecutorService timer;
    private final SocketChannel channel;
    private final Ticker ticker;
    // Guarded by this: the deadline being watched (on the transport's ticker), 0 for none.
    private long armedFor;
    // Guarded by this
    private ScheduledFuture<?> task;
    // Guarded by this: the deadline passed and the channel was closed.
    private boolean fired;
    // Guarded by this: a read is under way.
    private boolean reading;

    /** @param ticker the transport's ticker, on which deadlines are given */
    ReadWatchdog(ScheduledExecutorService timer, SocketChannel channel, Ticker ticker) {
        this.timer = timer;
        this.channel = channel;
        this.ticker = ticker;
    }

    /** Closes the channel {@code leftNanos} from now, when that is {@code deadlineNanos}, unless disarmed first. */
    synchronized void arm(long deadlineNanos, long leftNanos) {
        if (armedFor == deadlineNanos || fired) {
            return;
        }
        cancelLocked();
        armedFor = deadlineNanos;
        scheduleLocked(deadlineNanos, leftNanos);
    }

    private void scheduleLocked(long deadlineNanos, long delayNanos) {
        try {
            task = timer.schedule(() -> fire(deadlineNanos), delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            task = null; // no timer: each read's socket timeout still applies
        }
    }

    /** The reads that follow have another deadline (or none): stop watching the old one. */
    synchronized void disarmUnless(long deadlineNanos) {
        if (armedFor != 0 && armedFor != deadlineNanos) {
            cancelLocked();
        }
    }

    /** A read starts: from now until {@link #readEnded()}, a deadline passing closes the connection. */
    synchronized void readStarting() {
        reading = true;
    }

    synchronized void readEnded() {
        reading = false;
    }

    /** Whether the watched deadline passed, closing the connection. */
    synchronized boolean fired() {
        return fired;
    }

    private void cancelLocked() {
        if (task != null) {
            task.cancel(false);
            task = null;
        }
        armedFor = 0;
    }

    private synchronized void fire(long deadlineNanos) {
        if (armedFor != deadlineNanos || fired || !reading) {
            return;
        }
        long left = deadlineNanos - ticker.nanoTime();
        if (left > 0) { // the transport's ticker says not yet (a ticker that is not the wall clock, in tests)
            scheduleLocked(deadlineNanos, Math.max(left, TimeUnit.MILLISECONDS.toNanos(1)));
            return;
        }
        fired = true;
        try {
            channel.close();
        } catch (IOException ignored) {
            // the read fails either way
        }
    }
}
