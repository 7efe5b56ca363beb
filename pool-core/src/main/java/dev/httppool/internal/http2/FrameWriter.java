package dev.httppool.internal.http2;

import static dev.httppool.internal.http2.Http2Frames.*;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * Writes HTTP/2 frames (RFC 9113 §6) to an {@link OutputStream}, which should be buffered: each frame is its
 * 9-byte header from a reused array and then its payload, with no allocation. DATA and header blocks larger than
 * the peer's SETTINGS_MAX_FRAME_SIZE are split (DATA into several frames, a header block into HEADERS and
 * CONTINUATION frames). Not thread-safe: the caller holds the connection's write lock around each frame, and
 * around encoding and writing a header block together, since HPACK state depends on the order of blocks.
 * Nothing is flushed unless {@link #flush} is called.
 */
public final class FrameWriter {

    private final OutputStream out;
    private final byte[] scratch = new byte[FRAME_HEADER_LENGTH + 8];
    private int peerMaxFrameSize = DEFAULT_MAX_FRAME_SIZE;

    public FrameWriter(OutputStream out) {
        this.out = out;
    }

    /** The peer's SETTINGS_MAX_FRAME_SIZE, from its SETTINGS (the reader has range-checked it). */
    public void peerMaxFrameSize(int size) {
        if (size < DEFAULT_MAX_FRAME_SIZE || size > MAX_MAX_FRAME_SIZE) {
            throw new IllegalArgumentException("peer max frame size must be 16384 .. 16777215, was " + size);
        }
        peerMaxFrameSize = size;
    }

    public int peerMaxFrameSize() {
        return peerMaxFrameSize;
    }

    /** The client connection preface (RFC 9113 §3.4); a SETTINGS frame must follow. */
    public void writePreface() throws IOException {
        out.write(CLIENT_PREFACE);
    }

    /**
     * {@code len} bytes of a stream's body, as one DATA frame or several if {@code len} exceeds the peer's max
     * frame size ({@code endStream} on the last). Flow control is the caller's: it passes only what the windows allow.
     */
    public void writeData(int streamId, boolean endStream, byte[] buf, int off, int len) throws IOException {
        requireStream(streamId);
        do {
            int n = Math.min(len, peerMaxFrameSize);
            len -= n;
            header(n, TYPE_DATA, endStream && len == 0 ? FLAG_END_STREAM : 0, streamId);
            out.write(scratch, 0, FRAME_HEADER_LENGTH);
            out.write(buf, off, n);
            off += n;
        } while (len > 0);
    }

    /** A whole header block: a HEADERS frame, then CONTINUATION frames while it exceeds the peer's max frame size. */
    public void writeHeaders(int streamId, boolean endStream, byte[] block, int off, int len) throws IOException {
        requireStream(streamId);
        int n = Math.min(len, peerMaxFrameSize);
        int flags = (endStream ? FLAG_END_STREAM : 0) | (n == len ? FLAG_END_HEADERS : 0);
        int type = TYPE_HEADERS;
        while (true) {
            header(n, type, flags, streamId);
            out.write(scratch, 0, FRAME_HEADER_LENGTH);
            out.write(block, off, n);
            off += n;
            len -= n;
            if (len == 0) {
                return;
            }
            n = Math.min(len, peerMaxFrameSize);
            type = TYPE_CONTINUATION;
            flags = n == len ? FLAG_END_HEADERS : 0;
        }
    }

    /** A SETTINGS frame with these parameters, in order. */
    public void writeSettings(List<Setting> settings) throws IOException {
        header(settings.size() * 6, TYPE_SETTINGS, 0, 0);
        out.write(scratch, 0, FRAME_HEADER_LENGTH);
        for (Setting s : settings) {
            if (s.id() < 0 || s.id() > 0xffff || s.value() < 0 || s.value() > 0xffff_ffffL) {
                throw new IllegalArgumentException("setting out of range: " + s);
            }
            scratch[0] = (byte) (s.id() >>> 8);
            scratch[1] = (byte) s.id();
            putInt(2, (int) s.value());
            out.write(scratch, 0, 6);
        }
    }

    public void writeSettingsAck() throws IOException {
        header(0, TYPE_SETTINGS, FLAG_ACK, 0);
        out.write(scratch, 0, FRAME_HEADER_LENGTH);
    }

    public void writePing(boolean ack, long payload) throws IOException {
        header(8, TYPE_PING, ack ? FLAG_ACK : 0, 0);
        putInt(9, (int) (payload >>> 32));
        putInt(13, (int) payload);
        out.write(scratch, 0, FRAME_HEADER_LENGTH + 8);
    }

    public void writeGoAway(int lastStreamId, int errorCode, byte[] debugData) throws IOException {
        if (lastStreamId < 0) {
            throw new IllegalArgumentException("last stream id must be >= 0, was " + lastStreamId);
        }
        int debug = Math.min(debugData.length, peerMaxFrameSize - 8);
        header(8 + debug, TYPE_GOAWAY, 0, 0);
        putInt(9, lastStreamId);
        putInt(13, errorCode);
        out.write(scratch, 0, FRAME_HEADER_LENGTH + 8);
        out.write(debugData, 0, debug);
    }

    public void writeRstStream(int streamId, int errorCode) throws IOException {
        requireStream(streamId);
        header(4, TYPE_RST_STREAM, 0, streamId);
        putInt(9, errorCode);
        out.write(scratch, 0, FRAME_HEADER_LENGTH + 4);
    }

    /** A WINDOW_UPDATE of {@code increment} (1 .. 2^31-1) for a stream, or for the connection if stream 0. */
    public void writeWindowUpdate(int streamId, int increment) throws IOException {
        if (streamId < 0 || increment <= 0) {
            throw new IllegalArgumentException("window update needs stream >= 0 and increment > 0, was stream "
                    + streamId + " increment " + increment);
        }
        header(4, TYPE_WINDOW_UPDATE, 0, streamId);
        putInt(9, increment);
        out.write(scratch, 0, FRAME_HEADER_LENGTH + 4);
    }

    public void flush() throws IOException {
        out.flush();
    }

    private void header(int length, int type, int flags, int streamId) {
        scratch[0] = (byte) (length >>> 16);
        scratch[1] = (byte) (length >>> 8);
        scratch[2] = (byte) length;
        scratch[3] = (byte) type;
        scratch[4] = (byte) flags;
        putInt(5, streamId);
    }

    private void putInt(int p, int v) {
        scratch[p] = (byte) (v >>> 24);
        scratch[p + 1] = (byte) (v >>> 16);
        scratch[p + 2] = (byte) (v >>> 8);
        scratch[p + 3] = (byte) v;
    }

    private static void requireStream(int streamId) {
        if (streamId <= 0) {
            throw new IllegalArgumentException("stream id must be > 0, was " + streamId);
        }
    }
}
