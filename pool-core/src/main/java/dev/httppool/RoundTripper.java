package dev.httppool;

import java.io.IOException;

/**
 * Executes one HTTP transaction: a request in, a response out. Go's {@code http.RoundTripper}.
 *
 * <p>Implementations must be safe for concurrent use. {@link Transport} is the pooled implementation; wrap it
 * to add caching, logging or authentication, as Go users wrap theirs:
 * <pre>{@code
 * RoundTripper logging = request -> {
 *     log.info("{} {}", request.method(), request.uri());
 *     return transport.roundTrip(request);
 * };
 * }</pre>
 *
 * <p>The caller must read the response body to its end or close it; either returns the connection to the pool.
 */
@FunctionalInterface
public interface RoundTripper {

    /**
     * Sends {@code request} and returns the response as soon as its headers have arrived.
     *
     * @throws IOException when no response could be obtained: dialing, writing or reading failed, a limit or
     *     timeout was hit ({@link ConnWaitTimeoutException}, {@link java.net.SocketTimeoutException}), or the
     *     waiting thread was interrupted ({@link java.io.InterruptedIOException})
     */
    Response roundTrip(Request request) throws IOException;
}
