package dev.httppool.internal.http2;

import java.io.IOException;

/**
 * A violation of RFC 9113 or RFC 7541 by the peer (or a limit of ours it exceeded), with the error code to send
 * back. A connection error (stream id 0) ends the connection with GOAWAY; a stream error names the stream to reset
 * with RST_STREAM while the connection goes on. When the reader or decoder throws a stream error it has consumed
 * the whole frame and kept the HPACK state in step, so the connection may read on.
 */
public final class Http2Exception extends IOException {

    private static final long serialVersionUID = 1L;

    private final int errorCode;
    private final int streamId;

    private Http2Exception(int errorCode, int streamId, String message) {
        super(message);
        this.errorCode = errorCode;
        this.streamId = streamId;
    }

    /** An error that ends the connection: GOAWAY with {@code errorCode}. */
    public static Http2Exception connectionError(int errorCode, String message) {
        return new Http2Exception(errorCode, 0, "HTTP/2 connection error " + Http2Frames.errorName(errorCode)
                + ": " + message);
    }

    /** An error that ends one stream: RST_STREAM {@code streamId} with {@code errorCode}. */
    public static Http2Exception streamError(int streamId, int errorCode, String message) {
        if (streamId <= 0) {
            throw new IllegalArgumentException("a stream error needs a stream id > 0, was " + streamId);
        }
        return new Http2Exception(errorCode, streamId, "HTTP/2 stream " + streamId + " error "
                + Http2Frames.errorName(errorCode) + ": " + message);
    }

    /** The RFC 9113 §7 error code to send to the peer. */
    public int errorCode() {
        return errorCode;
    }

    /** The stream to reset, or 0 for a connection error. */
    public int streamId() {
        return streamId;
    }

    /** Whether the whole connection must end (GOAWAY) rather than one stream (RST_STREAM). */
    public boolean isConnectionError() {
        return streamId == 0;
    }
}
