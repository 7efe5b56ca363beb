package dev.httppool.internal.http2;

import static dev.httppool.internal.http2.Http2Frames.*;

import dev.httppool.CloseReason;
import dev.httppool.Ticker;
import dev.httppool.TransportConfig;
import dev.httppool.internal.exchange.ExchangeCodec;
import dev.httppool.internal.exchange.MultiplexedConnection;
import dev.httppool.internal.exchange.UnprocessedRequestException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLSocket;

/**
 * One HTTP/2 connection (RFC 9113) over TLS, carrying many exchanges at once, each on its own {@link Http2Stream}.
 * One reader thread per connection ({@link Http2Reader}) reads every frame and sorts it into its stream; callers'
 * threads write their own HEADERS and DATA under the write lock. Frames the reader must answer (SETTINGS ack, PING
 * ack, WINDOW_UPDATE, RST_STREAM) go through a queue that whoever holds the write lock drains, so the reader never
 * waits for a writer that waits for the peer.
 *
 * <p>Flow control both ways: we give each stream {@link #STREAM_WINDOW} and the connection
 * {@link #CONNECTION_WINDOW}, so one stream can fill a fast pipe, and give the window back as the caller reads, so
 * what a stream buffers stays bounded by its window; DATA we send waits for the peer's windows.
 *
 * <p>Lock order: {@code output.lock} before {@link #lock}; nothing blocks on I/O under {@link #lock}.
 */
public final class Http2Connection implements MultiplexedConnection {

    /** The receive window of each stream: what it may buffer unread (Go's transport gives 4 MiB). */
    static final int STREAM_WINDOW = 4 << 20;
    /** The receive window of the connection, shared by its streams: what it may buffer unread in all. */
    static final int CONNECTION_WINDOW = 16 << 20;
    /** Our SETTINGS_MAX_FRAME_SIZE: the RFC's default. */
    static final int MAX_FRAME_SIZE = DEFAULT_MAX_FRAME_SIZE;
    /**
     * How long {@link #open} waits for the server's first SETTINGS (it carries its stream limit) when neither
     * {@code tlsHandshakeTimeout} nor {@code dialTimeout} is set: the settings' own default.
     */
    static final long SETTINGS_WAIT_MILLIS = 10_000;

    final ReentrantLock lock = new ReentrantLock();
    /** Signalled when a send window grows or the connection ends: writers waiting for a window look again. */
    final Condition windowed = lock.newCondition();
    /** The write side: the frame writer behind its lock ({@code output.lock}), and the reader's queue. */
    final Http2Output output;
    final Ticker ticker;
    final TransportConfig config;
    /** Ends the connection when a health PING's timeout passes, whatever the reads do meanwhile; null: none. */
    final ScheduledExecutorService timer;
    /** Runs what a thread must do for the connection briefly: a health PING, writing what others queued. */
    final Executor writers;

    private final SocketChannel channel;
    private final SSLSocket ssl;
    final InputStream in;
    /** What the streams' callers send: HEADERS in stream-id order, DATA within the windows, window updates. */
    final Http2StreamWrites writes;
    /** Used by the reader thread only. */
    private final HpackDecoder decoder;
    private final String localAddress;
    private final String remoteAddress;
    final CountDownLatch settingsReceived = new CountDownLatch(1);

    // Guarded by lock
    final Map<Integer, Http2Stream> streams = new HashMap<>();
    // Guarded by lock: the peer's windows and settings.
    long sendWindow = DEFAULT_INITIAL_WINDOW_SIZE;
    int peerInitialWindow = DEFAULT_INITIAL_WINDOW_SIZE;
    volatile int peerMaxConcurrentStreams = 100;
    // Guarded by lock: bytes the callers read and we have not given back to the connection window yet.
    long connUnacked;
    // Guarded by lock: flow-controlled bytes received and not yet given back to the connection window (buffered,
    // read or unacked): the server may never make this exceed CONNECTION_WINDOW.
    long connReceived;
    // Guarded by lock: the GOAWAY's last stream id once one arrived, else -1.
    int goAwayLastStreamId = -1;
    /** Why no new stream may start, once one of GOAWAY, a ping timeout or the end of the connection happened. */
    volatile CloseReason endReason;
    private volatile boolean closed;
    /** Why the connection ended: the first failure given to {@link #fail}; null while it is open. */
    private volatile IOException endCause;
    private final Http2Closing closing;
    private volatile Runnable listener;

