package dev.httppool.internal.http1;

import dev.httppool.internal.exchange.FramedBody;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * A response body of a known length: reads exactly that many bytes of the underlying stream, then reports
 * end of stream. Closing it leaves the underlying stream open, for the connection's next response.
 */
public final class FixedLengthInputStream extends FramedBody {

    private final InputStream in;
    private final long length;
    private long remaining;
    private boolean closed;

    /**
     * @param in the connection's input, positioned at the start of the body
     * @param length the body's length in bytes
     */
    public FixedLengthInputStream(InputStream in, long length) {
        this.in = Objects.requireNonNull(in, "in");
        if (length < 0) {
            throw new IllegalArgumentException("length must not be negative, got " + length);
        }
        this.length = length;
        this.remaining = length;
    }

    @Override
    public int read() throws IOException {
        ensureOpen();
        if (remaining == 0) {
            return -1;
        }
        int b = in.read();
        if (b < 0) {
            throw truncated();
        }
        remaining--;
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        ensureOpen();
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        if (remaining == 0) {
            return -1;
        }
        int n = in.read(b, off, (int) Math.min(len, remaining));
        if (n < 0) {
            throw truncated();
        }
        remaining -= n;
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        ensureOpen();
        if (n <= 0 || remaining == 0) {
            return 0;
        }
        long k = in.skip(Math.min(n, remaining));
        if (k > 0) {
            remaining -= k;
            return k;
        }
        // skip may report 0 at end of stream: tell end of stream from a lazy skip with one read.
        if (in.read() < 0) {
            throw truncated();
        }
        remaining--;
        return 1;
    }

    /** At most {@link #remaining()}; 0 once closed. */
    @Override
    public int available() throws IOException {
        if (closed || remaining == 0) {
            return 0;
        }
        return (int) Math.min(in.available(), remaining);
    }

    /** Whether every byte of the body has been read. */
    @Override
    public boolean isComplete() {
        return remaining == 0;
    }

    /** The body bytes not read yet. */
    @Override
    public long remaining() {
        return remaining;
    }

    /** The body bytes read so far: a fixed-length body has no framing of its own. */
    @Override
    public long wireBytesRead() {
        return length - remaining;
    }

    /** The body's length. */
    @Override
    public long contentLength() {
        return length;
    }

    /** Marks this body closed; the underlying stream stays open and unread body bytes stay unread. */
    @Override
    public void close() {
        closed = true;
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("read on closed response body");
        }
    }

    private EOFException truncated() {
        return new EOFException("unexpected EOF: expected " + remaining + " more body bytes");
    }
}
