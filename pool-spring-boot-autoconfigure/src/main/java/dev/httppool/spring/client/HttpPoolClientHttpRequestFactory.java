package dev.httppool.spring.client;

import dev.httppool.RoundTripper;
import dev.httppool.client.Client;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestFactory;

/**
 * A {@link ClientHttpRequestFactory} that sends through a {@link RoundTripper}, usually the pooled
 * {@code dev.httppool.Transport}: a {@code RestClient} or {@code RestTemplate} built on it shares the transport's
 * connection pool.
 *
 * <p>Request bodies stream straight onto the connection: with {@code Content-Length} when the request headers
 * carry one, chunked otherwise. A body is sent again (after a dead reused connection, or on a 307/308 redirect)
 * only when Spring marks it repeatable. Closing the response returns its connection to the pool after a bounded
 * drain, or closes it, by the transport's rules.
 *
 * <p>Redirects are followed by the core's {@link Client}, as Go's {@code http.Client} follows them, unless
 * {@link #setFollowRedirects turned off}: then a 3xx is returned as it is. A 307 or 308 is followed only when
 * Spring marks the request body repeatable.
 */
public final class HttpPoolClientHttpRequestFactory implements ClientHttpRequestFactory {

    private final RoundTripper roundTripper;
    private final Client client;
    /** The client's send, made once rather than per request. */
    private final RoundTripper redirecting;
    private volatile @Nullable Duration readTimeout;
    private volatile boolean followRedirects = true;

    public HttpPoolClientHttpRequestFactory(RoundTripper roundTripper) {
        this.roundTripper = Objects.requireNonNull(roundTripper, "roundTripper");
        this.client = new Client(roundTripper);
        this.redirecting = client::send;
    }

    /** What requests are sent through. */
    public RoundTripper getRoundTripper() {
        return roundTripper;
    }

    /** Limit on each blocking read of a response (headers and body); null or zero for none. */
    public void setReadTimeout(@Nullable Duration readTimeout) {
        if (readTimeout != null && readTimeout.isNegative()) {
            throw new IllegalArgumentException("readTimeout must be >= 0, was " + readTimeout);
        }
        this.readTimeout = readTimeout;
    }

    public @Nullable Duration getReadTimeout() {
        return readTimeout;
    }

    /** Whether to follow redirects (with the core's {@link Client}, as Go does) or return 3xx responses as they are. */
    public void setFollowRedirects(boolean followRedirects) {
        this.followRedirects = followRedirects;
    }

    public boolean isFollowRedirects() {
        return followRedirects;
    }

    @Override
    public ClientHttpRequest createRequest(URI uri, HttpMethod httpMethod) {
        RoundTripper sender = followRedirects ? redirecting : roundTripper;
        return new HttpPoolClientHttpRequest(sender, uri, httpMethod, readTimeout);
    }
}
