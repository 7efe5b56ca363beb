package dev.httppool;

import dev.httppool.internal.net.Credentials;
import dev.httppool.internal.net.Hosts;
import dev.httppool.internal.net.IdnUris;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * An HTTP request: method, absolute {@code http}/{@code https} URI, headers and an optional body, plus a
 * per-request read timeout and {@link ClientTrace}. Immutable; build with {@link #builder(URI)} or
 * {@link #get(URI)}. Headers are validated as they are added, so an invalid request never opens a connection.
 *
 * <p>Userinfo in the URI ({@code https://user:password@host/}) is sent as Go's client sends it: as
 * {@code Authorization: Basic} with the percent-decoded user and password, unless the request carries its own
 * {@code Authorization} header. The transport adds it on the wire, so {@link #headers()} does not show it, and a
 * redirect hop carries it only when its own URI has userinfo (a relative {@code Location} keeps it, as in Go).
 * The password is never shown: {@code toString()}, exception messages and everything derived from the request
 * mask it as {@code user:***@}.
 *
 * <p>A host that is an internationalised domain name ({@code http://гофер.го:8080/}) is converted to punycode
 * ({@code http://xn--c1ae0ajs.xn--c1aw:8080/}) when the request is built, so {@link #uri()}, the pool key, the
 * dial, TLS server name and {@code Host} header all use the ASCII name. Any other non-ASCII character, in the
 * path, query, userinfo or fragment, is percent-encoded as UTF-8, as browsers do (Go does it for the path):
 * {@code /päth?q=ü} is sent, and returned by {@link #uri()}, as {@code /p%C3%A4th?q=%C3%BC}. Characters that are
 * already percent-encoded are left as they are.
 *
 * <p>A host written with a trailing dot ({@code http://localhost./}) is refused when the request is built, with a
 * message that says to leave the dot out. Go accepts it; here the JVM's resolver does not find such a name in the
 * hosts file and TLS cannot send it as the server name, so it could only fail later, after asking for a
 * connection.
 */
public final class Request {

    private final String method;
    private final URI uri;
    private final Headers headers;
    private final RequestBody body;
    private final Duration readTimeout;
    private final ClientTrace trace;

    private Request(Builder b) {
        this.method = b.method;
        this.uri = b.uri;
        this.headers = b.headers == null ? Headers.empty() : b.headers.build();
        this.body = b.body;
        this.readTimeout = b.readTimeout;
        this.trace = b.trace;
    }

    public static Request get(URI uri) {
        return builder(uri).build();
    }

    /** A GET of {@code uri}, which may have an internationalised host (see the class documentation). */
    public static Request get(String uri) {
        return get(IdnUris.parse(uri));
    }

    public static Builder builder(URI uri) {
        return new Builder(uri);
    }

    /** A builder for {@code uri}, which may have an internationalised host (see the class documentation). */
    public static Builder builder(String uri) {
        return new Builder(IdnUris.parse(uri));
    }

    public Builder toBuilder() {
        Builder b = new Builder(uri).method(method, body).readTimeout(readTimeout).trace(trace);
        b.headers = headers.toBuilder();
        return b;
    }

    public String method() {
        return method;
    }

    public URI uri() {
        return uri;
    }

    public Headers headers() {
        return headers;
    }

    /** The body, or null when there is none. */
    public RequestBody body() {
        return body;
    }

    /** Limit on each blocking read of the response (headers and body), or null for none. */
    public Duration readTimeout() {
        return readTimeout;
    }

    /** The trace hooks of this request; never null ({@link ClientTrace#NONE} when unset). */
    public ClientTrace trace() {
        return trace;
    }

    /**
     * Whether the request can be sent again after a failure (Go's {@code isReplayable}): its body is absent or
     * replayable, and its method is GET, HEAD, OPTIONS or TRACE or it carries an {@code Idempotency-Key} or
     * {@code X-Idempotency-Key} header.
     */
    public boolean isReplayable() {
        if (body != null && !body.isReplayable()) {
            return false;
        }
        switch (method) {
            case "GET":
            case "HEAD":
            case "OPTIONS":
            case "TRACE":
                return true;
            default:
                return headers.contains("Idempotency-Key") || headers.contains("X-Idempotency-Key");
        }
    }

    /** The method and URI, a password in the URI masked: {@code GET http://user:***@host/path}. */
    @Override
    public String toString() {
        return method + " " + Credentials.redactUserInfo(uri);
    }

    /** Builds a {@link Request}. */
    public static final class Builder {
        private String method = "GET";
        private URI uri;
        /** Null until a header is added: a request without headers builds none. */
        private Headers.Builder headers;
        private RequestBody body;
        private Duration readTimeout;
        private ClientTrace trace = ClientTrace.NONE;

        private Builder(URI uri) {
            uri(uri);
        }

        /**
         * The absolute target; only {@code http} and {@code https} with a host are accepted. An internationalised
         * host, which {@link URI} keeps only in the authority, is converted to punycode, and other non-ASCII
         * characters are percent-encoded as UTF-8 (see the class documentation).
         *
         * @throws IllegalArgumentException for another scheme, no host, or a host with a trailing dot
         */
        public Builder uri(URI uri) {
            URI ascii = IdnUris.toAscii(Objects.requireNonNull(uri, "uri"));
            String scheme = ascii.getScheme();
            if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
                throw new IllegalArgumentException("unsupported protocol scheme in URI (want http or https): "
                        + Credentials.redactUserInfo(uri));
            }
            if (ascii.getHost() == null || ascii.getHost().isEmpty()) {
                throw new IllegalArgumentException("URI has no host: " + Credentials.redactUserInfo(uri));
            }
            Hosts.requireNoTrailingDot(ascii.getHost());
            this.uri = ascii;
            return this;
        }

        /** Sets the method (a token, e.g. {@code POST}) and the body (null for none). */
        public Builder method(String method, RequestBody body) {
            if (!Headers.isToken(method)) {
                throw new IllegalArgumentException("invalid method: '" + method + "'");
            }
            this.method = method;
            this.body = body;
            return this;
        }

        public Builder get() {
            return method("GET", null);
        }

        public Builder head() {
            return method("HEAD", null);
        }

        public Builder post(RequestBody body) {
            return method("POST", body);
        }

        public Builder put(RequestBody body) {
            return method("PUT", body);
        }

        public Builder delete() {
            return method("DELETE", null);
        }

        public Builder header(String name, String value) {
            headers().add(name, value);
            return this;
        }

        public Builder setHeader(String name, String value) {
            headers().set(name, value);
            return this;
        }

        public Builder removeHeader(String name) {
            if (headers != null) {
                headers.remove(name);
            }
            return this;
        }

        private Headers.Builder headers() {
            if (headers == null) {
                headers = Headers.builder();
            }
            return headers;
        }

        public Builder headers(Headers h) {
            headers = h.toBuilder();
            return this;
        }

        /** Limit on each blocking read of the response; null or zero for none. */
        public Builder readTimeout(Duration timeout) {
            if (timeout != null && timeout.isNegative()) {
                throw new IllegalArgumentException("readTimeout must be >= 0, was " + timeout);
            }
            this.readTimeout = timeout == null || timeout.isZero() ? null : timeout;
            return this;
        }

        public Builder trace(ClientTrace trace) {
            this.trace = trace == null ? ClientTrace.NONE : trace;
            return this;
        }

        public Request build() {
            return new Request(this);
        }
    }
}
