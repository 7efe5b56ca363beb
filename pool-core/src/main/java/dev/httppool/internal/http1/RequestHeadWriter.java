package dev.httppool.internal.http1;

import dev.httppool.Headers;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/** Writes an HTTP/1.1 request line and header fields in one write of ISO-8859-1 bytes. */
public final class RequestHeadWriter {

    private static final byte[] VERSION_CRLF = {' ', 'H', 'T', 'T', 'P', '/', '1', '.', '1', '\r', '\n'};

    private RequestHeadWriter() {
    }

    /**
     * Writes {@code METHOD SP target SP HTTP/1.1 CRLF}, each field as {@code Name: value CRLF} (names
     * spelled as given), and the empty line. Does not flush.
     *
     * @throws IllegalArgumentException if {@code method} is not a token, or {@code requestTarget} is empty
     *     or holds a space, control or non-ASCII character
     */
    public static void write(OutputStream out, String method, String requestTarget, Headers headers)
            throws IOException {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(headers, "headers");
        if (!Headers.isToken(method)) {
            throw new IllegalArgumentException("invalid HTTP method: " + Http1Text.quote(method));
        }
        checkTarget(requestTarget);
        if (out instanceof WireOutput) {
            writeBuffered((WireOutput) out, method, requestTarget, headers);
            return;
        }
        long size = (long) method.length() + 1 + requestTarget.length() + VERSION_CRLF.length + 2;
        int n = headers.size();
        for (int i = 0; i < n; i++) {
            size += headers.name(i).length() + 2L + headers.value(i).length() + 2L;
        }
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("request head too large: " + size + " bytes");
        }
        byte[] b = new byte[(int) size];
        int p = put(b, 0, method);
        b[p++] = ' ';
        p = put(b, p, requestTarget);
        System.arraycopy(VERSION_CRLF, 0, b, p, VERSION_CRLF.length);
        p += VERSION_CRLF.length;
        for (int i = 0; i < n; i++) {
            p = put(b, p, headers.name(i));
            b[p++] = ':';
            b[p++] = ' ';
            p = put(b, p, headers.value(i));
            b[p++] = '\r';
            b[p++] = '\n';
        }
        b[p++] = '\r';
        b[p++] = '\n';
        out.write(b, 0, p);
    }

    /** As the array path, into a connection's buffer: the same bytes, without a head-sized array per request. */
    private static void writeBuffered(WireOutput out, String method, String requestTarget, Headers headers)
            throws IOException {
        out.writeLatin1(method);
        out.write(' ');
        out.writeLatin1(requestTarget);
        out.write(VERSION_CRLF, 0, VERSION_CRLF.length);
        for (int i = 0, n = headers.size(); i < n; i++) {
            out.writeLatin1(headers.name(i));
            out.write(':');
            out.write(' ');
            out.writeLatin1(headers.value(i));
            out.write('\r');
            out.write('\n');
        }
        out.write('\r');
        out.write('\n');
    }

    private static void checkTarget(String target) {
        if (target == null || target.isEmpty()) {
            throw new IllegalArgumentException("request target must not be empty");
        }
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                throw new IllegalArgumentException("invalid request target " + Http1Text.quote(target)
                        + ": space, control or non-ASCII character at index " + i);
            }
        }
    }

    /** Copies the Latin-1 string {@code s} into {@code b} at {@code p}; returns the next position. */
    private static int put(byte[] b, int p, String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            b[p + i] = (byte) s.charAt(i);
        }
        return p + s.length();
    }
}
