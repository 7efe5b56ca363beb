package dev.httppool.internal.http1;

import dev.httppool.Headers;
import java.util.Objects;

/** The status line and header fields of one HTTP/1.x response, as parsed by {@link ResponseHeadParser}. */
public final class ResponseHead {

    private final int status;
    private final String reason;
    private final int minorVersion;
    private final Headers headers;
    private final long headerBytes;

    /**
     * @param status the three-digit status code, 100..999
     * @param reason the reason phrase, possibly empty
     * @param minorVersion the minor HTTP version, 0..9 ({@code HTTP/1.0} is 0)
     * @param headers the header fields
     * @param headerBytes the bytes the head took on the wire, line terminators included
     */
    public ResponseHead(int status, String reason, int minorVersion, Headers headers, long headerBytes) {
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("status must be 100..999, got " + status);
        }
        if (minorVersion < 0 || minorVersion > 9) {
            throw new IllegalArgumentException("minorVersion must be 0..9, got " + minorVersion);
        }
        this.status = status;
        this.reason = Objects.requireNonNull(reason, "reason");
        this.minorVersion = minorVersion;
        this.headers = Objects.requireNonNull(headers, "headers");
        this.headerBytes = headerBytes;
    }

    /** The three-digit status code, 100..999. */
    public int status() {
        return status;
    }

    /** The reason phrase; empty when the server sent none. */
    public String reason() {
        return reason;
    }

    /** The minor version: 0 for {@code HTTP/1.0}, 1 for {@code HTTP/1.1}. */
    public int minorVersion() {
        return minorVersion;
    }

    /** {@code "HTTP/1.0"}, {@code "HTTP/1.1"} (or, for a server announcing a later 1.x, that version). */
    public String protocol() {
        return protocol(minorVersion);
    }

    /** {@code HTTP/1.<minorVersion>}, a constant for 1.0 and 1.1. */
    static String protocol(int minorVersion) {
        switch (minorVersion) {
            case 0:
                return "HTTP/1.0";
            case 1:
                return "HTTP/1.1";
            default:
                return "HTTP/1." + minorVersion;
        }
    }

    /** The header fields, in the order and spelling received. */
    public Headers headers() {
        return headers;
    }

    /** The bytes of the status line, the header lines and all their line terminators. */
    public long headerBytes() {
        return headerBytes;
    }

    /**
     * Whether the status is 1xx. Note that 101 (Switching Protocols) is 1xx but ends the HTTP exchange: it is
     * not followed by another head.
     */
    public boolean isInformational() {
        return status >= 100 && status <= 199;
    }

    @Override
    public String toString() {
        return protocol() + " " + status + (reason.isEmpty() ? "" : " " + reason) + " " + headers;
    }
}
