package dev.httppool.internal.http1;

import dev.httppool.Headers;
import dev.httppool.internal.exchange.FramedBody;
import java.io.EOFException;
import java.io.IOException;
import java.net.ProtocolException;
import java.util.Objects;

/**
 * A response body in the chunked transfer coding (RFC 9112 section 7.1), decoded. Chunk extensions are
 * ignored, but a body whose framing outgrows its data by more than {@value #MAX_EXCESS_FRAMING} bytes is refused
 * (see {@link #chargeFraming}); trailer fields are parsed as strictly as headers and exposed by
 * {@link #trailers()}. Closing it leaves the underlying stream open, for the connection's next response.
 *
 * <p>Once some data has been read, a read never blocks to parse a following chunk header, but it does parse
 * whatever following framing is already buffered: after the last data byte has been read, {@link
 * #isComplete()} is usually true already, so the connection can be reused at once.
 */
public final class ChunkedInputStream extends FramedBody {

    /** The longest chunk-size line accepted, chunk extensions included. */
    static final int MAX_SIZE_LINE = 4096;
    /**
     * Framing each chunk may carry for free (its size line and the CRLF after its data; {@code "1\r\nx\r\n"} takes
     * 5), besides twice its data size.
     */
    static final int FRAMING_PER_CHUNK = 16;
    /** The most framing a body may carry beyond what its chunks allow, before it is refused. */
    static final int MAX_EXCESS_FRAMING = 16 * 1024;

    private static final int SIZE = 0;
    private static final int DATA = 1;
    private static final int DATA_END = 2;
    private static final int TRAILERS = 3;
    private static final int DONE = 4;

    private static final int READY = 0;
    private static final int WOULD_BLOCK = 1;
    private static final int AT_END = 2;

    private final WireInput in;
    /** What {@link #in} had handed out when this body began. */
    private final long startConsumed;
    private final long maxTrailerBytes;
    private int state = SIZE;
    private long chunkRemaining;
    /** Framing read since the last size line was charged: the CRLF after a chunk's data. */
    private long framing;
    /** Framing read beyond what the chunks so far allow; never negative (data earns no credit for later). */
    private long excessFraming;
    private long trailerBytes;
    private int trailerCount;
    private ParsedFields trailerFields;
    private Headers trailers = Headers.empty();
    private boolean closed;

    /**
     * @param in the connection's input, positioned at the first chunk-size line
     * @param maxTrailerBytes the most bytes the trailer fields and their line terminators may take (the
     *     empty line that ends the body not counted)
     */
    public ChunkedInputStream(WireInput in, long maxTrailerBytes) {
        this.in = Objects.requireNonNull(in, "in");
        if (maxTrailerBytes < 0) {
            throw new IllegalArgumentException("maxTrailerBytes must not be negative, got " + maxTrailerBytes);
        }
        this.maxTrailerBytes = maxTrailerBytes;
        this.startConsumed = in.bytesConsumed();
    }

