package dev.httppool;

import java.net.IDN;
import java.net.URI;
import java.util.Locale;

/**
 * The pool key, Go's {@code connectMethodKey}: connections are shared only between requests with equal keys.
 *
 * @param proxy the proxy URI as shown (credentials masked), or {@code ""} for a direct connection
 * @param scheme {@code http} or {@code https}
 * @param address the canonical {@code host:port} of the target, the port always explicit; IPv6 hosts in brackets
 * @param onlyH1 whether the request must use HTTP/1 (Go sets it for upgrade requests); shown as {@code ,h1}.
 *     This client speaks only HTTP/1.1, so the keys it makes have it false
 */
public record ConnectMethodKey(String proxy, String scheme, String address, boolean onlyH1) {

    public ConnectMethodKey {
        if (proxy == null || scheme == null || address == null) {
            throw new NullPointerException("proxy, scheme and address must not be null");
        }
    }

    /** The direct (no proxy) key of a request URI: scheme and canonical {@code host:port}. */
    public static ConnectMethodKey direct(URI uri) {
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        return new ConnectMethodKey("", scheme, canonicalAddress(uri), false);
    }

    /** {@code host:port} with the host lower-cased and converted to ASCII (punycode), the port defaulted. */
    static String canonicalAddress(URI uri) {
        String host = uri.getHost();
        if (host == null) {
            throw new IllegalArgumentException("URI has no host: " + uri);
        }
        int port = uri.getPort();
        if (port < 0) {
            port = "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        }
        String h = host;
        if (!h.startsWith("[")) {
            h = h.indexOf(':') >= 0 ? "[" + h + "]" : IDN.toASCII(h, IDN.ALLOW_UNASSIGNED);
        }
        return h.toLowerCase(Locale.ROOT) + ":" + port;
    }

    /** The host part of {@link #address()}, without brackets. */
    public String host() {
        int colon = address.lastIndexOf(':');
        String h = colon < 0 ? address : address.substring(0, colon);
        return h.startsWith("[") ? h.substring(1, h.length() - 1) : h;
    }

    /** The port part of {@link #address()}. */
    public int port() {
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }

    /** Go's format: {@code proxy|scheme[,h1]|address}, e.g. {@code |http|127.0.0.1:8080}. */
    @Override
    public String toString() {
        return proxy + '|' + scheme + (onlyH1 ? ",h1" : "") + '|' + address;
    }
}
