package dev.httppool.spring.client;

import dev.httppool.Headers;
import dev.httppool.Request;
import dev.httppool.RequestBody;
import dev.httppool.Response;
import dev.httppool.RoundTripper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;

/**
 * Follows redirects the way Go's {@code http.Client} does, on top of any {@link RoundTripper}.
 *
 * <ul>
 * <li>At most {@value #MAX_REDIRECTS} are followed; the next one fails with "stopped after 10 redirects".
 * <li>301, 302 and 303 turn a request other than GET or HEAD into a GET without a body (and without the headers
 * that described the body).
 * <li>307 and 308 keep the method and resend the body; when the body cannot be sent again the 3xx response is
 * returned to the caller instead.
 * <li>A 3xx without a {@code Location} is returned as it is.
 * <li>Every hop carries the first request's headers, except that the credential headers ({@link #SENSITIVE}) are
 * dropped from the first hop that leaves the first request's host and its subdomains, and from every hop after it.
 * <li>Before the next hop, up to {@value #DRAIN_BYTES} bytes of a small or unknown-length redirect body are read
 * and the body is closed, so its connection goes back to the pool.
 * </ul>
 */
final class Redirects {

    static final int MAX_REDIRECTS = 10;
    static final int DRAIN_BYTES = 2048;

    /** Go's list of headers that are not sent to another domain (lower case). */
    static final Set<String> SENSITIVE = Set.of("authorization", "www-authenticate", "cookie", "cookie2",
            "proxy-authorization", "proxy-authenticate");

    private static final Set<String> BODY_HEADERS = Set.of("content-type", "content-length", "content-encoding",
            "content-language", "content-location", "transfer-encoding");

    private Redirects() {
    }

    /** Sends {@code first} and follows its redirects; returns the first response that is not followed. */
    static Response follow(RoundTripper roundTripper, Request first) throws IOException {
        Request request = first;
        boolean stripSensitive = false;
        for (int followed = 0;; followed++) {
            Response response = roundTripper.roundTrip(request);
            Request next = nextRequest(first, request, response, stripSensitive);
            if (next == null) {
                return response;
            }
            discard(response);
            if (followed == MAX_REDIRECTS) {
                throw new IOException(first.method() + " " + first.uri() + ": stopped after " + MAX_REDIRECTS
                        + " redirects");
            }
            stripSensitive = stripSensitive || !mayKeepCredentials(first.uri(), next.uri());
            request = stripSensitive ? withoutSensitiveHeaders(next) : next;
        }
    }

    /** The request that {@code response} redirects to, or null when it is not a redirect to follow. */
    static Request nextRequest(Request first, Request current, Response response, boolean stripSensitive)
            throws IOException {
        int status = response.status();
        String method;
        RequestBody body;
        boolean keepBodyHeaders;
        switch (status) {
            case 301, 302, 303 -> {
                String m = current.method();
                method = m.equals("GET") || m.equals("HEAD") ? m : "GET";
                body = null;
                keepBodyHeaders = false;
            }
            case 307, 308 -> {
                method = current.method();
                body = current.body();
                if (body != null && body.contentLength() != 0 && !body.isReplayable()) {
                    return null; // Go: the body cannot be sent again, so the caller gets the 3xx itself
                }
                keepBodyHeaders = true;
            }
            default -> {
                return null;
            }
        }
        String location = response.headers().first("Location");
        if (location == null || location.isEmpty()) {
            return null;
        }
        URI target = resolve(current.uri(), location);
        Headers.Builder headers = first.headers().toBuilder();
        if (!keepBodyHeaders) {
            for (String name : first.headers().names()) {
                if (BODY_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                    headers.remove(name);
                }
            }
        }
        try {
            return Request.builder(target)
                    .method(method, body)
                    .headers(headers.build())
                    .readTimeout(first.readTimeout())
                    .trace(first.trace())
                    .build();
        } catch (IllegalArgumentException ex) {
            discard(response);
            throw new IOException(first.method() + " " + first.uri() + ": cannot follow redirect to " + target
                    + ": " + ex.getMessage(), ex);
        }
    }

    private static URI resolve(URI base, String location) throws IOException {
        try {
            return base.resolve(new URI(location));
        } catch (URISyntaxException ex) {
            throw new IOException("failed to parse Location header " + location + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * Go's {@code shouldCopyHeaderOnRedirect}: credentials set on the first request may follow it to the same
     * host (any port) and to its subdomains, nowhere else.
     */
    static boolean mayKeepCredentials(URI first, URI next) {
        String initial = host(first);
        String destination = host(next);
        if (destination.equals(initial)) {
            return true;
        }
        // An IPv6 literal (or one with a zone) is not a domain name: only an exact match counts.
        if (destination.indexOf(':') >= 0 || destination.indexOf('%') >= 0) {
            return false;
        }
        return destination.endsWith("." + initial);
    }

    private static String host(URI uri) {
        String host = uri.getHost();
        return host == null ? "" : host.toLowerCase(Locale.ROOT);
    }

    private static Request withoutSensitiveHeaders(Request request) {
        Request.Builder builder = request.toBuilder();
        for (String name : request.headers().names()) {
            if (SENSITIVE.contains(name.toLowerCase(Locale.ROOT))) {
                builder.removeHeader(name);
            }
        }
        return builder.build();
    }

    /** Go reads up to 2 KB of a small or unknown-length redirect body before closing it, to keep the connection. */
    private static void discard(Response response) {
        try (InputStream body = response.body()) {
            long length = response.contentLength();
            if (length < 0 || length <= DRAIN_BYTES) {
                byte[] buffer = new byte[DRAIN_BYTES];
                int total = 0;
                int n;
                while (total < DRAIN_BYTES && (n = body.read(buffer, 0, DRAIN_BYTES - total)) >= 0) {
                    total += n;
                }
            }
        } catch (IOException ex) {
            // The connection is closed instead of reused; the redirect is followed all the same.
        }
    }
}
