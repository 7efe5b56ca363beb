package dev.httppool.internal.net;

import java.net.URI;

/** The default ports of the schemes this library speaks, and the range a port must be in. */
public final class Ports {

    /** The default port of {@code http}, also the default port of an http proxy. */
    public static final int HTTP = 80;
    /** The default port of {@code https}. */
    public static final int HTTPS = 443;

    private Ports() {
    }

    /** 80 for {@code http}, 443 for {@code https} (in any case); -1 for any other scheme. */
    public static int defaultPort(String scheme) {
        if ("http".equalsIgnoreCase(scheme)) {
            return HTTP;
        }
        if ("https".equalsIgnoreCase(scheme)) {
            return HTTPS;
        }
        return -1;
    }

    /** The URI's port, or its scheme's default when it names none. */
    public static int of(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : defaultPort(uri.getScheme());
    }

    /** Whether {@code port} is the default port of {@code scheme}. */
    public static boolean isDefault(String scheme, int port) {
        return port == defaultPort(scheme);
    }

    /** Whether {@code port} is a TCP port a connection can be made to: 1-65535. */
    public static boolean isValid(int port) {
        return port >= 1 && port <= 65535;
    }

    /**
     * The port written as decimal digits in {@code s} when it is 1-65535, else -1. Signs, spaces and leading zeros
     * are refused: a NO_PROXY port is compared as written, as Go compares it, so {@code 080} would never match.
     */
    public static int parse(String s) {
        if (s.isEmpty() || s.length() > 5 || s.charAt(0) == '0') {
            return -1;
        }
        int port = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            port = port * 10 + (c - '0');
        }
        return isValid(port) ? port : -1;
    }
}
