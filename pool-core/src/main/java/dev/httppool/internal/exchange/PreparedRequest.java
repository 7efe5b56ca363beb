package dev.httppool.internal.exchange;

import dev.httppool.ConnectMethodKey;
import dev.httppool.Headers;
import dev.httppool.Request;
import dev.httppool.RequestBody;
import dev.httppool.TransportConfig;
import dev.httppool.internal.ApiAccess;
import dev.httppool.internal.net.Credentials;
import dev.httppool.internal.net.HeaderTokens;
import dev.httppool.internal.net.Hosts;
import dev.httppool.internal.net.Ports;
import java.net.URI;

/** A request as it goes on the wire: target, final headers and framing decisions, computed once per call. */
public final class PreparedRequest {

    final Request original;
    final String target;
    final Headers headers;
    final RequestBody body;
    /** Closes {@link #body} once this request's roundTrip is over. */
    final RequestBodyCloser bodyCloser;
    final boolean close;
    final boolean addedGzip;
    final boolean expectContinue;
    final int readTimeoutMillis;

    /**
     * @param bodyCloser the closer of {@code original}'s body, which the roundTrip closes when it is over; null
     *     when the request has no body
     */
    public PreparedRequest(Request original, RequestBodyCloser bodyCloser, TransportConfig config, ConnectMethodKey key,
            String userAgent) {
        this.original = original;
        this.bodyCloser = bodyCloser;
        URI uri = original.uri();
        String originForm = originForm(uri);
        ApiAccess api = ApiAccess.get();
        boolean forwardProxy = api.proxyUri(key) != null && key.scheme().equals("http");
        String authority = hostHeader(uri);
        // Through a forwarding proxy the request line carries the absolute URI (without userinfo).
        this.target = forwardProxy ? "http://" + authority + originForm : originForm;
        Headers h = original.headers();
        this.body = original.body();
        String method = original.method();
        boolean close = false;
        boolean expect100 = false;
        boolean acceptEncoding = false;
        boolean range = false;
        boolean hasUserAgent = false;
        boolean authorization = false;
        boolean proxyAuthorization = false;
        String host = null;
        int n = h.size();
        // One pass over the caller's headers for every name the transport looks at (no scan per name).
        for (int i = 0; i < n; i++) {
            String name = h.name(i);
            switch (name.length()) {
                case 4:
                    if (host == null && name.equalsIgnoreCase("Host")) {
                        host = h.value(i);
                    }
                    break;
                case 5:
                    range |= name.equalsIgnoreCase("Range");
                    break;
                case 6:
                    expect100 |= name.equalsIgnoreCase("Expect") && HeaderTokens.contains(h.value(i), "100-continue");
                    break;
                case 10:
                    hasUserAgent |= name.equalsIgnoreCase("User-Agent");
                    close |= name.equalsIgnoreCase("Connection") && HeaderTokens.contains(h.value(i), "close");
                    break;
                case 13:
                    authorization |= name.equalsIgnoreCase("Authorization");
                    break;
                case 15:
                    acceptEncoding |= name.equalsIgnoreCase("Accept-Encoding");
                    break;
                case 19:
                    proxyAuthorization |= name.equalsIgnoreCase("Proxy-Authorization");
                    break;
                default:
                    break;
            }
        }
        this.addedGzip = !config.disableCompression() && !acceptEncoding && !range && !method.equals("HEAD");
        this.expectContinue = body != null && body.contentLength() != 0 && expect100;
        this.readTimeoutMillis = original.readTimeout() == null ? 0
                : (int) Math.max(1, Math.min(Integer.MAX_VALUE, original.readTimeout().toMillis()));

        Headers.Builder b = api.headersBuilder(n + 4);
        api.addTrusted(b, "Host", host != null ? host : authority);
        for (int i = 0; i < n; i++) {
            String name = h.name(i);
            if (name.equalsIgnoreCase("Host") || name.equalsIgnoreCase("Content-Length")
                    || name.equalsIgnoreCase("Transfer-Encoding")) {
                continue;
            }
            if ((name.equalsIgnoreCase("Idempotency-Key") || name.equalsIgnoreCase("X-Idempotency-Key"))
                    && h.value(i).isEmpty()) {
                continue; // an empty key marks the request idempotent but is not sent (as Go)
            }
            api.addTrusted(b, name, h.value(i));
        }
        if (!hasUserAgent) {
            api.addTrusted(b, "User-Agent", userAgent);
        }
        if (body != null) {
            long length = body.contentLength();
            if (length >= 0) {
                api.addTrusted(b, "Content-Length", Long.toString(length));
            } else {
                api.addTrusted(b, "Transfer-Encoding", "chunked");
            }
        } else if (needsZeroLength(method)) {
            api.addTrusted(b, "Content-Length", "0");
        }
        if (addedGzip) {
            api.addTrusted(b, "Accept-Encoding", "gzip");
        }
        String basicAuth = Credentials.basicAuth(uri); // null, without allocating, for no userinfo
        if (basicAuth != null && !authorization) {
            api.addTrusted(b, "Authorization", basicAuth); // Go's Client.send does the same
        }
        if (forwardProxy && !proxyAuthorization) {
            String auth = Credentials.basicAuth(api.proxyUri(key));
            if (auth != null) {
                api.addTrusted(b, "Proxy-Authorization", auth);
            }
        }
        if (config.disableKeepAlives() && !close) {
            api.addTrusted(b, "Connection", "close");
            close = true;
        }
        this.close = close;
        this.headers = b.build();
    }

    /** The path and query as the request line's origin form; the URI's own strings when nothing is added. */
    static String originForm(URI uri) {
        String path = uri.getRawPath();
        String query = uri.getRawQuery();
        if (path == null || path.isEmpty()) {
            return query == null ? "/" : "/?" + query;
        }
        return query == null ? path : path + "?" + query;
    }

    /**
     * The Host header of {@code uri} ({@link Hosts#hostHeader}). Its raw authority is that already when it has no
     * userinfo, an ASCII host and no port or one written as the number it is, other than the scheme's default
     * (the usual case): then no String is built per request.
     */
    static String hostHeader(URI uri) {
        String authority = uri.getRawAuthority();
        String host = uri.getHost();
        int port = uri.getPort();
        if (authority != null && host != null && uri.getRawUserInfo() == null && isAscii(host)
                && authority.startsWith(host)) {
            int rest = authority.length() - host.length();
            if (port < 0 ? rest == 0
                    : !Ports.isDefault(uri.getScheme(), port) && rest == 1 + digits(port)) {
                return authority;
            }
        }
        return Hosts.hostHeader(uri);
    }

    private static int digits(int port) {
        return port < 10 ? 1 : port < 100 ? 2 : port < 1000 ? 3 : port < 10000 ? 4 : 5;
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static boolean needsZeroLength(String method) {
        return method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
    }
}