    private Http2Connection(SocketChannel channel, SSLSocket ssl, TransportConfig config, Ticker ticker,
            Executor writers, ScheduledExecutorService timer) throws IOException {
        this.timer = timer;
        this.writers = writers;
        this.channel = channel;
        this.ssl = ssl;
        this.config = config;
        this.ticker = ticker;
        this.in = ssl.getInputStream();
        this.writes = new Http2StreamWrites(this);
        this.output = new Http2Output(ssl.getOutputStream(), new Http2Output.Heads() {
            @Override
            public boolean isEmpty() {
                return !writes.headsQueued();
            }

            @Override
            public void writeQueuedLocked() throws IOException {
                writes.writeQueuedHeadsLocked();
            }

            @Override
            public void writeFailedLocked() {
                refuseNewStreams();
            }

            @Override
            public void handOff() {
                try {
                    writers.execute(() -> {
                        output.lock.lock();
                        unlockWrite();
                    });
                } catch (RejectedExecutionException e) {
                    // the transport is closing: its connections close, and end() fails what is queued
                }
            }
        });
        this.closing = new Http2Closing(channel, ssl, output, ticker, timer);
        // One limit with the HTTP/1.1 parser: max-response-header-bytes, as name + value + 32 per field (the stream
        // checks each head against what interim heads left of it).
        this.decoder = new HpackDecoder(DEFAULT_HEADER_TABLE_SIZE, config.maxResponseHeaderBytes());
        this.localAddress = format(channel.socket().getLocalSocketAddress());
        this.remoteAddress = format(channel.socket().getRemoteSocketAddress());
    }

    /**
     * Starts HTTP/2 on a TLS connection whose ALPN chose {@code h2}: sends the preface, our SETTINGS and the
     * connection window, starts the reader on {@code readers} and waits (bounded) for the server's SETTINGS.
     */
    public static Http2Connection open(SocketChannel channel, SSLSocket ssl, TransportConfig config, Ticker ticker,
            Executor readers, ScheduledExecutorService timer) throws IOException {
        Http2Connection c = new Http2Connection(channel, ssl, config, ticker, readers, timer);
        c.output.lock.lock();
        try {
            c.output.writer.writePreface();
            c.output.writer.writeSettings(List.of(new Setting(SETTINGS_ENABLE_PUSH, 0),
                    new Setting(SETTINGS_INITIAL_WINDOW_SIZE, STREAM_WINDOW),
                    new Setting(SETTINGS_MAX_HEADER_LIST_SIZE, Math.min(0xffff_ffffL, config.maxResponseHeaderBytes()))));
            c.output.writer.writeWindowUpdate(0, CONNECTION_WINDOW - DEFAULT_INITIAL_WINDOW_SIZE);
            c.output.writer.flush();
        } finally {
            c.output.lock.unlock();
        }
        Http2Reader reader = new Http2Reader(c);
        readers.execute(reader);
        long waitMillis = settingsWaitMillis(config);
        try {
            boolean settled = c.settingsReceived.await(waitMillis, TimeUnit.MILLISECONDS);
            if (c.closed) {
                // The reader ended it (a server error, a flood) and closes the socket itself once its GOAWAY had
                // time to reach the server (Http2Closing.lingerThenClose): the dial fails then, as the dialer's close of a
                // socket still open would reset the connection and could destroy that GOAWAY.
                c.closing.awaitClosed(Http2Closing.LINGER_LIMIT_MILLIS + 1_000); // the linger's guard bounds it
                throw new IOException("HTTP/2 connection to " + c.remoteAddress + " ended before its first request",
                        c.endCause);
            }
            if (!settled) {
                c.close();
                throw new IOException("HTTP/2 server sent no SETTINGS within " + waitMillis + " ms of the TLS"
                        + " handshake (" + c.remoteAddress + ")");
            }
        } catch (InterruptedException e) {
            c.close();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for the HTTP/2 server's SETTINGS");
        }
        return c;
    }

