package dev.httppool.internal.http2;

import java.nio.charset.StandardCharsets;

/**
 * The numbers of RFC 9113: frame types (§6), flags, error codes (§7), settings (§6.5.2), the connection preface
 * (§3.4) and the protocol's fixed sizes. Constants only; {@link FrameReader} and {@link FrameWriter} use them.
 */
public final class Http2Frames {

    /** The client's connection preface, sent before its first SETTINGS frame. */
    static final byte[] CLIENT_PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    public static final int FRAME_HEADER_LENGTH = 9;

    public static final int TYPE_DATA = 0x0;
    public static final int TYPE_HEADERS = 0x1;
    public static final int TYPE_PRIORITY = 0x2;
    public static final int TYPE_RST_STREAM = 0x3;
    public static final int TYPE_SETTINGS = 0x4;
    public static final int TYPE_PUSH_PROMISE = 0x5;
    public static final int TYPE_PING = 0x6;
    public static final int TYPE_GOAWAY = 0x7;
    public static final int TYPE_WINDOW_UPDATE = 0x8;
    public static final int TYPE_CONTINUATION = 0x9;

    public static final int FLAG_END_STREAM = 0x1;
    public static final int FLAG_ACK = 0x1;
    public static final int FLAG_END_HEADERS = 0x4;
    public static final int FLAG_PADDED = 0x8;
    public static final int FLAG_PRIORITY = 0x20;

    public static final int NO_ERROR = 0x0;
    public static final int PROTOCOL_ERROR = 0x1;
    public static final int INTERNAL_ERROR = 0x2;
    public static final int FLOW_CONTROL_ERROR = 0x3;
    public static final int SETTINGS_TIMEOUT = 0x4;
    public static final int STREAM_CLOSED = 0x5;
    public static final int FRAME_SIZE_ERROR = 0x6;
    public static final int REFUSED_STREAM = 0x7;
    public static final int CANCEL = 0x8;
    public static final int COMPRESSION_ERROR = 0x9;
    public static final int CONNECT_ERROR = 0xa;
    public static final int ENHANCE_YOUR_CALM = 0xb;
    public static final int INADEQUATE_SECURITY = 0xc;
    public static final int HTTP_1_1_REQUIRED = 0xd;

    public static final int SETTINGS_HEADER_TABLE_SIZE = 0x1;
    public static final int SETTINGS_ENABLE_PUSH = 0x2;
    public static final int SETTINGS_MAX_CONCURRENT_STREAMS = 0x3;
    public static final int SETTINGS_INITIAL_WINDOW_SIZE = 0x4;
    public static final int SETTINGS_MAX_FRAME_SIZE = 0x5;
    public static final int SETTINGS_MAX_HEADER_LIST_SIZE = 0x6;

    /** SETTINGS_MAX_FRAME_SIZE's initial value and lower bound. */
    public static final int DEFAULT_MAX_FRAME_SIZE = 16_384;
    /** SETTINGS_MAX_FRAME_SIZE's upper bound, 2^24 - 1. */
    public static final int MAX_MAX_FRAME_SIZE = 16_777_215;
    /** SETTINGS_INITIAL_WINDOW_SIZE's initial value, also the connection window's. */
    public static final int DEFAULT_INITIAL_WINDOW_SIZE = 65_535;
    /** The largest flow-control window, 2^31 - 1. */
    public static final int MAX_WINDOW_SIZE = Integer.MAX_VALUE;
    /** SETTINGS_HEADER_TABLE_SIZE's initial value (RFC 7541's dynamic table). */
    public static final int DEFAULT_HEADER_TABLE_SIZE = 4_096;

    private static final String[] ERROR_NAMES = {"NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR",
        "FLOW_CONTROL_ERROR", "SETTINGS_TIMEOUT", "STREAM_CLOSED", "FRAME_SIZE_ERROR", "REFUSED_STREAM", "CANCEL",
        "COMPRESSION_ERROR", "CONNECT_ERROR", "ENHANCE_YOUR_CALM", "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED"};
    private static final String[] TYPE_NAMES = {"DATA", "HEADERS", "PRIORITY", "RST_STREAM", "SETTINGS",
        "PUSH_PROMISE", "PING", "GOAWAY", "WINDOW_UPDATE", "CONTINUATION"};

    /** One SETTINGS parameter; {@code value} is unsigned 32-bit. */
    public record Setting(int id, long value) {
    }

    private Http2Frames() {
    }

    /** The RFC's name of an error code, or its hex value for a code it does not define. */
    public static String errorName(long code) {
        return code >= 0 && code < ERROR_NAMES.length ? ERROR_NAMES[(int) code] : "0x" + Long.toHexString(code);
    }

    /** The RFC's name of a frame type, or its hex value for an unknown type. */
    public static String typeName(int type) {
        return type >= 0 && type < TYPE_NAMES.length ? TYPE_NAMES[type] : "0x" + Integer.toHexString(type);
    }
}
