package dev.httppool.internal.http2;

import static dev.httppool.internal.http2.Http2Frames.*;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads HTTP/2 frames (RFC 9113 §4–6) from the server, one per {@link #nextFrame} call, into a buffer reused from
 * frame to frame and never larger than our SETTINGS_MAX_FRAME_SIZE. It checks each frame's length, flags and
 * stream id, strips padding, skips PRIORITY and unknown frame types, refuses PUSH_PROMISE (we send
 * SETTINGS_ENABLE_PUSH=0), keeps a header block's CONTINUATION frames together and bounds them (bytes and frame
 * count), and reports violations as {@link Http2Exception}s. It is the client's reader: a server's SETTINGS that
 * enable push are an error. Not thread-safe: one reader thread per connection.
 */
public final class FrameReader {

    /**
     * Receives the frames. Buffers passed in are the reader's and valid only during the call. The fragments of one
     * header block arrive in consecutive calls (headers, then continuations until {@code endHeaders}), with no other
     * frame between them, and together hold at most {@code maxHeaderBlockBytes}.
     */
    public interface Handler {
        /**
         * A DATA frame's content, padding stripped; {@code flowControlled} is the frame's whole payload length
         * (content, padding and pad length), which is what counts against the flow-control windows (RFC 9113 §6.9.1).
         */
        void data(int streamId, boolean endStream, byte[] buf, int off, int len, int flowControlled)
                throws IOException;

        void headers(int streamId, boolean endStream, byte[] buf, int off, int len, boolean endHeaders)
                throws IOException;

        void continuation(int streamId, byte[] buf, int off, int len, boolean endHeaders) throws IOException;

        /** A SETTINGS frame: the parameters this reader knows, in order, already range-checked; none if ack. */
        void settings(boolean ack, List<Setting> settings) throws IOException;

        void ping(boolean ack, long payload) throws IOException;

        void goAway(int lastStreamId, long errorCode, byte[] debugData) throws IOException;

        void rstStream(int streamId, long errorCode) throws IOException;

        /** A WINDOW_UPDATE; stream 0 is the connection's window. {@code increment} is 1 .. 2^31-1. */
        void windowUpdate(int streamId, int increment) throws IOException;
    }

    private final InputStream in;
    private final byte[] head = new byte[FRAME_HEADER_LENGTH];
    private final int maxHeaderBlockBytes;
    private final int maxContinuationFrames;
    private int maxFrameSize;
    private byte[] buf = new byte[256];

    /** The stream whose header block awaits CONTINUATION frames, or 0. */
    private int continuing;
    private int blockBytes;
    private int continuations;
    /** The next frame must be a SETTINGS frame, not an ack: the peer's connection preface (RFC 9113 §3.4). */
    private boolean prefaceExpected;

    /** A reader with the RFC's initial SETTINGS_MAX_FRAME_SIZE (16 KiB) and a header block of at most 1 MiB. */
    public FrameReader(InputStream in) {
        this(in, DEFAULT_MAX_FRAME_SIZE, 1 << 20);
    }

    /**
     * A reader refusing frames over {@code maxFrameSize} (our SETTINGS_MAX_FRAME_SIZE) and header blocks over
     * {@code maxHeaderBlockBytes} compressed bytes; a block may use at most one CONTINUATION frame per KiB of that
     * cap, plus 16, so a flood of tiny frames ends early too.
     */
    public FrameReader(InputStream in, int maxFrameSize, int maxHeaderBlockBytes) {
        if (maxFrameSize < DEFAULT_MAX_FRAME_SIZE || maxFrameSize > MAX_MAX_FRAME_SIZE) {
            throw new IllegalArgumentException("maxFrameSize must be 16384 .. 16777215, was " + maxFrameSize);
        }
        if (maxHeaderBlockBytes <= 0) {
            throw new IllegalArgumentException("maxHeaderBlockBytes must be > 0, was " + maxHeaderBlockBytes);
        }
        this.in = in;
        this.maxFrameSize = maxFrameSize;
        this.maxHeaderBlockBytes = maxHeaderBlockBytes;
        this.maxContinuationFrames = maxHeaderBlockBytes / 1024 + 16;
    }

