package dev.httppool;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Supplier;

/**
 * An HTTP response whose headers have arrived. The body streams from the connection: read it to the end (the
 * connection then returns to the pool at once, no {@code close()} needed) or close it (the rest is drained,
 * up to a bound, so the connection can still be reused).
 */
public final class Response implements Closeable {

    private final Request request;
    private final int status;
    private final String reason;
    private final String protocol;
    private final Headers headers;
    private final InputStream body;
    private final long contentLength;
    private final boolean uncompressed;
    private final Supplier<Headers> trailers;

    Response(Request request, int status, String reason, String protocol, Headers headers, InputStream body,
            long contentLength, boolean uncompressed, Supplier<Headers> trailers) {
        this.request = request;
        this.status = status;
        this.reason = reason;
        this.protocol = protocol;
        this.headers = headers;
        this.body = body;
        this.contentLength = contentLength;
        this.uncompressed = uncompressed;
        this.trailers = trailers;
    }

    /** The request as the caller passed it to {@link RoundTripper#roundTrip}, even after retries. */
    public Request request() {
        return request;
    }

    public int status() {
        return status;
    }

    /** The reason phrase, possibly empty. */
    public String reason() {
        return reason;
    }

    /** {@code HTTP/1.1} or {@code HTTP/1.0}. */
    public String protocol() {
        return protocol;
    }

    public Headers headers() {
        return headers;
    }

    /** The body; empty for HEAD, 204 and 304 responses. Never null. */
    public InputStream body() {
        return body;
    }

    /** The body length from {@code Content-Length}, or -1 when unknown (chunked, until close, or decoded gzip). */
    public long contentLength() {
        return contentLength;
    }

    /** Whether the transport decoded a gzip body it asked for ({@code Content-Encoding} was then removed). */
    public boolean uncompressed() {
        return uncompressed;
    }

    /**
     * The trailer fields the server sent after the body: those of an HTTP/2 response, or of a chunked HTTP/1.1
     * one. Like Go's {@code Response.Trailer}, they are known only once the body has been read to its end; before
     * that, and for a response without trailers, this is empty.
     */
    public Headers trailers() {
        return trailers.get();
    }

    /** Closes the body: returns the connection to the pool after a bounded drain, or closes it. */
    @Override
    public void close() throws IOException {
        body.close();
    }

    @Override
    public String toString() {
        return protocol + " " + status + (reason.isEmpty() ? "" : " " + reason) + " for " + request;
    }
}