    /**
     * The server's SETTINGS are the first frame it owes after the handshake, so they are part of setting the
     * connection up: awaited for {@code tlsHandshakeTimeout} after it, or {@code dialTimeout} when that is unset.
     */
    static long settingsWaitMillis(TransportConfig config) {
        long tls = config.tlsHandshakeTimeout().toMillis();
        long dial = config.dialTimeout().toMillis();
        return tls > 0 ? tls : dial > 0 ? dial : SETTINGS_WAIT_MILLIS;
    }

    @Override
    public ExchangeCodec newCodec() throws IOException {
        if (!takesNewStreams()) {
            throw new UnprocessedRequestException("HTTP/2 connection to " + remoteAddress + " takes no new streams ("
                    + (endReason != null ? endReason.tag() : "closed") + ")");
        }
        return new Http2Stream(this);
    }

    /** The failure of a stream that never went out: its request is retried on another connection. */
    UnprocessedRequestException refused() {
        return new UnprocessedRequestException("HTTP/2 connection to " + remoteAddress + " takes no new streams ("
                + (endReason != null ? endReason.tag() : "closed") + ")");
    }

    /**
     * Adds {@code n} bytes to what goes back to the connection window and returns the WINDOW_UPDATE increment to
     * send now (once half the window is due), or 0. The caller holds {@link #lock}.
     */
    int creditConnectionLocked(long n) {
        connUnacked += n;
        if (connUnacked < CONNECTION_WINDOW / 2) {
            return 0;
        }
        int update = (int) connUnacked;
        connUnacked = 0;
        connReceived -= update;
        return update;
    }

    /** Queues a frame the reader or a stream's end must send, and sends it now unless a writer holds the lock. */
    void sendControl(int type, int streamId, long value) {
        IOException e;
        try {
            e = output.send(type, streamId, value);
        } catch (RuntimeException | Error bug) {
            fail(new IOException("HTTP/2 writer failed: " + bug, bug), CloseReason.BROKEN);
            throw bug;
        }
        if (e != null) {
            fail(e, CloseReason.BROKEN);
        }
    }

    /** Releases the write lock after sending what was queued meanwhile. */
    void unlockWrite() {
        IOException e;
        try {
            e = output.unlock();
        } catch (RuntimeException | Error bug) {
            // a stream may be registered and half encoded: the connection cannot go on
            fail(new IOException("HTTP/2 writer failed: " + bug, bug), CloseReason.BROKEN);
            throw bug;
        }
        if (e != null) {
            fail(e, CloseReason.BROKEN);
        }
    }