    /** The next frame must be the server's connection preface, a SETTINGS frame; any other is a PROTOCOL_ERROR. */
    public void expectPreface() {
        prefaceExpected = true;
    }

    /**
     * Reads one frame and passes it to {@code handler}. Returns false at a clean end of stream between frames;
     * an end of stream inside a frame is an {@link EOFException}.
     */
    public boolean nextFrame(Handler handler) throws IOException {
        if (!readFully(head, 0, FRAME_HEADER_LENGTH, true)) {
            if (continuing != 0) {
                throw new EOFException("HTTP/2 connection ended inside a header block of stream " + continuing);
            }
            return false;
        }
        int length = (head[0] & 0xff) << 16 | (head[1] & 0xff) << 8 | head[2] & 0xff;
        int type = head[3] & 0xff;
        int flags = head[4] & 0xff;
        int streamId = (head[5] & 0x7f) << 24 | (head[6] & 0xff) << 16 | (head[7] & 0xff) << 8 | head[8] & 0xff;
        if (prefaceExpected) {
            if (type != TYPE_SETTINGS || (flags & FLAG_ACK) != 0) {
                throw Http2Exception.connectionError(PROTOCOL_ERROR, "the server's first frame was "
                        + typeName(type) + ((flags & FLAG_ACK) != 0 && type == TYPE_SETTINGS ? " ack" : "")
                        + ", not SETTINGS (its connection preface)");
            }
            prefaceExpected = false;
        }
        if (length > maxFrameSize) {
            throw Http2Exception.connectionError(FRAME_SIZE_ERROR, typeName(type) + " frame of " + length
                    + " bytes exceeds SETTINGS_MAX_FRAME_SIZE " + maxFrameSize);
        }
        if (continuing != 0 && (type != TYPE_CONTINUATION || streamId != continuing)) {
            throw Http2Exception.connectionError(PROTOCOL_ERROR, typeName(type) + " frame on stream " + streamId
                    + " inside the header block of stream " + continuing + " (CONTINUATION expected)");
        }
        if (length > buf.length) {
            buf = Arrays.copyOf(buf, Math.min(maxFrameSize, Math.max(length, buf.length * 2)));
        }
        readFully(buf, 0, length, false);
        switch (type) {
            case TYPE_DATA -> readData(handler, length, flags, streamId);
            case TYPE_HEADERS -> readHeaders(handler, length, flags, streamId);
            case TYPE_PRIORITY -> checkPriority(length, streamId);
            case TYPE_RST_STREAM -> readRstStream(handler, length, streamId);
            case TYPE_SETTINGS -> readSettings(handler, length, flags, streamId);
            case TYPE_PUSH_PROMISE -> throw Http2Exception.connectionError(PROTOCOL_ERROR,
                    "PUSH_PROMISE received although we sent SETTINGS_ENABLE_PUSH=0");
            case TYPE_PING -> readPing(handler, length, flags, streamId);
            case TYPE_GOAWAY -> readGoAway(handler, length, streamId);
            case TYPE_WINDOW_UPDATE -> readWindowUpdate(handler, length, streamId);
            case TYPE_CONTINUATION -> readContinuation(handler, length, flags, streamId);
            default -> {
                // unknown frame types are ignored (RFC 9113 §4.1, §5.5)
            }
        }
        return true;
    }

    /** Our SETTINGS_MAX_FRAME_SIZE, once the peer has acknowledged a change of it. */
    public void maxFrameSize(int maxFrameSize) {
        if (maxFrameSize < DEFAULT_MAX_FRAME_SIZE || maxFrameSize > MAX_MAX_FRAME_SIZE) {
            throw new IllegalArgumentException("maxFrameSize must be 16384 .. 16777215, was " + maxFrameSize);
        }
        this.maxFrameSize = maxFrameSize;
    }

    private void readData(Handler handler, int length, int flags, int streamId) throws IOException {
        requireStream(TYPE_DATA, streamId);
        int pad = padding(TYPE_DATA, length, flags);
        int off = (flags & FLAG_PADDED) != 0 ? 1 : 0;
        handler.data(streamId, (flags & FLAG_END_STREAM) != 0, buf, off, length - off - pad, length);
    }

