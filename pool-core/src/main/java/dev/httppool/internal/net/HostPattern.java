package dev.httppool.internal.net;

import java.util.Locale;

/**
 * The {@code match} of a per-host override, and the one home of its syntax and of what it matches. Four forms:
 * <ul>
 * <li>{@code host}: that host, any scheme and port;
 * <li>{@code host:port}: that host on that port, any scheme;
 * <li>{@code *.domain}: any subdomain of {@code domain} (at any depth), any scheme and port, but not
 *     {@code domain} itself (list it as its own entry);
 * <li>{@code scheme://host[:port]}: a base URL, {@code http} or {@code https}, the port defaulted by the scheme
 *     (80, 443); it names one target that can be dialed.
 * </ul>
 * Hosts are compared as pool keys hold them ({@link Hosts#canonical}): lower-cased, an internationalised name in
 * punycode, an IPv6 literal without brackets and as written. A name with a trailing dot is refused, as it is in
 * request URLs.
 */
public final class HostPattern {

    /** The forms of a match. */
    public enum Form { HOST, HOST_PORT, DOMAIN, BASE_URL }

    private static final String SYNTAX = "host, host:port, *.domain or scheme://host[:port]";

    private final Form form;
    private final String scheme;
    private final String host;
    private final int port;

    private HostPattern(Form form, String scheme, String host, int port) {
        this.form = form;
        this.scheme = scheme;
        this.host = host;
        this.port = port;
    }

    /**
     * Reads a match.
     *
     * @throws IllegalArgumentException naming the forms and the value when {@code match} is none of them
     */
    public static HostPattern parse(String match) {
        if (match == null || match.isBlank()) {
            throw invalid(match, "it is empty");
        }
        String m = match.trim();
        int schemeEnd = m.indexOf("://");
        if (schemeEnd >= 0) {
            String scheme = m.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
            int defaultPort = Ports.defaultPort(scheme);
            if (defaultPort < 0) {
                throw invalid(match, "the scheme must be http or https");
            }
            String authority = m.substring(schemeEnd + 3);
            if (authority.endsWith("/")) {
                authority = authority.substring(0, authority.length() - 1);
            }
            if (authority.indexOf('@') >= 0) {
                throw invalid(match, "a base URL has no user info");
            }
            if (authority.indexOf('/') >= 0 || authority.indexOf('?') >= 0 || authority.indexOf('#') >= 0) {
                throw invalid(match, "a base URL has no path, query or fragment");
            }
            String[] hostPort = splitHostPort(match, authority, true);
            int port = hostPort[1] == null ? defaultPort : port(match, hostPort[1]);
            return new HostPattern(Form.BASE_URL, scheme, host(match, hostPort[0]), port);
        }
        if (m.startsWith("*.")) {
            String domain = m.substring(2);
            if (domain.indexOf(':') >= 0) {
                throw invalid(match, "a *.domain match takes no port");
            }
            return new HostPattern(Form.DOMAIN, null, "." + host(match, domain), -1);
        }
        String[] hostPort = splitHostPort(match, m, false);
        if (hostPort[1] == null) {
            return new HostPattern(Form.HOST, null, host(match, hostPort[0]), -1);
        }
        return new HostPattern(Form.HOST_PORT, null, host(match, hostPort[0]), port(match, hostPort[1]));
    }

    /**
     * Whether a target matches.
     *
     * @param scheme the target's scheme, lower case
     * @param host the target's canonical host ({@link Hosts#canonical}), without brackets
     * @param port the target's port
     */
    public boolean matches(String scheme, String host, int port) {
        switch (form) {
            case HOST:
                return this.host.equals(host);
            case HOST_PORT:
                return this.port == port && this.host.equals(host);
            case DOMAIN:
                return host.length() > this.host.length() && host.endsWith(this.host);
            default:
                return this.port == port && this.host.equals(host) && this.scheme.equals(scheme);
        }
    }

    public Form form() {
        return form;
    }

    /** The canonical base URL {@code scheme://host:port} of a {@link Form#BASE_URL} match, else null. */
    public String baseUrl() {
        return form == Form.BASE_URL ? scheme + "://" + Hosts.joinHostPort(host, port) : null;
    }

    /** {@code [host, port or null]}; an IPv6 literal in brackets, or bare (then without a port) outside a URL. */
    private static String[] splitHostPort(String match, String s, boolean url) {
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw invalid(match, "an IPv6 address needs its closing ']'");
            }
            String rest = s.substring(close + 1);
            if (!rest.isEmpty() && !rest.startsWith(":")) {
                throw invalid(match, "only a port may follow ']'");
            }
            return new String[] {s.substring(1, close), rest.isEmpty() ? null : rest.substring(1)};
        }
        int colon = s.indexOf(':');
        if (colon < 0) {
            return new String[] {s, null};
        }
        if (s.indexOf(':', colon + 1) >= 0) {
            if (url) {
                throw invalid(match, "an IPv6 address in a URL must be in brackets");
            }
            return new String[] {s, null}; // a bare IPv6 address
        }
        return new String[] {s.substring(0, colon), s.substring(colon + 1)};
    }

    private static String host(String match, String host) {
        if (host.isEmpty()) {
            throw invalid(match, "the host is empty");
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c == '*' || c == '/' || c == '@' || c == '?' || c == '#' || c == '[' || c == ']'
                    || Character.isWhitespace(c)) {
                throw invalid(match, "the host may not contain '" + c + "'");
            }
        }
        try {
            Hosts.requireNoTrailingDot(host);
            return Hosts.canonical(host);
        } catch (IllegalArgumentException e) {
            throw invalid(match, e.getMessage());
        }
    }

    private static int port(String match, String text) {
        int port = Ports.parse(text);
        if (port < 0) {
            throw invalid(match, "the port must be 1-65535");
        }
        return port;
    }

    private static IllegalArgumentException invalid(String match, String why) {
        String shown = match == null ? "nothing" : Credentials.redactUrl(match); // a base URL's password never
        return new IllegalArgumentException("match must be " + SYNTAX + " (" + why + "), was '" + shown + "'");
    }

    @Override
    public String toString() {
        switch (form) {
            case HOST:
                return host;
            case HOST_PORT:
                return Hosts.joinHostPort(host, port);
            case DOMAIN:
                return "*" + host;
            default:
                return baseUrl();
        }
    }
}
