package dev.httppool.spring.client;

import dev.httppool.Response;
import java.io.IOException;
import java.io.InputStream;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.ClientHttpResponse;

/**
 * A {@link Response} seen as a {@link ClientHttpResponse}. The body streams from the pooled connection;
 * {@link #close()} hands the connection back (after a bounded drain) or closes it, by the transport's rules.
 */
final class HttpPoolClientHttpResponse implements ClientHttpResponse {

    private final Response response;
    private HttpHeaders headers;

    HttpPoolClientHttpResponse(Response response) {
        this.response = response;
    }

    @Override
    public HttpStatusCode getStatusCode() {
        return HttpStatusCode.valueOf(response.status());
    }

    @Override
    public String getStatusText() {
        return response.reason();
    }

    @Override
    public HttpHeaders getHeaders() {
        if (headers == null) {
            headers = HttpHeaders.readOnlyHttpHeaders(new HttpPoolHeadersAdapter(response.headers()));
        }
        return headers;
    }

    @Override
    public InputStream getBody() {
        return response.body();
    }

    @Override
    public void close() {
        try {
            response.close();
        } catch (IOException ex) {
            // The transport has already closed the connection; nothing is left to release.
        }
    }
}
