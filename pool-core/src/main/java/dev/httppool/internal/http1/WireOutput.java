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
