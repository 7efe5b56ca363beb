package dev.httppool.internal.http1;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * A connection's buffered output, as {@link java.io.BufferedOutputStream} (a write of at least the buffer's size
 * with nothing buffered goes straight through), whose buffer is taken from a {@link BufferPool} at the first write
 * and can be lent back while nothing is buffered ({@link #releaseBufferIfEmpty()}), so an idle connection holds
 * none. Used by one thread at a time.
 */
final class WireOutput extends OutputStream {

    private final OutputStream out;
    private final BufferPool buffers;
    private final int size;
    /** Null while released. */
    private byte[] buf;
    private int count;

    WireOutput(OutputStream out, BufferPool buffers) {
        this.out = Objects.requireNonNull(out, "out");
        this.buffers = buffers;
        this.size = buffers.bufferSize();
    }

    @Override
    public void write(int b) throws IOException {
        if (buf == null) {
            buf = buffers.take();
        } else if (count == size) {
            flushBuffer();
        }
        buf[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len >= size) {
            flushBuffer();
            out.write(b, off, len);
            return;
        }
        if (buf == null) {
            buf = buffers.take();
        } else if (len > size - count) {
            flushBuffer();
        }
        System.arraycopy(b, off, buf, count, len);
        count += len;
    }

    /**
     * Writes the Latin-1 characters of {@code s} as bytes (each char's low byte), straight into the buffer: no
     * byte array of its own.
     */
    @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): the low byte of each char, wanted here
    void writeLatin1(String s) throws IOException {
        int n = s.length();
        int i = 0;
        while (i < n) {
            if (buf == null) {
                buf = buffers.take();
            } else if (count == size) {
                flushBuffer();
            }
            int chunk = Math.min(n - i, size - count);
            s.getBytes(i, i + chunk, buf, count);
            count += chunk;
            i += chunk;
        }
    }

    @Override
    public void flush() throws IOException {
        flushBuffer();
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    /** Lends the buffer back to the pool if it holds nothing unsent; the next write takes one again. */
    boolean releaseBufferIfEmpty() {
        if (buf == null || count != 0) {
            return false;
        }
        buffers.give(buf);
        buf = null;
        return true;
    }

    private void flushBuffer() throws IOException {
        if (count > 0) {
            out.write(buf, 0, count);
            count = 0;
        }
    }
}
