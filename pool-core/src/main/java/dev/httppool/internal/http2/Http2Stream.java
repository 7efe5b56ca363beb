package dev.httppool.internal.http2;

import dev.httppool.Headers;
import dev.httppool.internal.exchange.ExchangeCodec;
import dev.httppool.internal.exchange.FramedBody;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ProtocolException;
import java.net.SocketTimeoutException;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;

/**
 * One HTTP/2 stream as the codec of one exchange: the request head becomes HEADERS (pseudo-headers first, the
 * HTTP/1.1 connection-specific fields left out), the body DATA within the flow-control windows, the response heads
 * and body come from the frames the connection's reader sorted into this stream. Its receive buffer holds at most
 * the stream window the connection gave it ({@link Http2Connection#STREAM_WINDOW}); the window is given back as the
 * caller reads. {@link #exchangeEnded()} resets the stream unless both sides ended it, leaving the connection usable.
 *
 * <p>Fields marked so are guarded by the connection's lock; the reader thread fills them, the exchange's thread
 * drains them.
 */
final class Http2Stream implements ExchangeCodec {

    /** HTTP/1.1 fields that have no meaning in HTTP/2 (RFC 9113 §8.2.2); Host becomes :authority. */
    private static final Set<String> CONNECTION_SPECIFIC = Set.of("connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "upgrade", "host");

    private final Http2Connection conn;
    /** Signalled by the reader when a head, data, the end or a reset arrives; guarded by the connection's lock. */
    final Condition readable;

    // Set once when HEADERS go out (under the connection's write lock), then read-only.
    volatile int id;
    private boolean headRequest;
    private boolean localEnded;
    private boolean headersSent;
    /** Set when HEADERS without a body are queued for the connection's writer, which sends and flushes them. */
    private boolean queued;
    /** The queued HEADERS' fields (names and values alternating) and their count; read by the writer. */
    String[] queuedFields;
    int queuedCount;

    // Guarded by conn.lock: what the peer lets us send on this stream.
    long sendWindow;
    // Guarded by conn.lock: response heads decoded, not yet read.
    final ArrayDeque<Head> heads = new ArrayDeque<>(2);
    // Guarded by conn.lock: DATA received and not yet read, oldest first, and its byte count.
    final ArrayDeque<byte[]> data = new ArrayDeque<>();
    int dataOffset;
    long buffered;
    // Guarded by conn.lock: bytes read by the caller and not yet given back with WINDOW_UPDATE.
    long unacked;
    // Guarded by conn.lock
    boolean remoteEnded;
    // Guarded by conn.lock: why the stream failed (reset, GOAWAY, the connection ended), or null.
    IOException failure;
    // Guarded by conn.lock: removed from the connection's streams (ended or reset).
    boolean done;
    // Guarded by conn.lock: the trailers (a header block with END_STREAM after the final head), or null.
    Headers trailers;
    // Guarded by conn.lock: the final (non-1xx) head has arrived.
    boolean finalHeadSeen;

    private int readTimeoutMillis;
    private long deadlineNanos;
    private String deadlineMessage;
    private long consumed;

    Http2Stream(Http2Connection conn) {
        this.conn = conn;
        this.readable = conn.lock.newCondition();
    }

    @Override
    public void writeRequestHead(String method, String target, Headers headers) throws IOException {
        headRequest = method.equals("HEAD");
        String authority = headers.first("Host");
        boolean body = headers.contains("Transfer-Encoding")
                || headers.contains("Content-Length") && !"0".equals(headers.first("Content-Length"));
        String[] fields = new String[2 * (headers.size() + 4)];
        int n = 0;
        fields[n++] = ":method";
        fields[n++] = method;
        fields[n++] = ":scheme";
        fields[n++] = "https";
        fields[n++] = ":authority";
        fields[n++] = authority == null ? "" : authority;
        fields[n++] = ":path";
        fields[n++] = target;
        for (int i = 0; i < headers.size(); i++) {
            String name = headers.name(i).toLowerCase(Locale.ROOT);
            String value = headers.value(i);
            if (CONNECTION_SPECIFIC.contains(name) || name.equals("te") && !value.equalsIgnoreCase("trailers")) {
                continue;
            }
            fields[n++] = name;
            fields[n++] = value;
        }
        localEnded = !body;
        conn.writes.openStream(this, fields, n, localEnded);
        headersSent = true;
    }

    @Override
    public OutputStream requestBody(long contentLength) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (len > 0) {
                    conn.writes.writeData(Http2Stream.this, b, off, len, false);
                }
            }
        };
    }

    @Override
    public void finishRequestBody() throws IOException {
        if (!localEnded) {
            localEnded = true;
            conn.writes.writeData(this, new byte[0], 0, 0, true);
        }
        if (!queued) {
            conn.writes.flush();
        }
    }

    @Override
    public void flushRequest() throws IOException {
        if (!queued) { // the writer of queued HEADERS flushes them
            conn.writes.flush();
        }
    }

    /** Queues this stream's HEADERS (no body) for the writer, before {@link Http2StreamWrites} queues it. */
    void queueHead(String[] fields, int n) {
        queuedFields = fields;
        queuedCount = n;
        queued = true;
    }

    @Override
    public boolean nothingWritten() {
        return !headersSent;
    }

    @Override
    public void setReadLimits(int readTimeoutMillis, long deadlineNanos, String deadlineMessage) {
        this.readTimeoutMillis = readTimeoutMillis;
        this.deadlineNanos = deadlineNanos;
        this.deadlineMessage = deadlineMessage;
    }

    @Override
    public boolean awaitResponse() throws IOException {
        conn.lock.lock();
        try {
            awaitLocked(() -> !heads.isEmpty());
            return true;
        } catch (EOFException e) {
            return false;
        } finally {
            conn.lock.unlock();
        }
    }

    @Override
    public Head readResponseHead(long maxHeaderBytes) throws IOException {
        Head head;
        conn.lock.lock();
        try {
            awaitLocked(() -> !heads.isEmpty());
            head = heads.pollFirst();
        } catch (EOFException e) {
            throw new EOFException("server ended HTTP/2 stream " + id + " before a response");
        } finally {
            conn.lock.unlock();
        }
        if (head.headerBytes() > maxHeaderBytes) {
            throw new ProtocolException("server response headers exceeded " + maxHeaderBytes + " bytes; aborted");
        }
        return head;
    }

    @Override
    public FramedBody openResponseBody(Head head, long maxTrailerBytes) {
        int status = head.status();
        if (headRequest || status == 204 || status == 304) {
            String length = headRequest ? head.headers().first("Content-Length") : null;
            return FramedBody.empty(length != null && length.chars().allMatch(Character::isDigit)
                    && !length.isEmpty() && length.length() < 19 ? Long.parseLong(length) : -1);
        }
        String length = head.headers().first("Content-Length");
        long declared = length != null && !length.isEmpty() && length.length() < 19
                && length.chars().allMatch(Character::isDigit) ? Long.parseLong(length) : -1;
        return new Body(declared);
    }

    @Override
    public boolean hasUnsolicitedInput() {
        return false;
    }

    @Override
    public void exchangeEnded() {
        conn.writes.endStream(this);
    }

    /** Waits within the read limits until {@code ready}; EOF when the stream ended first without it. */
    private void awaitLocked(java.util.function.BooleanSupplier ready) throws IOException {
        long sliceEnd = readTimeoutMillis > 0 ? conn.ticker.nanoTime()
                + TimeUnit.MILLISECONDS.toNanos(readTimeoutMillis) : 0;
        while (!ready.getAsBoolean()) {
            if (failure != null) {
                throw failure;
            }
            if (remoteEnded) {
                throw new EOFException("HTTP/2 stream " + id + " ended");
            }
            long now = conn.ticker.nanoTime();
            long wait = Long.MAX_VALUE;
            if (deadlineNanos != 0) {
                wait = deadlineNanos - now;
                if (wait <= 0) {
                    throw new SocketTimeoutException(deadlineMessage);
                }
            }
            if (sliceEnd != 0) {
                long left = sliceEnd - now;
                if (left <= 0) {
                    throw new SocketTimeoutException("read timed out after " + readTimeoutMillis + " ms");
                }
                wait = Math.min(wait, left);
            }
            try {
                if (wait == Long.MAX_VALUE) {
                    readable.await();
                } else {
                    readable.awaitNanos(wait);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted reading HTTP/2 stream " + id);
            }
        }
    }

    /** The response body: DATA of this stream, read from its buffer. */
    private final class Body extends FramedBody {
        private final long declared;

        Body(long declared) {
            this.declared = declared;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            int n;
            conn.lock.lock();
            try {
                try {
                    awaitLocked(() -> buffered > 0);
                } catch (EOFException e) {
                    if (declared >= 0 && consumed != declared) {
                        throw new EOFException("HTTP/2 stream " + id + " ended after " + consumed + " of "
                                + declared + " body bytes");
                    }
                    return -1;
                }
                n = takeLocked(b, off, len);
            } finally {
                conn.lock.unlock();
            }
            consumed += n;
            if (declared >= 0 && consumed > declared) {
                throw new ProtocolException("HTTP/2 stream " + id + " sent more than its Content-Length "
                        + declared);
            }
            conn.writes.consumed(Http2Stream.this, n);
            return n;
        }

        @Override
        public int available() {
            conn.lock.lock();
            try {
                return (int) Math.min(Integer.MAX_VALUE, buffered);
            } finally {
                conn.lock.unlock();
            }
        }

        @Override
        public boolean isComplete() {
            conn.lock.lock();
            try {
                return remoteEnded && buffered == 0 && failure == null;
            } finally {
                conn.lock.unlock();
            }
        }

        @Override
        public long remaining() {
            return declared < 0 ? -1 : Math.max(0, declared - consumed);
        }

        @Override
        public long contentLength() {
            return declared;
        }

        @Override
        public long wireBytesRead() {
            return consumed;
        }

        @Override
        public Headers trailers() {
            conn.lock.lock();
            try {
                return trailers != null ? trailers : Headers.empty();
            } finally {
                conn.lock.unlock();
            }
        }
    }

    private int takeLocked(byte[] b, int off, int len) {
        int n = 0;
        while (n < len && !data.isEmpty()) {
            byte[] chunk = data.peekFirst();
            int k = Math.min(len - n, chunk.length - dataOffset);
            System.arraycopy(chunk, dataOffset, b, off + n, k);
            n += k;
            dataOffset += k;
            if (dataOffset == chunk.length) {
                data.pollFirst();
                dataOffset = 0;
            }
        }
        buffered -= n;
        return n;
    }
}