    /**
     * No new stream starts from now on (a write failed, or our GOAWAY is about to go out): HEADERS still queued are
     * refused, so their requests are retried elsewhere, instead of being written to a broken socket.
     */
    private void refuseNewStreams() {
        lock.lock();
        try {
            if (endReason == null) {
                endReason = CloseReason.BROKEN;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Decodes a complete header block of the server's into names and values, alternating (the reader's thread). */
    List<String> decode(int streamId, byte[] block, int len) throws IOException {
        List<String> fields = new ArrayList<>(32);
        decoder.decode(streamId, block, 0, len, (name, value) -> {
            fields.add(name);
            fields.add(value);
        });
        return fields;
    }

    /**
     * Ends the connection: every open stream fails with {@code e} (or, for a GOAWAY, with an unprocessed-request
     * error), writers waiting for a window wake, and the socket closes.
     */
    void fail(IOException e, CloseReason reason) {
        end(e, reason, false);
    }

    /**
     * Ends the connection with a GOAWAY for the server's connection error: streams fail at once, then the socket
     * lingers so that the server reads the GOAWAY before it closes ({@link Http2Closing#lingerThenClose}), all
     * within {@link Http2Closing#LINGER_LIMIT_MILLIS}. Runs on the reader thread, never a caller's.
     */
    void failAfterGoAway(Http2Exception e) {
        ScheduledFuture<?> guard = closing.abortIn(Http2Closing.LINGER_LIMIT_MILLIS);
        try {
            refuseNewStreams(); // the GOAWAY's write must not open the queued streams first
            sendControl(TYPE_GOAWAY, 0, e.errorCode()); // a write that may block: under the guard already
            end(e, CloseReason.BROKEN, true);
        } finally {
            if (guard != null) {
                guard.cancel(false);
            }
        }
    }

    private void end(IOException e, CloseReason reason, boolean linger) {
        List<Http2Stream> failed;
        lock.lock();
        try {
            if (endReason == null) {
                endReason = reason; // a GOAWAY stays the reason when the server then closes
            }
            if (!closed) {
                endCause = e;
            }
            closed = true;
            failed = new ArrayList<>(streams.values());
            streams.clear();
            for (Http2Stream s : failed) {
                if (s.failure == null && !s.remoteEnded) { // a stream the server ended keeps what it sent
                    s.failure = e;
                }
                s.readable.signalAll();
            }
            writes.refuseQueuedLocked(); // never sent: retried elsewhere
            windowed.signalAll();
        } finally {
            lock.unlock();
        }
        settingsReceived.countDown();
        changed(); // before the close: the pool and the waiters learn of it even if closing takes a while
        if (linger) {
            closing.lingerThenClose();
        } else {
            closing.close();
        }
    }

    /** Tells the pool that capacity or health changed. */
    void changed() {
        Runnable l = listener;
        if (l != null) {
            l.run();
        }
    }

    @Override
    public int maxConcurrentStreams() {
        return peerMaxConcurrentStreams;
    }

    @Override
    public boolean takesNewStreams() {
        return endReason == null && !closed && writes.idsLeft();
    }

    @Override
    public CloseReason endReason() {
        return endReason != null ? endReason : closed ? CloseReason.BROKEN : null;
    }

    @Override
    public int openStreams() {
        lock.lock();
        try {
            return streams.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void onChange(Runnable listener) {
        this.listener = listener;
    }

    @Override
    public boolean isDeadWhileIdle() {
        return !takesNewStreams();
    }

    @Override
    public boolean isOutOfStep() {
        return closed;
    }

    /** Sends GOAWAY (best effort, without waiting for a writer) and closes; streams still open fail. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (output.lock.tryLock()) {
            ScheduledFuture<?> guard = closing.abortIn(Http2Closing.LINGER_MILLIS); // a server that does not read
            try {
                output.writer.writeGoAway(0, NO_ERROR, new byte[0]);
                output.writer.flush();
            } catch (IOException | RuntimeException ignored) {
                // closing anyway
            } finally {
                output.lock.unlock();
                if (guard != null) {
                    guard.cancel(false);
                }
            }
        }
        fail(new IOException("HTTP/2 connection to " + remoteAddress + " closed"), CloseReason.BROKEN);
    }

    /** Closes the TCP channel only, without blocking: whoever reads or writes the connection then fails. */
    void abortChannel() {
        closing.abort();
    }

    boolean isClosed() {
        return closed;
    }

    Socket socket() {
        return ssl;
    }

    @Override
    public String localAddress() {
        return localAddress;
    }

    @Override
    public String remoteAddress() {
        return remoteAddress;
    }

    @Override
    public String protocol() {
        return "h2";
    }

    @Override
    public String toString() {
        return "h2 " + localAddress + "->" + remoteAddress;
    }

    private static String format(SocketAddress address) {
        if (address instanceof InetSocketAddress) {
            InetSocketAddress a = (InetSocketAddress) address;
            String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
        }
        return String.valueOf(address);
    }
}
