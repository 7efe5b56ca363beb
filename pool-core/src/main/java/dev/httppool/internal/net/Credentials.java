package dev.httppool.internal.net;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Credentials in URIs ({@code http://user:password@proxy:3128}): how they are masked wherever a URI is shown
 * (keys, snapshots, meters, messages, logs) and how they become a {@code Basic} authorization. The one masking
 * rule: {@code user:password@} is shown as {@code user:***@}, and userinfo without a colon (often a token) as
 * {@code ***@}.
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
