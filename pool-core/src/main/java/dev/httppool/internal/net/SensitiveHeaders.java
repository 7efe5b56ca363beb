package dev.httppool.internal.net;

import java.util.Locale;
import java.util.Set;

/**
 * The header fields whose values are secrets: never shown in logs, messages or {@code toString}, and dropped
 * when a redirect leaves the original host and port or goes from https to http. The union of what Go's client
 * strips on such redirects
 * ({@code Authorization}, {@code Www-Authenticate}, {@code Cookie}, {@code Cookie2}, {@code Proxy-Authorization},
 * {@code Proxy-Authenticate}) and the response's {@code Set-Cookie}.
 */
public final class SensitiveHeaders {

    private static final Set<String> NAMES = Set.of("authorization", "proxy-authorization", "www-authenticate",
            "proxy-authenticate", "cookie", "cookie2", "set-cookie");

    private SensitiveHeaders() {
    }

    /** Whether the field {@code name} (any case) holds a secret. */
    public static boolean contains(String name) {
        return name != null && NAMES.contains(name.toLowerCase(Locale.ROOT));
    }

    /** The names, lower-case. */
    public static Set<String> names() {
        return NAMES;
    }
}
