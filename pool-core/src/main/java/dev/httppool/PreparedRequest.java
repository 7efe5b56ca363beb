package dev.httppool;

import java.util.Locale;

/** A request as it goes on the wire: target, final headers and framing decisions, computed once per call. */
final class PreparedRequest {

    final Request original;
    final String target;
    final Headers headers;
    final RequestBody body;
    final boolean close;
    final boolean addedGzip;
    final boolean expectContinue;
    final int readTimeoutMillis;

    PreparedRequest(Request original, TransportConfig config, ConnectMethodKey key, String userAgent) {
        this.original = original;
        String path = original.uri().getRawPath();
        String query = original.uri().getRawQuery();
        String originForm = (path == null || path.isEmpty() ? "/" : path) + (query == null ? "" : "?" + query);
        boolean forwardProxy = key.proxyUri() != null && key.scheme().equals("http");
        String authority = hostHeader(original);
        // Through a forwarding proxy the request line carries the absolute URI (without userinfo).
        this.target = forwardProxy ? "http://" + authority + originForm : originForm;
        Headers h = original.headers();
        this.body = original.body();
        String method = original.method();
        this.addedGzip = !config.disableCompression() && !h.contains("Accept-Encoding") && !h.contains("Range")
                && !method.equals("HEAD");
        this.expectContinue = body != null && body.contentLength() != 0 && h.hasToken("Expect", "100-continue");
        boolean close = h.hasToken("Connection", "close");
        this.readTimeoutMillis = original.readTimeout() == null ? 0
                : (int) Math.max(1, Math.min(Integer.MAX_VALUE, original.readTimeout().toMillis()));

        Headers.Builder b = Headers.builder();
        String host = h.first("Host");
        b.addTrusted("Host", host != null ? host : authority);
        for (int i = 0; i < h.size(); i++) {
            String name = h.name(i);
            if (name.equalsIgnoreCase("Host") || name.equalsIgnoreCase("Content-Length")
                    || name.equalsIgnoreCase("Transfer-Encoding")) {
                continue;
            }
            if ((name.equalsIgnoreCase("Idempotency-Key") || name.equalsIgnoreCase("X-Idempotency-Key"))
                    && h.value(i).isEmpty()) {
                continue; // an empty key marks the request idempotent but is not sent (as Go)
            }
            b.addTrusted(name, h.value(i));
        }
        if (!h.contains("User-Agent")) {
            b.addTrusted("User-Agent", userAgent);
        }
        if (body != null) {
            long length = body.contentLength();
            if (length >= 0) {
                b.addTrusted("Content-Length", Long.toString(length));
            } else {
                b.addTrusted("Transfer-Encoding", "chunked");
            }
        } else if (needsZeroLength(method)) {
            b.addTrusted("Content-Length", "0");
        }
        if (addedGzip) {
            b.addTrusted("Accept-Encoding", "gzip");
        }
        if (forwardProxy && !h.contains("Proxy-Authorization")) {
            String auth = Proxies.basicAuth(key.proxyUri());
            if (auth != null) {
                b.addTrusted("Proxy-Authorization", auth);
            }
        }
        if (config.disableKeepAlives() && !close) {
            b.addTrusted("Connection", "close");
            close = true;
        }
        this.close = close;
        this.headers = b.build();
    }

    private static boolean needsZeroLength(String method) {
        return method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
    }

    /** The authority without userinfo; the port only when it is not the scheme's default. */
    static String hostHeader(Request r) {
        String host = r.uri().getHost();
        int port = r.uri().getPort();
        String scheme = r.uri().getScheme().toLowerCase(Locale.ROOT);
        boolean defaultPort = port < 0 || scheme.equals("http") && port == 80 || scheme.equals("https") && port == 443;
        return defaultPort ? host : host + ":" + port;
    }
}
