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
        /**
         * The server said it did not process the request ({@link UnprocessedRequestException}): retried whatever
         * the method and whether or not the connection was fresh, when the body can be sent again.
         */
        UNPROCESSED,
        /** The response had started, or the failure was ours (request body, limits): never retried. */
        FINAL
    }

    public final Stage stage;
    public final CloseReason closeReason;

    public ExchangeException(Stage stage, CloseReason closeReason, IOException cause) {
        super(cause.getMessage(), cause, false, false);
        this.stage = cause instanceof UnprocessedRequestException ? Stage.UNPROCESSED : stage;
        this.closeReason = closeReason;
    }

    /**
     * Go's {@code shouldRetryRequest}, plus one step beyond it. Go retries only on a reused connection: when
     * nothing was written, any request whose body can be sent again; otherwise only replayable requests, and only
     * when the failure came before the first response byte. Beyond Go: a freshly dialed connection that was reset
     * or closed before any response byte (a server quitting resets the connections in its backlog) retries a
     * replayable request once per round trip, so the retry cannot loop.
     *
     * @param reused whether the failed attempt ran on a connection that had carried a request before
     * @param freshRetryTaken whether this round trip already retried once after a fresh connection failed
     */
    public boolean allowsRetry(boolean reused, boolean freshRetryTaken, Request request) {
        if (stage == Stage.FINAL) {
            return false;
        }
        if (stage == Stage.UNPROCESSED) {
            RequestBody body = request.body();
            return body == null || body.isReplayable();
        }
        if (!reused) {
            return !freshRetryTaken && request.isReplayable();
        }
        if (stage == Stage.NOTHING_WRITTEN) {
            RequestBody body = request.body();
            return body == null || body.isReplayable();
        }
        return request.isReplayable();
    }

    public IOException io() {
        return (IOException) getCause();
    }
}
