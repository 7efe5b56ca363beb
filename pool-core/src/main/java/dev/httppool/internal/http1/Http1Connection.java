package dev.httppool.internal.http1;

import dev.httppool.Ticker;
import dev.httppool.internal.exchange.BulkReadInputStream;
import dev.httppool.internal.exchange.ExchangeCodec;
import dev.httppool.internal.exchange.WireConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ScheduledExecutorService;
import javax.net.ssl.SSLSocket;

/**
 * One HTTP/1.1 connection over a blocking {@link SocketChannel}, optionally with TLS layered on its socket.
 * Used by one request at a time; the pool guarantees that.
 *
 * <p>Reads go through a timeout-aware stream: each blocking read is bounded by the per-read timeout and by an
 * optional absolute deadline (for {@code responseHeaderTimeout}), so a server trickling bytes cannot stretch a
 * deadline. Writes are counted as they reach the socket, so a failed write with nothing written can be told
 * apart (Go's {@code nothingWrittenError}).
 */
public final class Http1Connection implements WireConnection {

    /**
     * How long a look through TLS at bytes that arrived while idle may wait: they are read as records, and a
     * post-handshake message (a TLS 1.3 session ticket) yields no data, so the read ends by this timeout.
     */
    static final int TLS_LOOK_MILLIS = 1;

    private final SocketChannel channel;
    /** The channel's own input, below TLS: asked how many bytes the kernel holds (one ioctl, nothing read). */
    private final InputStream rawIn;
    private final Socket ioSocket;
    private final SSLSocket ssl;
    private final TimedInput timedInput;
    private final WireInput in;
    private final CountingOutput counting;
    private final WireOutput out;
    private final String localAddress;
    private final String remoteAddress;
    /** The one codec, started afresh for each exchange. */
    private final Http1ExchangeCodec codec;
    private final ByteBuffer probe = ByteBuffer.allocate(1);
    private volatile boolean closed;

    /**
     * @param channel a connected channel in blocking mode
     * @param ssl the TLS socket layered over {@code channel.socket()} after its handshake, or null for plain TCP
     */
    public Http1Connection(SocketChannel channel, SSLSocket ssl, int readBufferSize, int writeBufferSize,
            Ticker ticker) throws IOException {
        this(channel, ssl, new BufferPool(readBufferSize, 0), new BufferPool(writeBufferSize, 0), ticker, null);
    }

    /**
     * @param readBuffers, writeBuffers where the read and the write buffer come from (at the first read and
     *     write, and again after {@link #trimWhileIdle()}); shared by a transport's connections
     * @param deadlineTimer closes the connection when a read deadline passes over TLS (see {@link ReadWatchdog});
     *     null for none
     */
    public Http1Connection(SocketChannel channel, SSLSocket ssl, BufferPool readBuffers, BufferPool writeBuffers,
            Ticker ticker, ScheduledExecutorService deadlineTimer) throws IOException {
        this.channel = channel;
        this.ssl = ssl;
        this.ioSocket = ssl != null ? ssl : channel.socket();
        this.rawIn = channel.socket().getInputStream();
        this.timedInput = new TimedInput(ioSocket, ioSocket.getInputStream(), ticker,
                ssl != null && deadlineTimer != null ? new ReadWatchdog(deadlineTimer, channel, ticker) : null);
        this.in = new WireInput(timedInput, readBuffers);
        this.counting = new CountingOutput(ioSocket.getOutputStream());
        this.out = new WireOutput(counting, writeBuffers);
        this.localAddress = format(channel.socket().getLocalSocketAddress());
        this.remoteAddress = format(channel.socket().getRemoteSocketAddress());
        this.codec = new Http1ExchangeCodec(this);
    }

    /** The codec of the next exchange: one at a time, as the pool lends the connection, so always the same one. */
    @Override
    public ExchangeCodec newCodec() {
        return codec.begin();
    }

    public WireInput in() {
        return in;
    }

    /** Buffered; flush after each request. */
    public OutputStream out() {
        return out;
    }

    /** Bytes that reached the socket since the connection opened. */
    public long bytesWritten() {
        return counting.count;
    }

    /**
     * Bounds the following reads: each blocking read waits at most {@code readTimeoutMillis} (0 for no limit),
     * and no read starts or waits past {@code deadlineNanos} on the ticker (0 for none), when it fails with a
     * {@link SocketTimeoutException} carrying {@code deadlineMessage}.
     */
    public void setReadLimits(int readTimeoutMillis, long deadlineNanos, String deadlineMessage) {
        if (timedInput.watchdog != null) {
            timedInput.watchdog.disarmUnless(deadlineNanos);
        }
        timedInput.readTimeoutMillis = readTimeoutMillis;
        timedInput.deadlineNanos = deadlineNanos;
        timedInput.deadlineMessage = deadlineMessage;
    }

    /**
     * Whether bytes were received that nobody has read yet: in the read buffer, or decrypted and held by TLS.
     * Asks the kernel nothing (no system call).
     */
    public boolean hasUnreadInput() {
        try {
            return in.buffered() > 0 || ssl != null && ssl.getInputStream().available() > 0;
        } catch (IOException e) {
            return true;
        }
    }

    /**
     * Lends the read and write buffers back to their pools, as an idle connection needs neither; a buffer still
     * holding bytes (received and unread, or unsent) is kept. The next exchange takes them again. Called only
     * while the connection is idle and nobody else uses it (by the pool's maintenance, after its probe).
     */
    @Override
    public void trimWhileIdle() {
        in.releaseBufferIfEmpty();
        out.releaseBufferIfEmpty();
    }