    private void readHeaders(Handler handler, int length, int flags, int streamId) throws IOException {
        requireStream(TYPE_HEADERS, streamId);
        int pad = padding(TYPE_HEADERS, length, flags);
        int off = (flags & FLAG_PADDED) != 0 ? 1 : 0;
        if ((flags & FLAG_PRIORITY) != 0) {
            // stream dependency and weight: priority signals are deprecated (RFC 9113 §5.3.2) and ignored
            if (length - off - pad < 5) {
                throw Http2Exception.connectionError(FRAME_SIZE_ERROR, "HEADERS frame of " + length
                        + " bytes too short for its priority fields and padding");
            }
            off += 5;
        }
        int fragment = length - off - pad;
        boolean endHeaders = (flags & FLAG_END_HEADERS) != 0;
        blockBytes = 0;
        continuations = 0;
        countBlock(streamId, fragment);
        continuing = endHeaders ? 0 : streamId;
        handler.headers(streamId, (flags & FLAG_END_STREAM) != 0, buf, off, fragment, endHeaders);
    }

    private void readContinuation(Handler handler, int length, int flags, int streamId) throws IOException {
        if (continuing == 0) {
            throw Http2Exception.connectionError(PROTOCOL_ERROR, "CONTINUATION frame on stream " + streamId
                    + " without a header block to continue");
        }
        if (++continuations > maxContinuationFrames) {
            throw Http2Exception.connectionError(ENHANCE_YOUR_CALM, "header block of stream " + streamId
                    + " sent in more than " + maxContinuationFrames + " CONTINUATION frames");
        }
        countBlock(streamId, length);
        boolean endHeaders = (flags & FLAG_END_HEADERS) != 0;
        if (endHeaders) {
            continuing = 0;
        }
        handler.continuation(streamId, buf, 0, length, endHeaders);
    }

    private void countBlock(int streamId, int fragment) throws Http2Exception {
        blockBytes += fragment;
        if (blockBytes > maxHeaderBlockBytes) {
            throw Http2Exception.connectionError(ENHANCE_YOUR_CALM, "header block of stream " + streamId
                    + " exceeds " + maxHeaderBlockBytes + " bytes");
        }
    }

    private void checkPriority(int length, int streamId) throws Http2Exception {
        requireStream(TYPE_PRIORITY, streamId);
        if (length != 5) {
            throw Http2Exception.streamError(streamId, FRAME_SIZE_ERROR, "PRIORITY frame of " + length
                    + " bytes, must be 5");
        }
    }

    private void readRstStream(Handler handler, int length, int streamId) throws IOException {
        requireStream(TYPE_RST_STREAM, streamId);
        if (length != 4) {
            throw Http2Exception.connectionError(FRAME_SIZE_ERROR, "RST_STREAM frame of " + length
                    + " bytes, must be 4");
        }
        handler.rstStream(streamId, uint32(0));
    }

    private void readSettings(Handler handler, int length, int flags, int streamId) throws IOException {
        requireConnection(TYPE_SETTINGS, streamId);
        boolean ack = (flags & FLAG_ACK) != 0;
        if (ack ? length != 0 : length % 6 != 0) {
            throw Http2Exception.connectionError(FRAME_SIZE_ERROR, "SETTINGS frame" + (ack ? " ack" : "") + " of "
                    + length + " bytes, must be " + (ack ? "0" : "a multiple of 6"));
        }
        List<Setting> settings = new ArrayList<>(length / 6);
        for (int p = 0; p < length; p += 6) {
            int id = (buf[p] & 0xff) << 8 | buf[p + 1] & 0xff;
            long value = uint32(p + 2);
            switch (id) {
                case SETTINGS_ENABLE_PUSH -> {
                    if (value != 0) {
                        throw Http2Exception.connectionError(PROTOCOL_ERROR, "server sent SETTINGS_ENABLE_PUSH="
                                + value + ", only 0 is allowed");
                    }
                }
                case SETTINGS_INITIAL_WINDOW_SIZE -> {
                    if (value > MAX_WINDOW_SIZE) {
                        throw Http2Exception.connectionError(FLOW_CONTROL_ERROR, "SETTINGS_INITIAL_WINDOW_SIZE="
                                + value + " exceeds 2^31-1");
                    }
                }
                case SETTINGS_MAX_FRAME_SIZE -> {
                    if (value < DEFAULT_MAX_FRAME_SIZE || value > MAX_MAX_FRAME_SIZE) {
                        throw Http2Exception.connectionError(PROTOCOL_ERROR, "SETTINGS_MAX_FRAME_SIZE=" + value
                                + " outside 16384 .. 16777215");
                    }
                }
                case SETTINGS_HEADER_TABLE_SIZE, SETTINGS_MAX_CONCURRENT_STREAMS, SETTINGS_MAX_HEADER_LIST_SIZE -> {
                    // any 32-bit value
                }
                default -> {
                    continue; // unknown settings are ignored (RFC 9113 §6.5.2)
                }
            }
            settings.add(new Setting(id, value));
        }
        handler.settings(ack, settings);
    }

