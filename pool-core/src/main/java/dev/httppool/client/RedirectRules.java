package dev.httppool.client;

import dev.httppool.Headers;
import dev.httppool.Request;
import dev.httppool.RequestBody;
import dev.httppool.Response;
import dev.httppool.internal.net.Hosts;
import dev.httppool.internal.net.Ports;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;

/**
 * Go's redirect decisions, one response at a time, without any I/O: whether a response is a redirect to follow
 * ({@code redirectBehavior}), what the next request is, and whether credentials may go along (stricter than
 * Go's {@code shouldCopyHeaderOnRedirect}). {@link Client} runs the loop around them.
 */
final class RedirectRules {

    /**
     * Headers that describe a request body, dropped with the body when a 301, 302 or 303 turns the request into
     * a GET. Go copies them anyway; a GET without a body has no use for them.
     */
    private static final Set<String> BODY_HEADERS = Set.of("content-type", "content-length", "content-encoding",
            "content-language", "content-location", "transfer-encoding");

    private RedirectRules() {
    }

    /** The redirect a response asks for: the next hop's method and body, before its target is known. */
    record Hop(String method, RequestBody body) {
    }

    /**
     * Go's {@code redirectBehavior}: the hop that {@code response} to {@code current} asks for, or null when it is
     * not a redirect to follow.
     *
     * <ul>
     * <li>301, 302, 303: GET and HEAD keep their method, anything else becomes a GET; no body.
     * <li>307, 308: method and body are kept. A body that has bytes and cannot be written again makes the
     * response final (Go: {@code GetBody} is nil); an empty one-shot body is replaced by an empty replayable one.
     * <li>Anything else is final.
     * </ul>
     */
    static Hop hopFor(Request current, Response response) {
        switch (response.status()) {
            case 301, 302, 303 -> {
                String method = current.method();
                return new Hop(method.equals("GET") || method.equals("HEAD") ? method : "GET", null);
            }
            case 307, 308 -> {
                RequestBody body = current.body();
                if (body == null || body.isReplayable()) {
                    return new Hop(current.method(), body);
                }
                return body.contentLength() == 0 ? new Hop(current.method(), RequestBody.empty()) : null;
            }
            default -> {
                return null;
            }
        }
    }

    /**
     * The {@code Location} of {@code response} resolved against the URI of the request that got it, or null when
     * the response has no (or an empty) {@code Location}: Go then returns the 3xx as it is.
     *
     * @throws URISyntaxException when the {@code Location} is not a URI reference
     */
    static URI location(Request current, Response response) throws URISyntaxException {
        String location = response.headers().first("Location");
        if (location == null || location.isEmpty()) {
            return null;
        }
        return current.uri().resolve(new URI(location));
    }

    /**
     * The request for {@code hop} to {@code target}: the first request's headers (Go copies them from the first
     * request to every hop), read timeout and trace; without the body headers when the hop has no body, and
     * without the {@link Headers#isSensitive sensitive} headers when {@code stripSensitive}.
     *
     * @throws IllegalArgumentException when {@code target} is not an {@code http} or {@code https} URI with a host
     */
    static Request nextRequest(Request first, Hop hop, URI target, boolean stripSensitive) {
        Headers.Builder headers = first.headers().toBuilder();
        for (String name : first.headers().names()) {
            boolean bodyHeader = BODY_HEADERS.contains(name.toLowerCase(Locale.ROOT));
            if ((hop.body() == null && bodyHeader) || (stripSensitive && Headers.isSensitive(name))) {
                headers.remove(name);
            }
        }
        return Request.builder(target)
                .method(hop.method(), hop.body())
                .headers(headers.build())
                .readTimeout(first.readTimeout())
                .trace(first.trace())
                .build();
    }

    /**
     * Whether credentials set on the first request may go along to {@code next}: only to the same host (names
     * compared ignoring case, internationalised names in punycode) on the same port (the scheme's default when
     * none is given), and never from {@code https} down to {@code http}. This is OkHttp's rule, stricter than
     * Go's {@code shouldCopyHeaderOnRedirect} (which keeps them for the same host on any port and for its
     * subdomains): another port may be another server, and after a downgrade every hop on the way, such as a
     * forward proxy, would read them.
     */
    static boolean mayKeepCredentials(URI first, URI next) {
        boolean downgrade = "https".equalsIgnoreCase(first.getScheme()) && "http".equalsIgnoreCase(next.getScheme());
        return !downgrade && host(next).equals(host(first)) && Ports.of(next) == Ports.of(first);
    }

    private static String host(URI uri) {
        String host = uri.getHost();
        return host == null ? "" : Hosts.canonical(host);
    }
}
