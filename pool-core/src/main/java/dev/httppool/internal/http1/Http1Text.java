package dev.httppool.internal.http1;

import dev.httppool.Headers;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;

/** Byte-level helpers shared by the HTTP/1.1 parsers: token tables, field-line parsing, safe quoting. */
public final class Http1Text {

    /** The most header (or trailer) fields accepted in one section. */
    static final int MAX_FIELDS = 10_000;

    /** How many characters of an offending line an error message quotes. */
    private static final int QUOTE_LIMIT = 64;

    private static final boolean[] TCHAR = new boolean[256];
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** Frequent response field names, in the shared strings from the start when spelled exactly so. */
    private static final String[] COMMON_NAMES = {
        "Date", "Server", "Content-Type", "Content-Length", "Connection", "Transfer-Encoding",
        "Cache-Control", "Content-Encoding", "Keep-Alive", "Vary", "ETag", "Last-Modified", "Expires",
        "Location", "Set-Cookie", "Accept-Ranges", "Age", "Via", "Trailer", "content-type", "content-length",
        "date", "server", "connection", "transfer-encoding", "cache-control", "vary", "etag",
    };

    static {
        for (char c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
        }
        for (char c = 'A'; c <= 'Z'; c++) {
            TCHAR[c] = true;
        }
        for (char c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
        for (String name : COMMON_NAMES) {
            FieldStrings.seed(name);
        }
    }

    private Http1Text() {
    }

    /** Whether the byte value {@code b} (0..255) is an RFC 9110 tchar. */
    public static boolean isTchar(int b) {
        return TCHAR[b & 0xff];
    }

    /**
     * Parses one field line {@code name ":" OWS value OWS} (the line terminator already removed) and adds
     * it to {@code into}. {@code section} names the section in error messages ("header" or "trailer"). The checks
     * here are those {@link Headers.Builder#add} makes (a token name; no control byte but HTAB in the value;
     * surrounding spaces and tabs dropped), so the field is added without repeating them.
     */
    static void parseField(byte[] a, int off, int len, ParsedFields into, String section)
            throws ProtocolException {
        int end = off + len;
        byte first = a[off];
        if (first == ' ' || first == '\t') {
            throw new ProtocolException("obsolete line folding is not supported in response " + section
                    + " fields: " + quote(a, off, len));
        }
        int colon = -1;
        for (int i = off; i < end; i++) {
            int c = a[i] & 0xff;
            if (c == ':') {
                colon = i;
                break;
            }
            if (!TCHAR[c]) {
                throw new ProtocolException("malformed response " + section + " field name in line: "
                        + quote(a, off, len));
            }
        }
        if (colon < 0) {
            throw new ProtocolException("malformed response " + section + " line (no colon): "
                    + quote(a, off, len));
        }
        if (colon == off) {
            throw new ProtocolException("empty response " + section + " field name in line: "
                    + quote(a, off, len));
        }
        int vs = colon + 1;
        while (vs < end && (a[vs] == ' ' || a[vs] == '\t')) {
            vs++;
        }
        int ve = end;
        while (ve > vs && (a[ve - 1] == ' ' || a[ve - 1] == '\t')) {
            ve--;
        }
        for (int i = vs; i < ve; i++) {
            int c = a[i] & 0xff;
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                throw new ProtocolException("invalid character \\x" + HEX[c >> 4] + HEX[c & 15]
                        + " in value of response " + section + " field "
                        + quote(a, off, colon - off));
            }
        }
        String name = fieldName(a, off, colon - off);
        String value = FieldStrings.isSensitive(name) ? new String(a, vs, ve - vs, StandardCharsets.ISO_8859_1)
                : FieldStrings.of(a, vs, ve - vs);
        into.add(name, value);
    }

    /** The field name's String: one already made for the same bytes when there is one (frequent names always). */
    private static String fieldName(byte[] a, int off, int len) {
        return FieldStrings.of(a, off, len);
    }

    /**
     * A double-quoted, log-safe rendering of at most {@value #QUOTE_LIMIT} bytes: control, non-ASCII,
     * quote and backslash characters are escaped, and "..." marks a cut.
     */
    public static String quote(byte[] a, int off, int len) {
        int n = Math.min(len, QUOTE_LIMIT);
        StringBuilder sb = new StringBuilder(n + 8).append('"');
        for (int i = 0; i < n; i++) {
            appendEscaped(sb, a[off + i] & 0xff);
        }
        sb.append('"');
        if (len > n) {
            sb.append("...");
        }
        return sb.toString();
    }

    /** Like {@link #quote(byte[], int, int)}, for a string. */
    public static String quote(String s) {
        if (s == null) {
            return "null";
        }
        int n = Math.min(s.length(), QUOTE_LIMIT);
        StringBuilder sb = new StringBuilder(n + 8).append('"');
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c > 0xff) {
                sb.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 15]).append(HEX[(c >> 4) & 15])
                        .append(HEX[c & 15]);
            } else {
                appendEscaped(sb, c);
            }
        }
        sb.append('"');
        if (s.length() > n) {
            sb.append("...");
        }
        return sb.toString();
    }

    private static void appendEscaped(StringBuilder sb, int c) {
        if (c < 0x20 || c >= 0x7f) {
            sb.append("\\x").append(HEX[c >> 4]).append(HEX[c & 15]);
        } else if (c == '"' || c == '\\') {
            sb.append('\\').append((char) c);
        } else {
            sb.append((char) c);
        }
    }
}
