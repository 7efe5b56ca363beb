package dev.httppool.internal.net;

import dev.httppool.InvalidProxyException.Setting;
import dev.httppool.InvalidProxyException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The proxy URL rules: Go's reading of {@code HTTP_PROXY} (a value without a scheme means {@code http://}), and
 * what this library can use: an {@code http} proxy with a host and a port of 1-65535 (80 when none is given),
 * optionally with {@code user:password} for Basic proxy authentication. An internationalised host is converted
 * to punycode.
 */
public final class ProxyUrl {

    private ProxyUrl() {
    }

    /**
     * Reads a proxy URL. A value that is not a URI at all is refused in {@link Mode#STRICT} and ignored (null,
     * no proxy) in {@link Mode#LENIENT}, as Go ignores it; a URI this library cannot use (another scheme, no host,
     * a port out of range) is refused in both modes, because ignoring it would send requests around a proxy
     * that was asked for.
     *
     * @return the proxy URI, or null in lenient mode for a blank or unparseable value
     * @throws InvalidProxyException naming the value (password masked) and the rule
     */
    public static URI parse(String value, Mode mode) {
        String v = value.trim();
        if (v.isEmpty()) {
            if (mode == Mode.LENIENT) {
                return null;
            }
            throw invalid(v, "must not be empty");
        }
        if (!v.contains("://")) {
            v = "http://" + v;
        }
        URI uri;
        try {
            uri = new URI(IdnUris.asciiHost(v));
        } catch (URISyntaxException | IllegalArgumentException e) {
            if (mode == Mode.LENIENT) {
                return null;
            }
            String reason = e instanceof URISyntaxException u ? u.getReason() + " at index " + u.getIndex()
                    : "its host is not a valid domain name";
            throw invalid(Credentials.redactUrl(v), "must be a URI (" + reason + ")");
        }
        return check(uri);
    }

    /**
     * Checks a proxy URI, also one a {@link dev.httppool.ProxyResolver} returns for a request: scheme
     * {@code http}, a host, a port of 1-65535 when one is given.
     *
     * @throws InvalidProxyException naming the URI (password masked) and the rule
     */
    public static URI check(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http")) {
            throw invalid(shown(uri), "scheme must be http (the only proxy scheme supported)");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw invalid(shown(uri), "must have a host (a domain name or an IP address)");
        }
        if (uri.getPort() >= 0 && !Ports.isValid(uri.getPort())) {
            throw invalid(shown(uri), "port must be 1-65535");
        }
        return uri;
    }

    private static String shown(URI uri) {
        return Credentials.redactUrl(uri.toString());
    }

    private static InvalidProxyException invalid(String shownValue, String rule) {
        return new InvalidProxyException(Setting.PROXY_URL, shownValue, rule);
    }
}
