package dev.httppool.internal.http1;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * Writes a request body in the chunked transfer coding. Each non-empty array write becomes one chunk;
 * single-byte writes are gathered into a small buffer that becomes a chunk when full, on {@link #flush()},
 * on {@link #finish()} or with the next array write. Neither {@link #finish()} nor {@link #close()} flushes
 * or closes the underlying stream.
 */
public final class ChunkedOutputStream extends OutputStream {

    /** Room before the data for up to 16 hex digits and CRLF. */
    private static final int DATA_START = 18;
    /** The most data bytes a chunk assembled in the buffer holds. */
    private static final int CAPACITY = 1024;
    private static final byte[] HEX = {'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd',
        'e', 'f'};
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = {'0', '\r', '\n', '\r', '\n'};

    private final OutputStream out;
    /** [chunk header, right-aligned before DATA_START][data][CRLF]. */
    private final byte[] buf = new byte[DATA_START + CAPACITY + 2];
    private int count;
    private boolean finished;

    /** @param out the connection's output, positioned where the body starts */
    public ChunkedOutputStream(OutputStream out) {
        this.out = Objects.requireNonNull(out, "out");
    }

    @Override
    public void write(int b) throws IOException {
        ensureOpen();
        buf[DATA_START + count++] = (byte) b;
        if (count == CAPACITY) {
            writePending();
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        ensureOpen();
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return;
        }
        if (count + len <= CAPACITY) {
            System.arraycopy(b, off, buf, DATA_START + count, len);
            count += len;
            writePending();
            return;
        }
        // One chunk of the pending bytes and the caller's: header and pending bytes, data, CRLF.
        int start = putHeader((long) count + len);
        out.write(buf, start, DATA_START + count - start);
        count = 0;
        out.write(b, off, len);
        out.write(CRLF);
    }

    /** Writes any gathered bytes as a chunk, then flushes the underlying stream. */
    @Override
    public void flush() throws IOException {
        if (!finished) {
            writePending();
        }
        out.flush();
    }

    /** Writes any gathered bytes and the last chunk ({@code 0 CRLF CRLF}); later calls do nothing. */
    public void finish() throws IOException {
        if (finished) {
            return;
        }
        writePending();
        finished = true;
        out.write(LAST_CHUNK);
    }

    /** Same as {@link #finish()}: the underlying stream is left open and unflushed. */
    @Override
    public void close() throws IOException {
        finish();
    }

    private void writePending() throws IOException {
        if (count == 0) {
            return;
        }
        int start = putHeader(count);
        int end = DATA_START + count;
        buf[end] = '\r';
        buf[end + 1] = '\n';
        count = 0;
        out.write(buf, start, end + 2 - start);
    }

    /** Puts {@code size} in hex and CRLF just before the data; returns where they start. */
    private int putHeader(long size) {
        int p = DATA_START;
        buf[--p] = '\n';
        buf[--p] = '\r';
        do {
            buf[--p] = HEX[(int) (size & 15)];
            size >>>= 4;
        } while (size != 0);
        return p;
    }

    private void ensureOpen() throws IOException {
        if (finished) {
            throw new IOException("write after the end of a chunked body");
        }
    }
}
