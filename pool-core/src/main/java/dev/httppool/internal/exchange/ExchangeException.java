package dev.httppool.internal.exchange;

import dev.httppool.CloseReason;
import dev.httppool.Request;
import dev.httppool.RequestBody;
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

    /**
     * Go's {@code shouldRetryRequest}: only on a reused connection (a fresh one failing says nothing about the
     * pool, and retrying it could loop); when nothing was written, any request whose body can be sent again;
     * otherwise only replayable requests, and only when the failure came before the first response byte.
     *
     * @param reused whether the failed attempt ran on a connection that had carried a request before
     */
    public boolean allowsRetry(boolean reused, Request request) {
        if (!reused) {
            return false;
        }
        if (stage == Stage.NOTHING_WRITTEN) {
            RequestBody body = request.body();
            return body == null || body.isReplayable();
        }
        if (!request.isReplayable()) {
            return false;
        }
        return stage == Stage.BEFORE_RESPONSE || stage == Stage.SERVER_CLOSED_IDLE;
    }

    public IOException io() {
        return (IOException) getCause();
    }
}
