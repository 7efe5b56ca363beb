package dev.httppool.internal.http1;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A buffered input stream over a connection's socket stream, with the line reading the HTTP/1.1 parsers
 * need. Bytes buffered but not yet consumed stay available to later reads, so one {@code WireInput} serves a
 * connection's whole life: response heads, bodies and the next response.
 *
 * <p>Not thread-safe: a connection's reads happen on one thread at a time.
 */
public final class WireInput extends InputStream {

    /** {@link #readLineBytes} result: end of stream before any byte of the line. */
    static final int EOF = -1;
    /** {@link #readLineBytes} result: the line is longer than allowed. */
    static final int TOO_LONG = -2;

    private final InputStream in;
    private final int size;
    /** Where the buffer comes from and goes back to while empty; null: this stream's own, kept for life. */
    private final BufferPool buffers;
    /** Null while released ({@link #releaseBufferIfEmpty()}); taken again by the next read. */
    private byte[] buf;
    private int pos;
    private int limit;
    private long consumed;

    /** Where the line of the last {@link #readLineBytes} call lies: {@code lineArray[lineOffset..]}. */
    private byte[] lineArray;
    private int lineOffset;

    /**
     * @param in the connection's input stream, read only through this object from now on
     * @param bufferSize the buffer's size in bytes; at least 1
     */
    public WireInput(InputStream in, int bufferSize) {
        this.in = Objects.requireNonNull(in, "in");
        if (bufferSize < 1) {
            throw new IllegalArgumentException("bufferSize must be at least 1, got " + bufferSize);
        }
        this.size = bufferSize;
        this.buffers = null;
        this.buf = new byte[bufferSize];
    }

    /**
     * A stream whose buffer is taken from {@code buffers} when a read needs it and can be lent back while empty.
     *
     * @param in the connection's input stream, read only through this object from now on
     */
    public WireInput(InputStream in, BufferPool buffers) {
        this.in = Objects.requireNonNull(in, "in");
        this.buffers = buffers;
        this.size = buffers.bufferSize();
    }

    /**
     * Lends the buffer back to its pool if it holds no unread byte (bytes received but not yet read stay where
     * they are, so {@link #buffered()} still counts them); the next read takes one again.
     *
     * @return whether the buffer was lent back
     */
    public boolean releaseBufferIfEmpty() {
        if (buffers == null || buf == null || pos != limit) {
            return false;
        }
        buffers.give(buf);
        if (lineArray == buf) {
            lineArray = null;
        }
        buf = null;
        pos = 0;
        limit = 0;
        return true;
    }

    @Override
    public int read() throws IOException {
        if (pos == limit && fill() < 0) {
            return -1;
        }
        consumed++;
        return buf[pos++] & 0xff;
    }

