package dev.httppool.internal.net;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/** Proxy URI helpers: validation, display with the password masked, and Basic credentials. */
public final class Proxies {

    private Proxies() {
    }

    /**
     * Checks a proxy URI and defaults what Go defaults: no scheme means {@code http}. Only {@code http} proxies
     * are supported; the port defaults to 80.
     */
    public static URI parse(String value) {
        String v = value.trim();
        if (v.isEmpty()) {
            throw new IllegalArgumentException("proxy URL must not be empty");
        }
        if (!v.contains("://")) {
            v = "http://" + v;
        }
        URI uri;
        try {
            uri = URI.create(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid proxy URL '" + redactUnparsed(value) + "'", e);
        }
        return check(uri);
    }

    public static URI check(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http")) {
            throw new IllegalArgumentException("unsupported proxy scheme '" + scheme + "' in " + redact(uri)
                    + " (supported: http)");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("proxy URL has no host: " + redact(uri));
        }
        return uri;
    }

    /** {@code host:port} of the proxy, the port defaulted to 80. */
    public static int port(URI proxy) {
        return proxy.getPort() < 0 ? 80 : proxy.getPort();
    }

    /** The URI as shown anywhere: {@code http://user:***@proxy:3128}, or without userinfo when it has none. */
    public static String redact(URI uri) {
        String raw = uri.getRawUserInfo();
        StringBuilder sb = new StringBuilder();
        sb.append(uri.getScheme()).append("://");
        if (raw != null) {
            int colon = raw.indexOf(':');
            sb.append(colon < 0 ? raw : raw.substring(0, colon)).append(":***@");
        }
        sb.append(uri.getRawAuthority() == null ? "" : hostPort(uri));
        return sb.toString();
    }

    private static String hostPort(URI uri) {
        String host = uri.getHost();
        return uri.getPort() < 0 ? host : host + ":" + uri.getPort();
    }

    /** For error messages about a value that did not even parse: drop anything that looks like userinfo. */
    public static String redactUnparsed(String value) {
        int at = value.lastIndexOf('@');
        if (at < 0) {
            return value;
        }
        int start = value.indexOf("://");
        return (start < 0 ? "" : value.substring(0, start + 3)) + "***@" + value.substring(at + 1);
    }

    /** The {@code Proxy-Authorization} value for the URI's userinfo, or null when it has none. */
    public static String basicAuth(URI proxy) {
        String raw = proxy.getRawUserInfo();
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
