package dev.httppool.internal.http1;

import dev.httppool.Headers;
import java.net.ProtocolException;

/**
 * How a response body is delimited on the wire (RFC 9112 section 6.3): not at all, by a Content-Length, by
 * the chunked transfer coding, or by the server closing the connection.
 */
public final class BodyFraming {

    /** The kinds of body delimitation. */
    public enum Kind {
        /** No body: a response to HEAD, a 1xx, 204 or 304. */
        NONE,
        /** Exactly {@link #length()} bytes. */
        FIXED,
        /** The chunked transfer coding; see {@link ChunkedInputStream}. */
        CHUNKED,
        /** Everything until the server closes the connection, which cannot be reused. */
        UNTIL_CLOSE
    }

    private static final BodyFraming NONE = new BodyFraming(Kind.NONE, -1, -1);
    private static final BodyFraming EMPTY = new BodyFraming(Kind.FIXED, 0, 0);
    private static final BodyFraming CHUNKED = new BodyFraming(Kind.CHUNKED, -1, -1);
    private static final BodyFraming UNTIL_CLOSE = new BodyFraming(Kind.UNTIL_CLOSE, -1, -1);

    private final Kind kind;
    private final long length;
    private final long reportedLength;

    private BodyFraming(Kind kind, long length, long reportedLength) {
        this.kind = kind;
        this.length = length;
        this.reportedLength = reportedLength;
    }

    /** How the body is delimited. */
    public Kind kind() {
        return kind;
    }

    /** The body's length for {@link Kind#FIXED} (possibly 0); -1 for the other kinds. */
    public long length() {
        return length;
    }

    /**
     * The length to report as the response's content length: {@link #length()} for {@link Kind#FIXED}; for a
     * response to {@code HEAD}, the Content-Length it declares for the body a GET would get (as Go's
     * {@code readTransfer}), or -1 without one or beside a Transfer-Encoding; otherwise -1.
     */
    public long reportedLength() {
        return reportedLength;
    }

    /**
     * Decides the framing of the response to a request with method {@code requestMethod}. An HTTP/1.0 response
     * with a Transfer-Encoding is not chunked (HTTP/1.0 has no transfer codings): RFC 9112 section 6.1 calls its
     * framing faulty, so its body runs until the connection closes, and the connection is not reused.
     *
     * @throws ProtocolException if an HTTP/1.1 response has both Transfer-Encoding and Content-Length, a
     *     Transfer-Encoding other than a single {@code chunked}, or an invalid or conflicting Content-Length (for a
     *     response to {@code HEAD}, only the last of these)
     */
    public static BodyFraming of(String requestMethod, ResponseHead head) throws ProtocolException {
        return of(requestMethod, head.status(), head.minorVersion(), head.headers());
    }

    /**
     * As {@link #of(String, ResponseHead)}, for a head of {@code status}, HTTP/1.{@code minorVersion} and header
     * fields {@code h}.
     */
    public static BodyFraming of(String requestMethod, int status, int minorVersion, Headers h)
            throws ProtocolException {
        if ("HEAD".equals(requestMethod)) {
            boolean declared = h.contains("Content-Length") && !h.contains("Transfer-Encoding");
            return declared ? new BodyFraming(Kind.NONE, -1, contentLength(h)) : NONE;
        }
        if (status < 200 || status == 204 || status == 304) {
            return NONE;
        }
        boolean hasTe = false;
        boolean hasCl = false;
        for (int i = 0, n = h.size(); i < n; i++) {
            String name = h.name(i);
            if (name.equalsIgnoreCase("Transfer-Encoding")) {
                hasTe = true;
            } else if (name.equalsIgnoreCase("Content-Length")) {
                hasCl = true;
            }
        }
        if (hasTe && minorVersion == 0) {
            return UNTIL_CLOSE; // faulty framing: neither the coding nor a Content-Length beside it is trusted
        }
        if (hasTe && hasCl) {
            throw new ProtocolException("response has both Transfer-Encoding and Content-Length");
        }
        if (hasTe) {
            return chunked(h);
        }
        if (hasCl) {
            long length = contentLength(h);
            return length == 0 ? EMPTY : new BodyFraming(Kind.FIXED, length, length);
        }
        return UNTIL_CLOSE;
    }

    private static BodyFraming chunked(Headers h) throws ProtocolException {
        int codings = 0;
        boolean onlyChunked = true;
        for (int i = 0, n = h.size(); i < n; i++) {
            if (!h.name(i).equalsIgnoreCase("Transfer-Encoding")) {
                continue;
            }
            String v = h.value(i);
            int start = 0;
            while (start <= v.length()) {
                int comma = v.indexOf(',', start);
                int end = comma < 0 ? v.length() : comma;
                int s = skipOws(v, start, end);
                int e = trimOws(v, s, end);
                if (s < e) {
                    codings++;
                    if (e - s != 7 || !v.regionMatches(true, s, "chunked", 0, 7)) {
                        onlyChunked = false;
                    }
                }
                start = end + 1;
            }
        }
        if (codings == 1 && onlyChunked) {
            return CHUNKED;
        }
        throw new ProtocolException("unsupported Transfer-Encoding: " + Http1Text.quote(String.join(", ",
                h.all("Transfer-Encoding"))));
    }

    private static long contentLength(Headers h) throws ProtocolException {
        long length = -1;
        for (int i = 0, n = h.size(); i < n; i++) {
            if (!h.name(i).equalsIgnoreCase("Content-Length")) {
                continue;
            }
            String v = h.value(i);
            int start = 0;
            while (start <= v.length()) {
                int comma = v.indexOf(',', start);
                int end = comma < 0 ? v.length() : comma;
                int s = skipOws(v, start, end);
                long value = parseLength(v, s, trimOws(v, s, end));
                if (length >= 0 && value != length) {
                    throw new ProtocolException("conflicting Content-Length values: " + Http1Text.quote(
                            String.join(", ", h.all("Content-Length"))));
                }
                length = value;
                start = end + 1;
            }
        }
        return length;
    }

    private static long parseLength(String v, int start, int end) throws ProtocolException {
        if (start == end) {
            throw invalidLength(v);
        }
        long value = 0;
        for (int i = start; i < end; i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                throw invalidLength(v);
            }
            int d = c - '0';
            if (value > (Long.MAX_VALUE - d) / 10) {
                throw new ProtocolException("Content-Length too large: " + Http1Text.quote(v));
            }
            value = value * 10 + d;
        }
        return value;
    }

    private static ProtocolException invalidLength(String v) {
        return new ProtocolException("invalid Content-Length: " + Http1Text.quote(v));
    }

    private static int skipOws(String v, int i, int end) {
        while (i < end && (v.charAt(i) == ' ' || v.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    private static int trimOws(String v, int start, int end) {
        while (end > start && (v.charAt(end - 1) == ' ' || v.charAt(end - 1) == '\t')) {
            end--;
        }
        return end;
    }

    @Override
    public String toString() {
        return kind == Kind.FIXED ? "FIXED(" + length + ")" : kind.name();
    }
}
