package dev.httppool.internal.exchange;

import dev.httppool.ConnectMethodKey;
import dev.httppool.Headers;
import dev.httppool.Request;
import dev.httppool.RequestBody;
import dev.httppool.TransportConfig;
import dev.httppool.internal.ApiAccess;
import dev.httppool.internal.net.Credentials;
import dev.httppool.internal.net.Hosts;

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
        String path = original.uri().getRawPath();
        String query = original.uri().getRawQuery();
        String originForm = (path == null || path.isEmpty() ? "/" : path) + (query == null ? "" : "?" + query);
        boolean forwardProxy = ApiAccess.get().proxyUri(key) != null && key.scheme().equals("http");
        String authority = Hosts.hostHeader(original.uri());
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
        ApiAccess.get().addTrusted(b, "Host", host != null ? host : authority);
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
            ApiAccess.get().addTrusted(b, name, h.value(i));
        }
        if (!h.contains("User-Agent")) {
            ApiAccess.get().addTrusted(b, "User-Agent", userAgent);
        }
        if (body != null) {
            long length = body.contentLength();
            if (length >= 0) {
                ApiAccess.get().addTrusted(b, "Content-Length", Long.toString(length));
            } else {
                ApiAccess.get().addTrusted(b, "Transfer-Encoding", "chunked");
            }
        } else if (needsZeroLength(method)) {
            ApiAccess.get().addTrusted(b, "Content-Length", "0");
        }
        if (addedGzip) {
            ApiAccess.get().addTrusted(b, "Accept-Encoding", "gzip");
        }
        String basicAuth = Credentials.basicAuth(original.uri()); // null, without allocating, for no userinfo
        if (basicAuth != null && !h.contains("Authorization")) {
            ApiAccess.get().addTrusted(b, "Authorization", basicAuth); // Go's Client.send does the same
        }
        if (forwardProxy && !h.contains("Proxy-Authorization")) {
            String auth = Credentials.basicAuth(ApiAccess.get().proxyUri(key));
            if (auth != null) {
                ApiAccess.get().addTrusted(b, "Proxy-Authorization", auth);
            }
        }
        if (config.disableKeepAlives() && !close) {
            ApiAccess.get().addTrusted(b, "Connection", "close");
            close = true;
        }
        this.close = close;
        this.headers = b.build();
    }

    private static boolean needsZeroLength(String method) {
        return method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
    }
}
