package dev.httppool.internal.http2;

import dev.httppool.Ticker;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;

/**
 * How an {@link Http2Connection}'s socket closes, never for longer than a server can be made to wait. Closing the
 * TLS socket waits for its record lock, which a writer stuck on a server that does not read holds, and its
 * close_notify is itself a write such a server can stall: so the TCP channel is closed first when a writer holds
 * the write lock, and otherwise by a timer if the TLS close takes longer than {@link #LINGER_MILLIS}.
 *
 * <p>After our GOAWAY for a server's connection error, the socket lingers ({@link #lingerThenClose}): closing on
 * unread frames would send a TCP reset, which can destroy the GOAWAY before the server reads it.
 */
final class Http2Closing {

    /** After our GOAWAY for a server's error, how long a read of what it still sends may wait before we close. */
    static final int LINGER_MILLIS = 1_000;
    /** After our GOAWAY for a server's error, the most of what it still sends that is read and dropped. */
    static final int LINGER_BYTES = 1 << 20;
    /** The longest a linger holds the socket: one wait for the write lock, one reading, and a read under way. */
    static final long LINGER_LIMIT_MILLIS = 3L * LINGER_MILLIS;

    private final SocketChannel channel;
    private final SSLSocket ssl;
    private final Http2Output output;
    private final Ticker ticker;
    /** The transport's deadline timer; null: none (then the channel is closed first, always). */
    private final ScheduledExecutorService timer;
    /** Counted down when the socket has been closed. */
    private final CountDownLatch closed = new CountDownLatch(1);

    Http2Closing(SocketChannel channel, SSLSocket ssl, Http2Output output, Ticker ticker,
            ScheduledExecutorService timer) {
        this.channel = channel;
        this.ssl = ssl;
        this.output = output;
        this.ticker = ticker;
        this.timer = timer;
    }

    /** Closes the TCP channel in {@code millis} unless the returned task is cancelled first; null without a timer. */
    ScheduledFuture<?> abortIn(long millis) {
        try {
            return timer == null ? null : timer.schedule(this::abort, millis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return null; // the transport is closing
        }
    }

    /** Closes the TCP channel only, without blocking: whoever reads or writes the connection then fails. */
    void abort() {
        try {
            channel.close();
        } catch (IOException | RuntimeException ignored) {
            // closing anyway
        }
    }

    /** Closes the socket, with a TLS close_notify when that cannot block for long (see above). */
    void close() {
        ScheduledFuture<?> guard = null;
        if (output.lock.tryLock()) {
            output.lock.unlock();
            guard = abortIn(LINGER_MILLIS);
        }
        if (guard == null) {
            abort();
        }
        try {
            ssl.close();
        } catch (IOException | RuntimeException ignored) {
            // closing quietly
        }
        abort();
        if (guard != null) {
            guard.cancel(false);
        }
        closed.countDown();
    }

    /** Waits, at most {@code millis}, for the socket to be closed. */
    void awaitClosed(long millis) throws InterruptedException {
        closed.await(millis, TimeUnit.MILLISECONDS);
    }

    /**
     * After the GOAWAY we queued for the server's connection error (the caller holds an {@link #abortIn} guard of
     * {@link #LINGER_LIMIT_MILLIS}): waits for a writer holding the write lock to send it, shuts our side, reads and
     * drops what the server still sends (at most {@link #LINGER_BYTES}, for at most {@link #LINGER_MILLIS}), then
     * closes. Runs on the reader thread, never a caller's.
     */
    void lingerThenClose() {
        try {
            // A writer holding the lock sends our queued GOAWAY when it lets go: wait for it (bounded). One still
            // writing after that is stuck on a server that does not read: the channel is closed under it.
            if (!output.lock.tryLock(LINGER_MILLIS, TimeUnit.MILLISECONDS)) {
                abort();
                close();
                return;
            }
            try {
                output.sendQueuedLocked();
                ssl.shutdownOutput(); // under the lock: no writer is inside the TLS socket
            } finally {
                output.lock.unlock();
            }
            // What follows is dropped unread, so it is read below TLS: the TCP socket's timeout bounds each read
            // (the TLS socket's applies per piece of a record, which a trickling server could stretch without end).
            Socket raw = channel.socket();
            raw.setSoTimeout(LINGER_MILLIS);
            InputStream rawIn = raw.getInputStream();
            long deadline = ticker.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LINGER_MILLIS);
            byte[] sink = new byte[8192];
            int dropped = 0;
            while (dropped < LINGER_BYTES && ticker.nanoTime() < deadline) {
                int n = rawIn.read(sink);
                if (n < 0) {
                    break;
                }
                dropped += n;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException ignored) {
            // the server went quiet or away: closing anyway
        }
        close();
    }
}
