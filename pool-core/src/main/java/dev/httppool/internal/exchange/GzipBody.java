package dev.httppool.internal.exchange;

import java.io.EOFException;
import java.io.IOException;
import java.util.Objects;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.ZipException;

/**
 * Decodes a gzip response body the transport asked for, as Go's multistream {@code gzip.Reader} does: every
 * member, one after another, however the bytes are split into packets (the JDK's {@code GZIPInputStream} stops
 * after a member when the next one has not arrived yet). After a member's trailer the body must end or another
 * member must begin; any other byte fails the read with {@code gzip: invalid header} at once, and the connection
 * is closed rather than drained. Each read inflates at most the bytes the caller asked for, straight into the
 * caller's array, so a decompression bomb costs what is read and no more.
 *
 * <p>Nothing is read or allocated before the first read ({@code roundTrip} must not block on the body).
 */
public final class GzipBody extends BulkReadInputStream {

    /** Go's limit on a member header's file name and comment, terminator included. */
    private static final int MAX_HEADER_STRING = 512;
    private static final int FHCRC = 2;
    private static final int FEXTRA = 4;
    private static final int FNAME = 8;
    private static final int FCOMMENT = 16;

    private final ResponseBody raw;
    /** Compressed bytes read from {@code raw}: {@code [pos, limit)} are not consumed yet. Null before the first read. */
    private byte[] buf;
    private int pos;
    private int limit;
    private Inflater inflater;
    /** The CRC-32 of the current member's header (for FHCRC), then of its decoded bytes. */
    private CRC32 crc;
    /** Decoded bytes of the current member, for the trailer's ISIZE. */
    private long memberSize;
    /** Whether a member's header was read and its trailer not yet. */
    private boolean inMember;
    private boolean membersSeen;
    /** The end was reached, or the body failed or was closed. */
    private boolean done;

    public GzipBody(ResponseBody raw) {
        this.raw = raw;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (done) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        try {
            if (buf == null) {
                buf = new byte[8192];
                inflater = new Inflater(true);
                crc = new CRC32();
            }
            for (;;) {
                if (!inMember && !startMember()) {
                    end();
                    return -1;
                }
                int n = inflate(b, off, len);
                if (n > 0) {
                    return n;
                }
                endMember();
            }
        } catch (IOException e) {
            fail();
            throw raw.withKey(e);
        } catch (RuntimeException e) {
            fail();
            throw e;
        }
    }

    /**
     * Reads the next member's header; false if the body ends where a member could begin (after at least one
     * member, or an empty body, which Go also reads as empty).
     */
    private boolean startMember() throws IOException {
        crc.reset();
        int id1 = nextByte();
        if (id1 < 0) {
            return false;
        }
        crc.update(id1);
        if (id1 != 0x1f || headerByte() != 0x8b || headerByte() != 8) {
            throw new ZipException("gzip: invalid header" + (membersSeen ? " after the end of a member" : ""));
        }
        int flags = headerByte();
        for (int i = 0; i < 6; i++) {
            headerByte(); // MTIME, XFL, OS
        }
        if ((flags & FEXTRA) != 0) {
            int extra = headerByte() | headerByte() << 8;
            for (int i = 0; i < extra; i++) {
                headerByte();
            }
        }
        if ((flags & FNAME) != 0) {
            skipString();
        }
        if ((flags & FCOMMENT) != 0) {
            skipString();
        }
        if ((flags & FHCRC) != 0) {
            int expected = (int) crc.getValue() & 0xffff;
            if ((nextByte0() | nextByte0() << 8) != expected) {
                throw new ZipException("gzip: invalid header (header checksum)");
            }
        }
        crc.reset();
        inflater.reset();
        memberSize = 0;
        inMember = true;
        membersSeen = true;
        return true;
    }

    /** Inflates into {@code b}; 0 once the member's compressed data is finished. */
    private int inflate(byte[] b, int off, int len) throws IOException {
        while (!inflater.finished()) {
            if (inflater.needsDictionary()) {
                throw new ZipException("gzip: corrupt data (preset dictionary)");
            }
            if (inflater.needsInput()) {
                if (pos == limit && fill() < 0) {
                    throw new EOFException("unexpected EOF in gzip response body");
                }
                inflater.setInput(buf, pos, limit - pos);
                pos = limit; // the inflater holds these now; what it leaves is taken back in endMember
            }
            int n;
            try {
                n = inflater.inflate(b, off, len);
            } catch (DataFormatException e) {
                throw new ZipException("gzip: corrupt data: " + e.getMessage());
            }
            if (n > 0) {
                crc.update(b, off, n);
                memberSize += n;
                return n;
            }
        }
        return 0;
    }

    /** Checks the trailer of the member whose data just finished: CRC-32 and size modulo 2^32. */
    private void endMember() throws IOException {
        pos = limit - inflater.getRemaining();
        long expectedCrc = trailerWord();
        long expectedSize = trailerWord();
        if (expectedCrc != crc.getValue() || expectedSize != (memberSize & 0xffffffffL)) {
            throw new ZipException("gzip: invalid checksum");
        }
        inMember = false;
    }

    private long trailerWord() throws IOException {
        return (nextByte0() | nextByte0() << 8 | nextByte0() << 16 | (long) nextByte0() << 24);
    }

    private void skipString() throws IOException {
        for (int i = 0; headerByte() != 0; i++) {
            if (i + 1 >= MAX_HEADER_STRING) {
                throw new ZipException("gzip: invalid header (name or comment over " + MAX_HEADER_STRING
                        + " bytes)");
            }
        }
    }

    /** A header byte, counted in the header's CRC-32; the body may not end here. */
    private int headerByte() throws IOException {
        int c = nextByte0();
        crc.update(c);
        return c;
    }

    /** The next compressed byte; the body may not end here. */
    private int nextByte0() throws IOException {
        int c = nextByte();
        if (c < 0) {
            throw new EOFException("unexpected EOF in gzip response body");
        }
        return c;
    }

    /** The next compressed byte, or -1 at the end of the body. */
    private int nextByte() throws IOException {
        if (pos == limit && fill() < 0) {
            return -1;
        }
        return buf[pos++] & 0xff;
    }

    private int fill() throws IOException {
        int n = raw.read(buf, 0, buf.length);
        pos = 0;
        limit = Math.max(n, 0);
        return n;
    }

    /** The body is not gzip it can trust: what is left of it is not read, and the connection is closed. */
    private void fail() {
        end();
        raw.abort();
    }

    private void end() {
        done = true;
        if (inflater != null) {
            inflater.end();
        }
    }

    @Override
    public int available() {
        return 0;
    }

    @Override
    public void close() {
        end();
        raw.close();
    }
}
