package dev.httppool.internal.http1;

import dev.httppool.Headers;
import java.io.EOFException;
import java.io.IOException;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;

/**
 * Reads an HTTP/1.x response head (status line and header fields) strictly: malformed status lines,
 * obsolete line folding, whitespace before a colon, control characters in values and oversized heads are
 * all rejected with a {@link ProtocolException}.
 */
public final class ResponseHeadParser {

    private static final byte[] HTTP_1 = {'H', 'T', 'T', 'P', '/', '1', '.'};

    private ResponseHeadParser() {
    }

    /**
     * Reads one response head. A 1xx head is returned like any other: the caller reads the next one.
     *
     * @param in the connection's input, positioned at the start of a response
     * @param maxHeaderBytes the most bytes the status line, header lines and their terminators may take
     * @throws EOFException if the stream ends before any byte of the response (message "server closed
     *     connection before sending a response") or in the middle of the head
     * @throws ProtocolException if the head is malformed or larger than {@code maxHeaderBytes}
     */
    public static ResponseHead read(WireInput in, long maxHeaderBytes) throws IOException {
        return read(in, maxHeaderBytes, ResponseHead::new);
    }

    /** What the parser makes of a head it has read: a {@link ResponseHead}, or the exchange's head directly. */
    @FunctionalInterface
    interface HeadFactory<T> {
        T make(int status, String reason, int minorVersion, Headers headers, long headerBytes);
    }

    /** As {@link #read(WireInput, long)}, making the result with {@code factory} (no intermediate object). */
    static <T> T read(WireInput in, long maxHeaderBytes, HeadFactory<T> factory) throws IOException {
        if (maxHeaderBytes < 1) {
            throw new IllegalArgumentException("maxHeaderBytes must be positive, got " + maxHeaderBytes);
        }
        long start = in.bytesConsumed();
        int len = in.readLineBytes(contentLimit(maxHeaderBytes));
        if (len == WireInput.EOF) {
            throw new EOFException("server closed connection before sending a response");
        }
        long used = in.bytesConsumed() - start;
        if (len == WireInput.TOO_LONG || used > maxHeaderBytes) {
            throw exceeded(maxHeaderBytes);
        }
        byte[] a = in.lineArray();
        int off = in.lineOffset();
        if (!isValidStatusLine(a, off, len)) {
            throw new ProtocolException("malformed HTTP status line: " + Http1Text.quote(a, off, len));
        }
        int minor = a[off + 7] - '0';
        int status = (a[off + 9] - '0') * 100 + (a[off + 10] - '0') * 10 + (a[off + 11] - '0');
        String reason = reason(a, off, len);

        ParsedFields headers = new ParsedFields();
        int fields = 0;
        for (;;) {
            long remaining = maxHeaderBytes - used;
            if (remaining <= 0) {
                throw exceeded(maxHeaderBytes);
            }
            len = in.readLineBytes(contentLimit(remaining));
            if (len == WireInput.EOF) {
                throw new EOFException("unexpected EOF in response headers");
            }
            used = in.bytesConsumed() - start;
            if (len == WireInput.TOO_LONG || used > maxHeaderBytes) {
                throw exceeded(maxHeaderBytes);
            }
            if (len == 0) {
                break;
            }
            if (++fields > Http1Text.MAX_FIELDS) {
                throw new ProtocolException("server response has more than " + Http1Text.MAX_FIELDS
                        + " header fields; aborted");
            }
            Http1Text.parseField(in.lineArray(), in.lineOffset(), len, headers, "header");
        }
        return factory.make(status, reason, minor, headers.toHeaders(), used);
    }

    /** The longest line content that can still fit in {@code remaining} bytes with at least an LF. */
    private static int contentLimit(long remaining) {
        return (int) Math.min(remaining - 1, Integer.MAX_VALUE - 16);
    }

    private static ProtocolException exceeded(long maxHeaderBytes) {
        return new ProtocolException("server response headers exceeded " + maxHeaderBytes + " bytes; aborted");
    }

    /** {@code HTTP/1.<digit> SP 3DIGIT [SP reason]} with a status of 100..999 and no control bytes but HTAB. */
    private static boolean isValidStatusLine(byte[] a, int off, int len) {
        if (len < 12) {
            return false;
        }
        for (int i = 0; i < HTTP_1.length; i++) {
            if (a[off + i] != HTTP_1[i]) {
                return false;
            }
        }
        if (!isDigit(a[off + 7]) || a[off + 8] != ' ') {
            return false;
        }
        if (a[off + 9] < '1' || a[off + 9] > '9' || !isDigit(a[off + 10]) || !isDigit(a[off + 11])) {
            return false;
        }
        if (len == 12) {
            return true;
        }
        if (a[off + 12] != ' ') {
            return false;
        }
        for (int i = off + 13, end = off + len; i < end; i++) {
            int c = a[i] & 0xff;
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                return false;
            }
        }
        return true;
    }

    private static String reason(byte[] a, int off, int len) {
        int n = len - 13;
        if (n <= 0) {
            return "";
        }
        if (n == 2 && a[off + 13] == 'O' && a[off + 14] == 'K') {
            return "OK";
        }
        return new String(a, off + 13, n, StandardCharsets.ISO_8859_1);
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }
}