    @Override
    public int read() throws IOException {
        ensureOpen();
        if (advance(true) != READY) {
            return -1;
        }
        int b = in.read();
        if (b < 0) {
            throw truncated();
        }
        if (--chunkRemaining == 0) {
            state = DATA_END;
            advance(false);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        ensureOpen();
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        int total = 0;
        for (;;) {
            if (advance(total == 0) != READY || total == len) {
                break;
            }
            int n = in.read(b, off + total, (int) Math.min(len - total, chunkRemaining));
            if (n < 0) {
                throw truncated();
            }
            total += n;
            chunkRemaining -= n;
            if (chunkRemaining > 0) {
                break; // the caller's array is full, or reading on could block
            }
            state = DATA_END;
        }
        return total == 0 ? -1 : total;
    }

    /** The data bytes of the current chunk that can be read without blocking (an estimate). */
    @Override
    public int available() throws IOException {
        if (closed || state != DATA) {
            return 0;
        }
        return (int) Math.min(in.available(), chunkRemaining);
    }

    /** Data and framing consumed so far: chunk-size lines with their extensions, CRLFs, trailers. */
    @Override
    public long wireBytesRead() {
        return in.bytesConsumed() - startConsumed;
    }

    /** Whether the last chunk and the trailer section have been read. */
    @Override
    public boolean isComplete() {
        return state == DONE;
    }

    /** The trailer fields; empty until the body is {@linkplain #isComplete() complete}. */
    @Override
    public Headers trailers() {
        return trailers;
    }

    /** Marks this body closed; the underlying stream stays open and unread body bytes stay unread. */
    @Override
    public void close() {
        closed = true;
    }

    /**
     * Parses framing until chunk data is at hand ({@link #READY}) or the body has ended ({@link #AT_END});
     * unless {@code mayBlock}, stops ({@link #WOULD_BLOCK}) before a line that is not buffered yet.
     */
    private int advance(boolean mayBlock) throws IOException {
        for (;;) {
            switch (state) {
                case DATA:
                    return READY;
                case DONE:
                    return AT_END;
                default:
                    if (!mayBlock && !in.hasBufferedLine()) {
                        return WOULD_BLOCK;
                    }
                    if (state == SIZE) {
                        readSizeLine();
                    } else if (state == DATA_END) {
                        readDataEnd();
                    } else {
                        readTrailerLine();
                    }
            }
        }
    }

    private void readSizeLine() throws IOException {
        long before = in.bytesConsumed();
        int len = in.readLineBytes(MAX_SIZE_LINE);
        if (len == WireInput.EOF) {
            throw truncated();
        }
        if (len == WireInput.TOO_LONG) {
            throw new ProtocolException("chunk size line exceeds " + MAX_SIZE_LINE + " bytes");
        }
        byte[] a = in.lineArray();
        int off = in.lineOffset();
        int end = off + len;
        int i = off;
        long size = 0;
        for (; i < end; i++) {
            int d = hexValue(a[i]);
            if (d < 0) {
                break;
            }
            if (i - off == 16) {
                throw new ProtocolException("chunk size too large: " + Http1Text.quote(a, off, len));
            }
            size = size << 4 | d;
        }
        if (i == off) {
            throw new ProtocolException("malformed chunk size line: " + Http1Text.quote(a, off, len));
        }
        if (size < 0) {
            throw new ProtocolException("chunk size too large: " + Http1Text.quote(a, off, len));
        }
        while (i < end && (a[i] == ' ' || a[i] == '\t')) {
            i++;
        }
        if (i < end && a[i] != ';') {
            throw new ProtocolException("malformed chunk size line: " + Http1Text.quote(a, off, len));
        }
        chargeFraming(framing + in.bytesConsumed() - before, size);
        framing = 0;
        if (size == 0) {
            state = TRAILERS;
        } else {
            chunkRemaining = size;
            state = DATA;
        }
    }

    /**
     * Charges a chunk's framing against what its size allows: a server may stream a byte per chunk, but not wrap
     * each byte in kilobytes of extensions (Go's rule, which refuses a body once it has carried more than
     * {@value #MAX_EXCESS_FRAMING} bytes of framing beyond its allowance); so draining or reading a body costs
     * wire bytes in proportion to its data.
     */
    private void chargeFraming(long bytes, long size) throws ProtocolException {
        long allowance = size > (Long.MAX_VALUE - FRAMING_PER_CHUNK) / 2 ? Long.MAX_VALUE
                : FRAMING_PER_CHUNK + 2 * size;
        excessFraming = Math.max(0, excessFraming + bytes - allowance);
        if (excessFraming > MAX_EXCESS_FRAMING) {
            throw new ProtocolException("chunked response body carries more than " + MAX_EXCESS_FRAMING
                    + " bytes of framing (chunk extensions) beyond its data; aborted");
        }
    }

    private void readDataEnd() throws IOException {
        long before = in.bytesConsumed();
        int len = in.readLineBytes(0);
        if (len == WireInput.EOF) {
            throw truncated();
        }
        if (len != 0) {
            throw new ProtocolException("chunk data not followed by CRLF");
        }
        framing += in.bytesConsumed() - before;
        state = SIZE;
    }

    private void readTrailerLine() throws IOException {
        long remaining = maxTrailerBytes - trailerBytes;
        long before = in.bytesConsumed();
        int len = in.readLineBytes((int) Math.min(Math.max(remaining, 0), Integer.MAX_VALUE - 16));
        if (len == WireInput.EOF) {
            throw truncated();
        }
        if (len == 0) {
            trailers = trailerFields == null ? Headers.empty() : trailerFields.toHeaders();
            trailerFields = null;
            state = DONE;
            return;
        }
        trailerBytes += in.bytesConsumed() - before;
        if (len == WireInput.TOO_LONG || trailerBytes > maxTrailerBytes) {
            throw new ProtocolException("chunked response trailers exceeded " + maxTrailerBytes
                    + " bytes; aborted");
        }
        if (++trailerCount > Http1Text.MAX_FIELDS) {
            throw new ProtocolException("chunked response has more than " + Http1Text.MAX_FIELDS
                    + " trailer fields; aborted");
        }
        if (trailerFields == null) {
            trailerFields = new ParsedFields();
        }
        Http1Text.parseField(in.lineArray(), in.lineOffset(), len, trailerFields, "trailer");
    }

    private static int hexValue(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        return -1;
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("read on closed response body");
        }
    }

    private static EOFException truncated() {
        return new EOFException("unexpected EOF in chunked response body");
    }
}
