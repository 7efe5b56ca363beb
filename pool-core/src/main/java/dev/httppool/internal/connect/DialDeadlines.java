package dev.httppool.internal.connect;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Deadlines for the steps of a dial as a whole (the proxy's {@code CONNECT} exchange, the TLS handshake), not for
 * each read: when a deadline passes, a timer closes the dial's socket, which ends whatever read or write the step
 * is blocked in, however the peer trickles its bytes. This is Go's way (a timer that closes the raw connection).
 *
 * <p>One timer per transport: a single daemon thread, {@code httppool-dial-deadline}, that exists only while a
 * task is pending and ends when idle, so it needs no shutdown; a deadline that is cancelled leaves its queue at once.
 * HTTP/2 connections use it too (their PING deadlines, and the look at their silence that an open connection keeps
 * pending every {@code http2PingInterval}), so it lives as long as one is open. A dial in flight when its transport closes keeps its deadline.
 */
final class DialDeadlines {

    /** One step of a dial. */
    @FunctionalInterface
    interface Step {
        void run() throws IOException;
    }

    /** How long the timer's thread lingers after the last pending deadline is gone. */
    private static final long TIMER_KEEP_ALIVE_MILLIS = 2_000;

    private final ScheduledThreadPoolExecutor timer;

    DialDeadlines() {
        timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "httppool-dial-deadline");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        timer.setKeepAliveTime(TIMER_KEEP_ALIVE_MILLIS, TimeUnit.MILLISECONDS);
        timer.allowCoreThreadTimeOut(true);
    }

    /** The timer, also used by TLS connections to hold their read deadlines as a whole. */
    ScheduledExecutorService timer() {
        return timer;
    }

    /**
     * Runs {@code step} on {@code channel} within {@code limit} from now (zero: no limit). If the deadline passes
     * first, the channel is closed and the step fails with a {@link SocketTimeoutException} carrying
     * {@code timeoutMessage}, even if it seemed to succeed at the same moment. If the timer cannot take the
     * deadline, the channel is closed at once: a step that cannot be bounded does not run.
     */
    void run(SocketChannel channel, Duration limit, Supplier<String> timeoutMessage, Step step) throws IOException {
        if (limit.isZero()) {
            step.run();
            return;
        }
        Deadline deadline = new Deadline(channel);
        try {
            deadline.task = timer.schedule(deadline, limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            deadline.run();
        }
        try {
            step.run();
        } catch (IOException | RuntimeException e) {
            if (!deadline.cancel()) {
                throw timeout(timeoutMessage.get(), e);
            }
            throw e;
        }
        if (!deadline.cancel()) {
            throw timeout(timeoutMessage.get(), null);
        }
    }

    private static SocketTimeoutException timeout(String message, Throwable cause) {
        SocketTimeoutException t = new SocketTimeoutException(message);
        if (cause != null) {
            t.initCause(cause); // what the closed socket made the step throw
        }
        return t;
    }

    /** One pending deadline: fires (closing the channel) or is cancelled, whichever comes first. */
    private static final class Deadline implements Runnable {
        private static final int ARMED = 0;
        private static final int CANCELLED = 1;
        private static final int FIRED = 2;

        private final SocketChannel channel;
        private final AtomicInteger state = new AtomicInteger(ARMED);
        private volatile ScheduledFuture<?> task;

        Deadline(SocketChannel channel) {
            this.channel = channel;
        }

        /** The deadline passed: closing the channel unblocks the dialing thread's read or write. */
        @Override
        public void run() {
            if (state.compareAndSet(ARMED, FIRED)) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // the step fails either way
                }
            }
        }

        /** Stops the deadline; false when it had fired already (the channel is then closed). */
        boolean cancel() {
            if (state.compareAndSet(ARMED, CANCELLED)) {
                ScheduledFuture<?> t = task;
                if (t != null) {
                    t.cancel(false);
                }
                return true;
            }
            return state.get() == CANCELLED;
        }
    }
}
