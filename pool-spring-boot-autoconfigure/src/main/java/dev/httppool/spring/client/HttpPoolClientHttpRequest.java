package dev.httppool.spring.client;

import dev.httppool.Request;
import dev.httppool.RequestBody;
import dev.httppool.RoundTripper;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.AbstractStreamingClientHttpRequest;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.util.StreamUtils;

/** One request of a {@link HttpPoolClientHttpRequestFactory}. */
final class HttpPoolClientHttpRequest extends AbstractStreamingClientHttpRequest {

    private final RoundTripper roundTripper;
    private final URI uri;
    private final HttpMethod method;
    private final @Nullable Duration readTimeout;

    /** {@code roundTripper} sends the request: the factory's own, or a {@code Client} over it to follow redirects. */
    HttpPoolClientHttpRequest(RoundTripper roundTripper, URI uri, HttpMethod method, @Nullable Duration readTimeout) {
        this.roundTripper = roundTripper;
        this.uri = uri;
        this.method = method;
        this.readTimeout = readTimeout;
    }

    @Override
    public HttpMethod getMethod() {
        return method;
    }

    @Override
    public URI getURI() {
        return uri;
    }

    @Override
    protected ClientHttpResponse executeInternal(HttpHeaders headers, @Nullable Body body) throws IOException {
        Request request = toRequest(headers, body);
        return new HttpPoolClientHttpResponse(roundTripper.roundTrip(request));
    }

    private Request toRequest(HttpHeaders headers, @Nullable Body body) {
        Request.Builder builder = Request.builder(uri)
                .method(method.name(), body != null ? new StreamingRequestBody(body, headers.getContentLength()) : null)
                .readTimeout(readTimeout);
        if (headers.isEmpty()) {
            return builder.build(); // the usual GET: nothing to copy, and no view of the headers to make
        }
        headers.forEach((name, values) -> {
            // The transport frames the body itself, from the body's length.
            if (!name.equalsIgnoreCase(HttpHeaders.CONTENT_LENGTH)
                    && !name.equalsIgnoreCase(HttpHeaders.TRANSFER_ENCODING)) {
                for (String value : values) {
                    builder.header(name, value);
                }
            }
        });
        return builder.build();
    }

    /** A Spring body written straight onto the connection; replayable only when Spring says it is repeatable. */
    static final class StreamingRequestBody implements RequestBody {

        private final Body body;
        private final long contentLength;
        private final AtomicBoolean written = new AtomicBoolean();

        StreamingRequestBody(Body body, long contentLength) {
            this.body = body;
            this.contentLength = contentLength < 0 ? -1 : contentLength;
        }

        @Override
        public long contentLength() {
            return contentLength;
        }

        @Override
        public boolean isReplayable() {
            return body.repeatable();
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            if (!written.compareAndSet(false, true) && !body.repeatable()) {
                throw new IOException("the request body is not repeatable and was already sent");
            }
            body.writeTo(StreamUtils.nonClosing(out));
        }
    }
}
