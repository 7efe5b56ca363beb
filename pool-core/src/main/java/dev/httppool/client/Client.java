package dev.httppool.client;

import dev.httppool.Headers;
import dev.httppool.Request;
import dev.httppool.RequestBody;
import dev.httppool.Response;
import dev.httppool.RoundTripper;
import dev.httppool.internal.net.Credentials;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;

/**
 * Go's {@code http.Client}: sends a request through a {@link RoundTripper}, usually the pooled
 * {@link dev.httppool.Transport}, and follows the redirects the server answers with. As in Go, the transport
 * itself never follows a redirect; a client on top of it does.
 *
 * <pre>{@code
 * Client client = new Client(transport);
 * try (Response response = client.send(Request.get("http://example.com/old"))) {
 *     ...
 * }
 * }</pre>
 *
 * <p>A client has no settings: it behaves as Go's zero-value {@code Client} over the given transport (no
 * {@code CheckRedirect}, so Go's default limit; no cookie jar; no overall timeout, only the request's own
 * {@link Request#readTimeout() read timeout} on each hop). To get redirects back unfollowed (Go: a
 * {@code CheckRedirect} that returns {@code ErrUseLastResponse}), send through the transport directly.
 *
 * <p>The rules, Go's {@code Client.Do}:
 * <ul>
 * <li>301, 302, 303, 307 and 308 with a {@code Location} are followed; the {@code Location} is resolved against
 * the URI of the request that got the redirect. A 3xx without a {@code Location} is returned as it is.
 * <li>At most {@value #MAX_REDIRECTS} requests are sent: the {@value #MAX_REDIRECTS}th redirect response is not
 * followed but fails with "stopped after 10 redirects" (its body closed).
 * <li>301, 302 and 303 turn a request other than GET or HEAD into a GET without a body (and without the headers
 * that described the body); GET and HEAD keep their method.
 * <li>307 and 308 keep the method and send the body again. A body that is not
 * {@link RequestBody#isReplayable() replayable} (Go: no {@code GetBody}) cannot be, so the 307 or 308 is returned
 * as it is.
 * <li>Every hop carries the first request's headers, read timeout and trace, except that the headers for which
 * {@link Headers#isSensitive(String)} holds ({@code Authorization}, {@code Cookie}, {@code Proxy-Authorization}
 * ...) are dropped from the first hop that goes to another host or another port than the first request, or from
 * {@code https} down to {@code http}, and from every hop after it, even one that comes back. This is OkHttp's
 * rule; Go keeps them for the same host on any port and for its subdomains, and after a downgrade to
 * {@code http}, where a forward proxy would read them.
 * <li>Before the next hop the redirect response's body is closed, which drains what is left of it within the
 * transport's bounds (300 ms and 256 KiB off the wire), so its connection goes back to the pool; Go reads up to
 * 2 KiB of it, but with only a per-read timeout, so a trickling server could hold the redirect.
 * </ul>
 * Unlike Go, no {@code Referer} header is added.
 *
 * <p>Safe for concurrent use when its transport is.
 */
public final class Client {

    /** Go's limit on requests per {@link #send}: the first one and up to nine redirects. */
    public static final int MAX_REDIRECTS = 10;

    private final RoundTripper transport;

    /**
     * A client that sends through {@code transport}.
     *
     * @throws NullPointerException when {@code transport} is null (there is no default transport to fall back to)
     */
    public Client(RoundTripper transport) {
        this.transport = Objects.requireNonNull(transport, "transport");
    }

    /**
     * Sends {@code request} and follows its redirects (Go's {@code Client.Do}); returns the first response that
     * is not followed. The caller must read its body to the end or close it. {@code client::send} is itself a
     * {@link RoundTripper}.
     *
     * @throws IOException when a hop fails as {@link RoundTripper#roundTrip} does, after
     *     {@value #MAX_REDIRECTS} redirects, when a {@code Location} is not a URI reference, or when it points
     *     somewhere the transport cannot go (another scheme, no host); a redirect's body is closed before any
     *     of these errors
     */
    public Response send(Request request) throws IOException {
        Objects.requireNonNull(request, "request");
        Request current = request;
        boolean stripSensitive = false;
        for (int sent = 1;; sent++) {
            Response response = transport.roundTrip(current);
            RedirectRules.Hop hop = RedirectRules.hopFor(current, response);
            if (hop == null) {
                return response;
            }
            URI target;
            try {
                target = RedirectRules.location(current, response);
            } catch (URISyntaxException ex) {
                discard(response);
                // Neither the Location nor the exception (whose message repeats it) goes into the error: it may
                // carry a password.
                throw new IOException(request.method() + " " + display(current.uri())
                        + ": failed to parse Location header: " + ex.getReason() + " at index " + ex.getIndex());
            }
            if (target == null) {
                return response;
            }
            discard(response);
            if (sent == MAX_REDIRECTS) {
                throw new IOException(request.method() + " " + display(target) + ": stopped after "
                        + MAX_REDIRECTS + " redirects");
            }
            stripSensitive = stripSensitive || !RedirectRules.mayKeepCredentials(request.uri(), target);
            try {
                current = RedirectRules.nextRequest(request, hop, target, stripSensitive);
            } catch (IllegalArgumentException ex) { // its message shows the target with its password masked
                throw new IOException(request.method() + " " + display(current.uri())
                        + ": cannot follow redirect to " + display(target) + ": " + ex.getMessage());
            }
        }
    }

    /**
     * Closes a redirect's body: the transport drains what is left within its bounds and reuses the connection, or
     * closes it; either way the redirect is followed.
     */
    private static void discard(Response response) {
        try {
            response.body().close();
        } catch (IOException ex) {
            // the transport closed the connection instead of reusing it
        }
    }

    /** The URI for an error message: its password masked (Go's {@code stripPassword}). */
    private static String display(URI uri) {
        return Credentials.redactUserInfo(uri);
    }
}
