package dev.httppool.internal.exchange;

import dev.httppool.Headers;
import java.util.concurrent.TimeUnit;

/**
 * What a server says of how long it keeps a connection: {@code Keep-Alive: timeout=N, max=M} (RFC 2068 §19.7.1,
 * still sent by Apache httpd and others). {@code timeout=N} caps the connection's idle time at N seconds minus one
 * (a margin for the server's clock and the request's way over; N of 1 or less: not kept idle); {@code max=M} is
 * how many more requests the server takes on it (M of 0: none). A parameter that is missing or not a number says
 * nothing.
 */
public final class KeepAliveHint {

    /** No {@code Keep-Alive} parameters: nothing changes. */
    public static final KeepAliveHint NONE = new KeepAliveHint(-1, -1);

    /** The idle time the server allows, -1 when it said nothing (0: do not keep the connection idle). */
    public final long idleNanos;
    /** How many more requests the server takes on the connection, -1 when it said nothing. */
    public final long moreRequests;

    private KeepAliveHint(long idleNanos, long moreRequests) {
        this.idleNanos = idleNanos;
        this.moreRequests = moreRequests;
    }

    /** The hint of a response's headers; {@link #NONE} without a {@code Keep-Alive} header (no allocation). */
    public static KeepAliveHint of(Headers headers) {
        String value = headers.first("Keep-Alive");
        if (value == null) {
            return NONE;
        }
        long timeout = -1;
        long max = -1;
        for (String param : value.split(",")) {
            int eq = param.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String name = param.substring(0, eq).trim();
            long n = number(param.substring(eq + 1).trim());
            if (name.equalsIgnoreCase("timeout")) {
                timeout = n;
            } else if (name.equalsIgnoreCase("max")) {
                max = n;
            }
        }
        if (timeout < 0 && max < 0) {
            return NONE;
        }
        long idle = timeout < 0 ? -1 : timeout <= 1 ? 0 : TimeUnit.SECONDS.toNanos(timeout - 1);
        return new KeepAliveHint(idle, max);
    }

    private static long number(String s) {
        if (s.isEmpty() || s.length() > 9) {
            return -1;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return -1;
            }
        }
        return Long.parseLong(s);
    }
}
