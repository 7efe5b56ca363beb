package dev.httppool.internal.http2;

import static dev.httppool.internal.http2.Http2Frames.TYPE_PING;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The health check of one {@link Http2Connection} (golang/go#39750): when no byte arrives for
 * {@code http2PingInterval} a PING goes out, and when no answer comes within {@code http2PingTimeout} the connection
 * ends ({@link dev.httppool.CloseReason#PING_TIMEOUT}). With the transport's timer (always, but in tests) the reader
 * waits without a socket timeout and the timer watches for the silence: a timed read on the JDK's socket channel
 * switches the socket to non-blocking and back (two {@code fcntl} calls per read), which was a tenth of the client's
 * CPU at C=64. Without a timer, the socket timeout does it ({@link #input}).
 *
 * <p>Its reads and its PING acks happen on the {@link Http2Reader}'s thread. With the timer, the timer's thread
 * decides when a health PING goes out (the write itself runs on the connection's writers), so it writes
 * {@code pingOutstanding}, {@code pingsSent} and {@code silenceCheck}; when a PING's deadline passes it sets
 * {@code pingExpired} and closes the TCP channel. Nothing it does blocks. Without the timer, the reader's thread
 * does all of it.
 */
final class Http2Health {

    /** The PING payload of our health checks. */
    static final long HEALTH_PING = 0x6874_7470_6f6f_6cL;

    private final Http2Connection c;
    /** The reader's deferred wake-ups: its callers are woken before this writes a PING or waits for the socket. */
    private final Wakeups wakeups;
    /** The timer watches for silence ({@link #checkSilence}); else the socket timeout does. */
    private final boolean timedPings;
    private final int pingIntervalMillis;
    private final long pingTimeoutNanos;
    /** When the last read returned bytes (the ticker's time); written by the reader, read by the timer. */
    private volatile long lastReadNanos;
    /** The timer's next look at the silence, cancelled when the reader ends. */
    private volatile ScheduledFuture<?> silenceCheck;
    // Set by whoever sends a health PING (the reader, or the timer when it watches the silence), cleared by the
    // reader at its ack; read by the timer that holds the PING's deadline.
    private volatile boolean pingOutstanding;
    /** When the reader sent the outstanding PING (socket-timeout mode only; the reader's thread). */
    private long pingSentNanos;
    /** Counts the health PINGs sent (by one thread per mode): the timer of one PING leaves a later one alone. */
    private volatile int pingsSent;
    /** Set by the timer when a PING's deadline passed, before it closes the channel. */
    private volatile PingTimeout pingExpired;

    Http2Health(Http2Connection c, Wakeups wakeups) {
        this.c = c;
        this.wakeups = wakeups;
        this.pingIntervalMillis = (int) Math.min(Integer.MAX_VALUE, c.config.http2PingInterval().toMillis());
        this.pingTimeoutNanos = c.config.http2PingTimeout().toNanos();
        this.timedPings = pingIntervalMillis > 0 && c.timer != null;
        this.lastReadNanos = c.ticker.nanoTime();
    }

    /** Starts watching (on the reader's thread, before its first read). */
    void start() throws IOException {
        c.socket().setSoTimeout(timedPings ? 0 : pingIntervalMillis);
        if (timedPings) {
            checkSilenceIn(c.config.http2PingInterval().toNanos());
        }
    }

    /** Stops the timer's looks at the silence (the reader ended). */
    void stop() {
        ScheduledFuture<?> check = silenceCheck;
        if (check != null) {
            check.cancel(false);
        }
    }

    /** The timeout that made the timer close the channel under a read, or null. */
    PingTimeout expired() {
        return pingExpired;
    }

    /** A PING ack arrived: if it answers our health PING, the check is satisfied. */
    void pingAcked(long payload) throws IOException {
        if (pingOutstanding && payload == HEALTH_PING) {
            pingOutstanding = false;
            if (!timedPings) {
                c.socket().setSoTimeout(pingIntervalMillis);
            }
        }
    }

    /** The connection's input as the reader reads it: with the health check, and the reader's wake-ups first. */
    InputStream input(InputStream in) {
        return new HealthCheckedInput(in);
    }

    private void checkSilenceIn(long nanos) {
        try {
            silenceCheck = c.timer.schedule(this::checkSilence, nanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // the transport is closing
        }
    }

    /**
     * On the timer: once nothing was read for the ping interval, sends a health PING (from another thread: the
     * write may block, the timer must not) and holds its deadline; then looks again an interval later. Never
     * blocks.
     */
    private void checkSilence() {
        if (c.isClosed()) {
            return;
        }
        long interval = c.config.http2PingInterval().toNanos();
        long silent = c.ticker.nanoTime() - lastReadNanos;
        if (silent < interval) {
            checkSilenceIn(interval - silent);
            return;
        }
        if (!pingOutstanding) {
            pingOutstanding = true;
            int ping = ++pingsSent; // only the timer writes it in this mode
            try {
                c.writers.execute(() -> { // the write may block; the timer must not
                    if (!c.isClosed()) { // a write to a closed connection would cut its linger short
                        c.sendControl(TYPE_PING, 0, HEALTH_PING);
                    }
                });
            } catch (RejectedExecutionException e) {
                return; // the transport is closing
            }
            holdPingDeadline(ping);
        }
        checkSilenceIn(interval);
    }

    /**
     * Ends the connection if health PING number {@code ping} is still unanswered when its timeout passes. The
     * socket timeout alone does not bound it over TLS: the JDK's TLS socket applies it per piece of a record, so a
     * server trickling bytes could keep the connection alive without ever answering.
     */
    private void holdPingDeadline(int ping) {
        if (c.timer == null) {
            return;
        }
        try {
            // The timer only closes the TCP channel, which cannot block (closing the TLS socket could wait for a
            // writer stuck on a peer that does not read); the reader's read then fails, and it ends the connection.
            c.timer.schedule(() -> {
                if (pingOutstanding && pingsSent == ping) { // closing twice does no harm
                    pingExpired = new PingTimeout("HTTP/2 PING to " + c.remoteAddress() + " not answered within "
                            + TimeUnit.NANOSECONDS.toMillis(pingTimeoutNanos) + " ms");
                    c.abortChannel();
                }
            }, pingTimeoutNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // the transport is closing, and its connections with it
        }
    }

    /** The connection ended because a health-check PING went unanswered. */
    static final class PingTimeout extends SocketTimeoutException {
        private static final long serialVersionUID = 1L;

        PingTimeout(String message) {
            super(message);
        }
    }

    /**
     * The socket's input, read with the ping interval as its timeout: a read that times out sends the health-check
     * PING (or, once one is out for the ping timeout, ends the connection) and reads on, so a frame is never cut.
     * Before a read that may wait, the reader's marked callers are woken.
     */
    private final class HealthCheckedInput extends InputStream {
        private final InputStream in;

        HealthCheckedInput(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (wakeups.pending() && in.available() < len) {
                wakeups.now();
            }
            for (;;) {
                try {
                    int n = in.read(b, off, len);
                    if (timedPings) {
                        lastReadNanos = c.ticker.nanoTime();
                    }
                    return n;
                } catch (SocketTimeoutException e) {
                    if (pingIntervalMillis == 0 || c.isClosed()) {
                        throw e;
                    }
                    long now = c.ticker.nanoTime();
                    if (!pingOutstanding) {
                        pingSentNanos = now;
                        int ping = ++pingsSent; // only the reader writes it in this mode
                        pingOutstanding = true;
                        wakeups.now(); // a write: the callers marked for a wake-up are woken first
                        c.sendControl(TYPE_PING, 0, HEALTH_PING);
                        holdPingDeadline(ping);
                        c.socket().setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(pingTimeoutNanos)));
                    } else if (now - pingSentNanos >= pingTimeoutNanos) {
                        throw new PingTimeout("HTTP/2 PING to " + c.remoteAddress() + " not answered within "
                                + TimeUnit.NANOSECONDS.toMillis(pingTimeoutNanos) + " ms");
                    }
                }
            }
        }
    }
}
