package dev.httppool.internal.exchange;

import dev.httppool.CloseReason;

import java.io.IOException;

/**
 * Why one attempt on one connection failed, in the terms of Go's retry rules ({@code shouldRetryRequest}).
 * Internal: the transport unwraps {@link #getCause()} before the caller sees it.
 */
public final class ExchangeException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Where the attempt failed. */
    public enum Stage {
        /** A socket write failed before a single byte reached the socket. */
        NOTHING_WRITTEN,
        /** The server closed the connection before sending any byte of a response. */
        SERVER_CLOSED_IDLE,
        /** Writing failed after some bytes, or reading failed before the first response byte. */
        BEFORE_RESPONSE,
        /** The response had started, or the failure was ours (request body, limits): never retried. */
        FINAL
    }

    public final Stage stage;
    public final CloseReason closeReason;

    public ExchangeException(Stage stage, CloseReason closeReason, IOException cause) {
        super(cause.getMessage(), cause, false, false);
        this.stage = stage;
        this.closeReason = closeReason;
    }

    public IOException io() {
        return (IOException) getCause();
    }
}