    /**
     * Reads from the buffer if it holds anything (never blocking for more), otherwise from the underlying
     * stream; a read of at least the buffer's size with an empty buffer goes straight to the caller's array.
     */
    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        int avail = limit - pos;
        if (avail == 0) {
            if (len >= size) {
                int n = readUnderlying(b, off, len);
                if (n > 0) {
                    consumed += n;
                }
                return n;
            }
            if (fill() < 0) {
                return -1;
            }
            avail = limit - pos;
        }
        int n = Math.min(avail, len);
        System.arraycopy(buf, pos, b, off, n);
        pos += n;
        consumed += n;
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        if (n <= 0) {
            return 0;
        }
        int avail = limit - pos;
        if (avail > 0) {
            int k = (int) Math.min(avail, n);
            pos += k;
            consumed += k;
            return k;
        }
        long k = in.skip(n);
        if (k > 0) {
            consumed += k;
        }
        return Math.max(k, 0);
    }

    /** The buffered bytes plus the underlying stream's estimate. */
    @Override
    public int available() throws IOException {
        int a = in.available();
        int b = limit - pos;
        return a > Integer.MAX_VALUE - b ? Integer.MAX_VALUE : a + b;
    }

    /** The number of bytes held in the buffer and not yet consumed. */
    public int buffered() {
        return limit - pos;
    }

    /** Blocks until a byte is available and returns it without consuming it; -1 at end of stream. */
    public int peek() throws IOException {
        if (pos == limit && fill() < 0) {
            return -1;
        }
        return buf[pos] & 0xff;
    }

    /** The total number of bytes handed out to callers (read, skipped or consumed as lines) so far. */
    public long bytesConsumed() {
        return consumed;
    }

    /**
     * Reads one line ending in LF and returns it without its terminator (a CR just before the LF is part of
     * the terminator), decoded as ISO-8859-1.
     *
     * @param maxLength the most bytes the line may hold, terminator excluded
     * @return the line, or null if the stream ended before any byte of it
     * @throws ProtocolException if the line is longer than {@code maxLength} or holds a bare CR
     * @throws EOFException if the stream ends in the middle of the line
     */
    public String readLine(int maxLength) throws IOException {
        if (maxLength < 0) {
            throw new IllegalArgumentException("maxLength must not be negative, got " + maxLength);
        }
        int len = readLineBytes(maxLength);
        if (len == EOF) {
            return null;
        }
        if (len == TOO_LONG) {
            throw new ProtocolException("line exceeds the limit of " + maxLength + " bytes");
        }
        return new String(lineArray, lineOffset, len, StandardCharsets.ISO_8859_1);
    }

    /** Closes the underlying stream. */
    @Override
    public void close() throws IOException {
        in.close();
    }

    /** Whether the buffer already holds a whole line, so that reading it cannot block. */
    public boolean hasBufferedLine() {
        byte[] b = buf;
        for (int i = pos, end = limit; i < end; i++) {
            if (b[i] == '\n') {
                return true;
            }
        }
        return false;
    }

    /**
     * Reads one line like {@link #readLine}, leaving its bytes (terminator removed) at
     * {@link #lineArray()}[{@link #lineOffset()} ..], valid until the next read of any kind.
     *
     * @return the line's length, {@link #EOF} or {@link #TOO_LONG}; at most {@code maxLength + 1 + } the
     *     buffer size bytes are ever held for one line
     */
    public int readLineBytes(int maxLength) throws IOException {
        long maxHeld = (long) maxLength + 1;
        byte[] spill = null;
        int spillLen = 0;
        int scan = pos;
        if (buf == null) {
            buf = buffers.take();
        }
        for (;;) {
            byte[] b = buf;
            int lf = -1;
            // The first CR from pos on, found in the same pass as the LF when the whole line is in this scan.
            int firstCr = scan == pos ? -1 : Integer.MIN_VALUE;
            for (int i = scan, end = limit; i < end; i++) {
                byte c = b[i];
                if (c == '\n') {
                    lf = i;
                    break;
                }
                if (c == '\r' && firstCr == -1) {
                    firstCr = i;
                }
            }
            if (lf >= 0) {
                int part = lf - pos;
                byte[] arr;
                int off;
                int len;
                if (spill == null) {
                    arr = b;
                    off = pos;
                    len = part;
                } else {
                    spill = grow(spill, spillLen + part, maxLength);
                    System.arraycopy(b, pos, spill, spillLen, part);
                    arr = spill;
                    off = 0;
                    len = spillLen + part;
                }
                consumed += lf + 1 - pos;
                pos = lf + 1;
                if (len > 0 && arr[off + len - 1] == '\r') {
                    len--;
                }
                if (len > maxLength) {
                    return TOO_LONG;
                }
                boolean scannedWhole = spill == null && firstCr != Integer.MIN_VALUE;
                if (scannedWhole ? firstCr >= 0 && firstCr != lf - 1 : hasCr(arr, off, len)) {
                    throw new ProtocolException("bare CR in line: " + Http1Text.quote(arr, off, len));
                }
                lineArray = arr;
                lineOffset = off;
                return len;
            }
            int pending = limit - pos;
            if (spillLen + pending > maxHeld) {
                consumePending();
                return TOO_LONG;
            }
            if (pending == b.length) {
                // The buffer holds nothing but the start of this line: move it aside.
                spill = grow(spill, spillLen + pending, maxLength);
                System.arraycopy(b, pos, spill, spillLen, pending);
                spillLen += pending;
                consumed += pending;
                pos = 0;
                limit = 0;
            } else if (limit == b.length) {
                System.arraycopy(b, pos, b, 0, pending);
                pos = 0;
                limit = pending;
            }
            scan = limit;
            int n = readUnderlying(b, limit, b.length - limit);
            if (n < 0) {
                if (spillLen == 0 && pos == limit) {
                    return EOF;
                }
                consumePending();
                throw new EOFException("unexpected EOF in the middle of a line");
            }
            limit += n;
        }
    }

    /** The array holding the last line read by {@link #readLineBytes}. */
    public byte[] lineArray() {
        return lineArray;
    }

    /** The offset of the last line read by {@link #readLineBytes} in {@link #lineArray()}. */
    public int lineOffset() {
        return lineOffset;
    }

    /** Marks whatever is buffered as consumed: the stream is unusable after a framing error anyway. */
    private void consumePending() {
        consumed += limit - pos;
        pos = limit;
    }

    private static byte[] grow(byte[] spill, int needed, int maxLength) {
        if (spill != null && spill.length >= needed) {
            return spill;
        }
        long doubled = spill == null ? Math.max(needed, 256) : 2L * spill.length;
        int cap = (int) Math.max(needed, Math.min(doubled, (long) maxLength + 2));
        return spill == null ? new byte[cap] : Arrays.copyOf(spill, cap);
    }

    /** Fills the empty buffer; returns the byte count or -1 at end of stream. */
    private int fill() throws IOException {
        if (buf == null) {
            buf = buffers.take();
        }
        pos = 0;
        limit = 0;
        int n = readUnderlying(buf, 0, buf.length);
        if (n > 0) {
            limit = n;
        }
        return n;
    }

    private int readUnderlying(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n == 0) {
            throw new IOException("underlying stream returned no byte for a read of " + len
                    + " bytes, breaking the InputStream contract");
        }
        return n;
    }

    private static boolean hasCr(byte[] a, int off, int len) {
        for (int i = off, end = off + len; i < end; i++) {
            if (a[i] == '\r') {
                return true;
            }
        }
        return false;
    }
}