    /** The TLS session, or null for plain TCP. */
    public SSLSocket sslSocket() {
        return ssl;
    }

    /**
     * One system call (FIONREAD): whether the server sent anything since this connection's last exchange. Bytes
     * on the raw socket of a TLS connection are first read through TLS, so that post-handshake messages do not
     * count. A connection that has carried no exchange is never out of step (the idle probe judges it).
     */
    @Override
    public boolean isOutOfStep() {
        if (closed) {
            return true;
        }
        if (counting.count == 0) {
            return false;
        }
        try {
            return hasUnreadInput() || rawIn.available() > 0 && (ssl == null || tlsSpoke());
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }

    /**
     * The idle probe: a non-blocking one-byte read, which sees data, the end of the stream and a reset alike.
     * On TLS, bytes waiting below TLS are read through it first ({@link #tlsSpoke()}), so that the server's
     * session tickets, unread on a connection pooled before its first request, do not count as the server
     * speaking; the raw read only looks for the end of the stream when no byte waits.
     */
    @Override
    public boolean isDeadWhileIdle() {
        if (closed) {
            return true;
        }
        try {
            if (hasUnreadInput()) {
                return true;
            }
            if (ssl != null && rawIn.available() > 0) {
                // TLS reads what waits (data, the end of the stream, a reset, or session tickets it consumes). A raw
                // read now could take bytes TLS has yet to see: the rest of a record TLS stopped waiting for.
                return tlsSpoke();
            }
            probe.clear();
            int n;
            synchronized (channel.blockingLock()) {
                channel.configureBlocking(false);
                try {
                    n = channel.read(probe);
                } finally {
                    channel.configureBlocking(true);
                }
            }
            return n != 0;
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }

    /**
     * Lets TLS read the bytes waiting on the raw socket, within {@link #TLS_LOOK_MILLIS}: TLS consumes
     * post-handshake messages itself, so a read that times out saw nothing but those, and the connection is in
     * step. Whether application data or the end of the stream arrived instead (then the connection is dropped,
     * and what was read with it).
     */
    private boolean tlsSpoke() {
        try {
            timedInput.forgetTimeout();
            ssl.setSoTimeout(TLS_LOOK_MILLIS);
            return ssl.getInputStream().read(probe.array(), 0, 1) != 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            ioSocket.close();
        } catch (IOException | RuntimeException ignored) {
            // closing quietly: the connection is being discarded
        }
        try {
            channel.close();
        } catch (IOException | RuntimeException ignored) {
            // as above
        }
    }

    public boolean isClosed() {
        return closed;
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
        return "HTTP/1.1";
    }

    @Override
    public String toString() {
        return (ssl != null ? "https " : "http ") + localAddress + "->" + remoteAddress;
    }

    private static String format(SocketAddress address) {
        if (address instanceof InetSocketAddress) {
            InetSocketAddress a = (InetSocketAddress) address;
            String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
        }
        return String.valueOf(address);
    }

    /** The socket's input with a per-read timeout and an absolute deadline. */
    private static final class TimedInput extends BulkReadInputStream {
        private final Socket socket;
        private final InputStream in;
        private final Ticker ticker;
        /** Over TLS with a timer: keeps the deadline as a whole; null otherwise. */
        final ReadWatchdog watchdog;
        int readTimeoutMillis;
        long deadlineNanos;
        String deadlineMessage;
        private int appliedTimeout = -1;

        TimedInput(Socket socket, InputStream in, Ticker ticker, ReadWatchdog watchdog) {
            this.socket = socket;
            this.in = in;
            this.ticker = ticker;
            this.watchdog = watchdog;
        }

        /** The socket's timeout was changed behind this stream's back: set it again before the next read. */
        void forgetTimeout() {
            appliedTimeout = -1;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (watchdog == null) {
                return timedRead(b, off, len);
            }
            watchdog.readStarting(); // before the deadline check: see ReadWatchdog
            try {
                return timedRead(b, off, len);
            } catch (IOException e) {
                if (watchdog.fired()) {
                    SocketTimeoutException t = new SocketTimeoutException(deadlineMessage);
                    t.initCause(e); // what closing the connection at the deadline made the read throw
                    throw t;
                }
                throw e;
            } finally {
                watchdog.readEnded();
            }
        }

        private int timedRead(byte[] b, int off, int len) throws IOException {
            int timeout = readTimeoutMillis;
            if (deadlineNanos != 0) {
                long left = deadlineNanos - ticker.nanoTime();
                if (left <= 0) {
                    throw new SocketTimeoutException(deadlineMessage);
                }
                int leftMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000));
                timeout = timeout == 0 ? leftMillis : Math.min(timeout, leftMillis);
                if (watchdog != null) {
                    watchdog.arm(deadlineNanos, left);
                }
            }
            if (timeout != appliedTimeout) {
                socket.setSoTimeout(timeout);
                appliedTimeout = timeout;
            }
            try {
                return in.read(b, off, len);
            } catch (SocketTimeoutException e) {
                if (deadlineNanos != 0 && deadlineNanos - ticker.nanoTime() <= 0) {
                    throw new SocketTimeoutException(deadlineMessage);
                }
                throw new SocketTimeoutException("read timed out after " + timeout + " ms");
            }
        }

        @Override
        public int available() throws IOException {
            return in.available();
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** Counts bytes that the socket accepted. */
    private static final class CountingOutput extends OutputStream {
        private final OutputStream out;
        long count;

        CountingOutput(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
