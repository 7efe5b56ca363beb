package dev.httppool;

import dev.httppool.internal.net.Credentials;
import dev.httppool.internal.net.Hosts;
import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/**
 * The pool key, Go's {@code connectMethodKey}: connections are shared only between requests with equal keys.
 * It has four parts: the proxy (with its credentials, so different credentials never share a connection),
 * the target scheme, the canonical target {@code host:port} (empty for plain-http targets behind a proxy,
 * which all share the proxy's connections), and whether only HTTP/1 may be used.
 *
 * <p>{@link #toString()} prints Go's format {@code proxy|scheme[,h1]|address} with the proxy's password masked,
 * e.g. {@code |http|127.0.0.1:8080} or {@code http://user:***@proxy:3128|https|api.example.com:443}: keys are
 * shown in snapshots, meters and messages, and credentials never are.
 */
public final class ConnectMethodKey {

    private final URI proxyUri;
    private final String proxy;
    private final String scheme;
    private final String address;
    private final boolean onlyH1;
    private final int hash;
    private final String shown;

    /**
     * A key for a direct connection ({@code proxy} empty) or through a proxy given without credentials.
     *
     * @param proxy the proxy URI, or {@code ""} for none
     * @param scheme {@code http} or {@code https}
     * @param address canonical {@code host:port} of the target (empty for http through a proxy)
     * @param onlyH1 whether only HTTP/1 may be used (Go sets it for upgrades); shown as {@code ,h1}
     */
    public ConnectMethodKey(String proxy, String scheme, String address, boolean onlyH1) {
        this(proxy == null || proxy.isEmpty() ? null : URI.create(proxy), scheme, address, onlyH1);
    }

    private ConnectMethodKey(URI proxyUri, String scheme, String address, boolean onlyH1) {
        this.proxyUri = proxyUri;
        this.proxy = proxyUri == null ? "" : Credentials.redact(proxyUri);
        this.scheme = Objects.requireNonNull(scheme, "scheme");
        this.address = Objects.requireNonNull(address, "address");
        this.onlyH1 = onlyH1;
        this.hash = Objects.hash(proxyUri, scheme, address, onlyH1);
        this.shown = proxy + '|' + scheme + (onlyH1 ? ",h1" : "") + '|' + address;
    }

    /** The direct (no proxy) key of a request URI: scheme and canonical {@code host:port}. */
    public static ConnectMethodKey direct(URI uri) {
        return new ConnectMethodKey((URI) null, uri.getScheme().toLowerCase(Locale.ROOT), Hosts.canonicalAddress(uri), false);
    }

    /**
     * The key of a request to {@code target} through {@code proxy} (null for direct). As in Go, an http target
     * behind a proxy has an empty address: one pool per proxy serves all of them.
     */
    public static ConnectMethodKey of(URI target, URI proxy) {
        if (proxy == null) {
            return direct(target);
        }
        String scheme = target.getScheme().toLowerCase(Locale.ROOT);
        return new ConnectMethodKey(proxy, scheme, scheme.equals("http") ? "" : Hosts.canonicalAddress(target), false);
    }

    /** The proxy as shown (password masked), or {@code ""} for a direct connection. */
    public String proxy() {
        return proxy;
    }

    /** The proxy with its credentials, or null; never show it. */
    URI proxyUri() {
        return proxyUri;
    }

    /**
     * Where connections for this key are dialed: the proxy's canonical {@code host:port} (port 80 when it names
     * none) if there is one, else the target's.
     */
    public String firstHopAddress() {
        return proxyUri == null ? address : Hosts.canonicalAddress(proxyUri);
    }

    public String scheme() {
        return scheme;
    }

    /** The canonical target {@code host:port}; empty for http targets behind a proxy. */
    public String address() {
        return address;
    }

    public boolean onlyH1() {
        return onlyH1;
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

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ConnectMethodKey)) {
            return false;
        }
        ConnectMethodKey k = (ConnectMethodKey) o;
        return onlyH1 == k.onlyH1 && Objects.equals(proxyUri, k.proxyUri) && scheme.equals(k.scheme)
                && address.equals(k.address);
    }

    @Override
    public int hashCode() {
        return hash; // looked up in the pool's map on every request
    }

    /** Go's format: {@code proxy|scheme[,h1]|address}, the proxy's password masked. */
    @Override
    public String toString() {
        return shown; // built once: metrics and snapshots print keys on every event
    }
}
