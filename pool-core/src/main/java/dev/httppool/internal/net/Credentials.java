package dev.httppool.internal.net;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Credentials in URIs ({@code http://user:password@proxy:3128}, {@code https://user:password@api/}): how they
 * are masked wherever a URI is shown (keys, snapshots, meters, messages, logs, {@code toString}) and how they
 * become a {@code Basic} authorization. The one masking rule: {@code user:password@} is shown as
 * {@code user:***@}, and userinfo without a colon (often a token) as {@code ***@}.
 */
public final class Credentials {

    private static final String MASK = "***";

    private Credentials() {
    }

    /** The URI as shown anywhere: {@code scheme://[user:***@]host[:port]}, without path, query or fragment. */
    public static String redact(URI uri) {
        StringBuilder sb = new StringBuilder();
        sb.append(uri.getScheme()).append("://");
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            sb.append(maskUserInfo(userInfo)).append('@');
        }
        if (uri.getHost() != null) {
            sb.append(uri.getHost());
            if (uri.getPort() >= 0) {
                sb.append(':').append(uri.getPort());
            }
        }
        return sb.toString();
    }

    /**
     * The whole URI as shown in a message or {@code toString}: path, query and fragment kept, its userinfo
     * masked (Go's {@code stripPassword}, which keeps a token without a colon; here that is masked too). A URI
     * whose host did not parse is masked as {@link #redactUrl} masks text.
     */
    public static String redactUserInfo(URI uri) {
        String text = uri.toString();
        if (text.indexOf('@') < 0) {
            return text; // no userinfo: nothing to mask, nothing allocated
        }
        if (uri.getHost() == null) {
            return redactUrl(text);
        }
        String userInfo = uri.getRawUserInfo();
        if (userInfo == null) {
            return text; // the '@' is in the path, query or fragment
        }
        int start = text.indexOf("//") + 2;
        if (!text.startsWith(userInfo + "@", start)) {
            return redactUrl(text);
        }
        return text.substring(0, start) + maskUserInfo(userInfo) + text.substring(start + userInfo.length());
    }

    /**
     * A value meant as one URL, as shown in an error message, also when it is not a URI at all: everything from
     * the start (after the scheme's {@code ://} when the value begins with a scheme) to its last {@code @} is
     * userinfo, masked by the one rule. So a password holding any character ({@code /}, {@code @},
     * {@code ://}, quotes, {@code |}, spaces, line breaks) is masked whole; a {@code @} after the host (in a
     * path or query) masks more than the userinfo, never less.
     */
    public static String redactUrl(String value) {
        if (value == null) {
            return null;
        }
        int at = value.lastIndexOf('@');
        if (at < 0) {
            return value;
        }
        int start = schemePrefixLength(value);
        return value.substring(0, start) + maskUserInfo(value.substring(start, at)) + value.substring(at);
    }

    /** The length of a leading {@code scheme://} (RFC 3986 scheme characters), or 0 when there is none. */
    private static int schemePrefixLength(String value) {
        int separator = value.indexOf("://");
        if (separator <= 0) {
            return 0;
        }
        for (int i = 0; i < separator; i++) {
            char c = value.charAt(i);
            boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            if (!letter && (i == 0 || !((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'))) {
                return 0;
            }
        }
        return separator + 3;
    }

    /**
     * {@code text} with the userinfo of every {@code scheme://userinfo@} in it masked; for text that may not even
     * parse as a URI (a bad setting in an error message) and for text holding several URIs (a pool key). A URI
     * ends at a line break, {@code |}, a quote, an angle bracket or the next {@code ://}; its userinfo runs to the
     * last {@code @} before that, so a password holding {@code /}, {@code #}, {@code @} or a space is masked
     * whole (masking too much rather than too little).
     */
    public static String redact(String text) {
        if (text == null || text.indexOf('@') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int copied = 0;
        int scheme = text.indexOf("://");
        while (scheme >= 0) {
            int start = scheme + 3;
            int next = text.indexOf("://", start);
            int end = start;
            while (end < text.length() && end != next && !endsUri(text.charAt(end))) {
                end++;
            }
            int at = text.lastIndexOf('@', end - 1);
            if (at >= start) {
                out.append(text, copied, start).append(maskUserInfo(text.substring(start, at)));
                copied = at;
            }
            scheme = next;
        }
        return out.append(text, copied, text.length()).toString();
    }

    private static boolean endsUri(char c) {
        return c == '\n' || c == '\r' || c == '|' || c == '\'' || c == '"' || c == '<' || c == '>';
    }

    private static String maskUserInfo(String userInfo) {
        int colon = userInfo.indexOf(':');
        return colon < 0 ? MASK : userInfo.substring(0, colon) + ":" + MASK;
    }

    /** The {@code Basic} authorization for the URI's (percent-encoded) userinfo, or null when it has none. */
    public static String basicAuth(URI uri) {
        String raw = uri.getRawUserInfo();
        if (raw == null) {
            return null;
        }
        int colon = raw.indexOf(':');
        String user = percentDecode(colon < 0 ? raw : raw.substring(0, colon));
        String password = colon < 0 ? "" : percentDecode(raw.substring(colon + 1));
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static String percentDecode(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length()) {
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi >= 0 && lo >= 0) {
                    out.write(hi * 16 + lo);
                    i += 2;
                    continue;
                }
            }
            byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
            out.write(b, 0, b.length);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
