package dev.httppool.internal.exchange;

import java.io.IOException;

/**
 * The server did not process the request, and says so: an HTTP/2 stream it refused ({@code REFUSED_STREAM}) or
 * one above the last stream id of its GOAWAY. Such a request is retried on another connection whatever its
 * method, as long as its body can be sent again ({@link ExchangeException.Stage#UNPROCESSED}).
 */
public final class UnprocessedRequestException extends IOException {

    private static final long serialVersionUID = 1L;

    public UnprocessedRequestException(String message) {
        super(message);
    }
}
