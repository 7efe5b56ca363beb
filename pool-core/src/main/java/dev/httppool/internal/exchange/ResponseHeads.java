package dev.httppool.internal.exchange;

import dev.httppool.ClientTrace;
import dev.httppool.CloseReason;
import dev.httppool.ConnectMethodKey;
import dev.httppool.internal.exchange.ExchangeCodec.Head;
import dev.httppool.internal.exchange.ExchangeException.Stage;
import java.io.EOFException;
import java.io.IOException;
import java.net.ProtocolException;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * Reads the response heads of one exchange: interim (1xx) ones go to the trace, the final one is returned. Keeps
 * what is left of {@code maxResponseHeaderBytes}. As in Go, interim responses count toward it unless a trace hook
 * received them: each one a hook receives starts the count afresh.
 */
final class ResponseHeads {

    private final ExchangeCodec codec;
    private final ClientTrace trace;
    private final ConnectMethodKey key;
    private final long maxHeaderBytes;
    /** What is left of maxResponseHeaderBytes for the heads still to come. */
    private long headerBudget;
    private boolean firstByteReported;

    ResponseHeads(ExchangeCodec codec, ClientTrace trace, ConnectMethodKey key, long maxHeaderBytes) {
        this.codec = codec;
        this.trace = trace;
        this.key = key;
        this.maxHeaderBytes = maxHeaderBytes;
        this.headerBudget = maxHeaderBytes;
    }

    /**
     * After the head of an {@code Expect: 100-continue} request: waits up to {@code timeout} for an answer.
     *
     * @return null to send the body (100 Continue came, or nothing within the timeout); otherwise the final
     *     response that came instead
     */
    Head awaitContinue(Duration timeout) throws IOException {
        codec.setReadLimits((int) Math.max(1, timeout.toMillis()), 0, null);
        try {
            if (!codec.awaitResponse()) {
                throw new EOFException("server closed connection before sending a response");
            }
        } catch (SocketTimeoutException e) {
            return null;
        }
        reportFirstByte();
        for (;;) {
            Head head = readHead();
            if (!head.isInterim()) {
                return head;
            }
            interim(head);
            if (head.status() == 100) {
                return null;
            }
        }
    }

    /**
     * The final response head, read within the read limits already set. Interim heads go to the trace.
     *
     * @throws ExchangeException classified for the retry rules: the server closing before a response, a failure
     *     before its first byte, or one after it (too late to retry)
     */
    Head readFinal() throws ExchangeException {
        try {
            if (!codec.awaitResponse()) {
                throw new ExchangeException(Stage.SERVER_CLOSED_IDLE, CloseReason.SERVER_CLOSED,
                        new EOFException("server closed connection before sending a response (" + key + ")"));
            }
        } catch (IOException e) {
            Stage stage = e instanceof SocketTimeoutException ? Stage.FINAL : Stage.BEFORE_RESPONSE;
            throw new ExchangeException(stage, CloseReason.BROKEN, e);
        }
        reportFirstByte();
        try {
            for (;;) {
                Head head = readHead();
                if (!head.isInterim()) {
                    return head;
                }
                interim(head);
            }
        } catch (IOException e) {
            // The response had started: too late to retry.
            throw new ExchangeException(Stage.FINAL, CloseReason.BROKEN, e);
        }
    }

    /**
     * After a failed body write: the server may have answered before reading the body. Looks for
     * {@code waitMillis}; null if no complete final head came.
     */
    Head tryEarly(int waitMillis) {
        try {
            codec.setReadLimits(waitMillis, 0, null);
            if (!codec.awaitResponse()) {
                return null;
            }
            Head head;
            do {
                head = readHead();
            } while (head.isInterim());
            return head;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Hands an interim response to the trace; one a hook received no longer counts toward the limit. */
    private void interim(Head head) {
        if (head.status() == 100) {
            trace.got100Continue();
        }
        trace.got1xxResponse(head.status(), head.headers());
        if (TraceHooks.receivesInterim(trace, head.status())) {
            headerBudget = maxHeaderBytes;
        }
    }

    private Head readHead() throws IOException {
        Head head;
        try {
            if (headerBudget <= 0) {
                throw new ProtocolException("server response headers exceeded");
            }
            head = codec.readResponseHead(headerBudget);
        } catch (ProtocolException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("server response headers exceeded")) {
                // Name the configured limit, not what interim responses left of it.
                ProtocolException limit = new ProtocolException("server response headers exceeded "
                        + maxHeaderBytes + " bytes; aborted");
                limit.initCause(e);
                throw limit;
            }
            throw e;
        }
        headerBudget -= head.headerBytes();
        return head;
    }

    /** Go fires GotFirstResponseByte once per request, for the first byte of the first (maybe interim) head. */
    private void reportFirstByte() {
        if (!firstByteReported) {
            firstByteReported = true;
            trace.gotFirstResponseByte();
        }
    }
}