    private void readPing(Handler handler, int length, int flags, int streamId) throws IOException {
        requireConnection(TYPE_PING, streamId);
        if (length != 8) {
            throw Http2Exception.connectionError(FRAME_SIZE_ERROR, "PING frame of " + length + " bytes, must be 8");
        }
        handler.ping((flags & FLAG_ACK) != 0, uint32(0) << 32 | uint32(4));
    }

    private void readGoAway(Handler handler, int length, int streamId) throws IOException {
        requireConnection(TYPE_GOAWAY, streamId);
        if (length < 8) {
            throw Http2Exception.connectionError(FRAME_SIZE_ERROR, "GOAWAY frame of " + length
                    + " bytes, must be at least 8");
        }
        int lastStreamId = (int) (uint32(0) & 0x7fff_ffffL);
        handler.goAway(lastStreamId, uint32(4), Arrays.copyOfRange(buf, 8, length));
    }

    private void readWindowUpdate(Handler handler, int length, int streamId) throws IOException {
        if (length != 4) {
            throw Http2Exception.connectionError(FRAME_SIZE_ERROR, "WINDOW_UPDATE frame of " + length
                    + " bytes, must be 4");
        }
        int increment = (int) (uint32(0) & 0x7fff_ffffL);
        if (increment == 0) {
            String message = "WINDOW_UPDATE with an increment of 0";
            throw streamId == 0 ? Http2Exception.connectionError(PROTOCOL_ERROR, message)
                    : Http2Exception.streamError(streamId, PROTOCOL_ERROR, message);
        }
        handler.windowUpdate(streamId, increment);
    }

    /** The padding length of a DATA or HEADERS frame (0 if not padded), checked against the frame's length. */
    private int padding(int type, int length, int flags) throws Http2Exception {
        if ((flags & FLAG_PADDED) == 0) {
            return 0;
        }
        if (length < 1) {
            throw Http2Exception.connectionError(FRAME_SIZE_ERROR, "padded " + typeName(type)
                    + " frame without its pad length");
        }
        int pad = buf[0] & 0xff;
        if (pad >= length) {
            throw Http2Exception.connectionError(PROTOCOL_ERROR, typeName(type) + " frame of " + length
                    + " bytes with " + pad + " bytes of padding");
        }
        return pad;
    }

    private static void requireStream(int type, int streamId) throws Http2Exception {
        if (streamId == 0) {
            throw Http2Exception.connectionError(PROTOCOL_ERROR, typeName(type) + " frame on stream 0");
        }
    }

    private static void requireConnection(int type, int streamId) throws Http2Exception {
        if (streamId != 0) {
            throw Http2Exception.connectionError(PROTOCOL_ERROR, typeName(type) + " frame on stream " + streamId
                    + ", must be on stream 0");
        }
    }

    private long uint32(int p) {
        return (buf[p] & 0xffL) << 24 | (buf[p + 1] & 0xff) << 16 | (buf[p + 2] & 0xff) << 8 | buf[p + 3] & 0xff;
    }

    private boolean readFully(byte[] into, int off, int len, boolean eofAllowedAtStart) throws IOException {
        int done = 0;
        while (done < len) {
            int n = in.read(into, off + done, len - done);
            if (n < 0) {
                if (done == 0 && eofAllowedAtStart) {
                    return false;
                }
                throw new EOFException("HTTP/2 connection ended inside a frame (" + done + " of " + len + " bytes)");
            }
            done += n;
        }
        return true;
    }
}
