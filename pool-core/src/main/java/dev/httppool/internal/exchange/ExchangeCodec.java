package dev.httppool.internal.exchange;

import dev.httppool.Headers;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ProtocolException;
import java.net.SocketTimeoutException;

/**
 * The wire protocol of one exchange: how a request goes out and a response comes in, in bytes. The
 * {@link Exchange} decides what to send and when (100-continue, a body written while the response is watched
 * for, retries, reuse); the codec only encodes and decodes. A codec serves one exchange, in order: the request
 * head, the body (if any), then response heads until a final one, then that response's body. Obtained from
 * {@link WireConnection#newCodec()}; the HTTP/1.1 codec lives in {@code dev.httppool.internal.http1}.
 *
 * <p>Apart from a request body that the exchange may write from another thread while this one reads the
 * response, a codec is used by one thread at a time.
 *
 * <h2>How HTTP/2 plugs in</h2>
 * An HTTP/2 connection ({@code dev.httppool.internal.http2}) is a {@link MultiplexedConnection}: its
 * {@code newCodec()} returns one stream's codec, or fails with an {@link UnprocessedRequestException} when the
 * connection takes no more streams (GOAWAY), which the exchange reports as unprocessed so the request is retried
 * elsewhere. The methods below map onto the stream: the head onto HEADERS, the body onto DATA up to END_STREAM,
 * {@link #awaitResponse()} and the read limits onto waits on the stream's buffer; {@link Head#closesConnection()}
 * and {@link #hasUnsolicitedInput()} are always false. The pool lends such a connection to many exchanges at once
 * (it counts their streams itself), and {@link #exchangeEnded()} ends the stream, with a reset if the exchange
 * gave up on it before both sides ended it.
 */
public interface ExchangeCodec {

    /** Writes the request head; it may stay buffered until the body or {@link #flushRequest()}. */
    void writeRequestHead(String method, String target, Headers headers) throws IOException;

    /**
     * The stream the request body is written into, framed for {@code contentLength} bytes, or for a body of
     * unknown length when -1. Not to be closed; {@link #finishRequestBody()} ends it. The exchange writes exactly
     * {@code contentLength} bytes into it or fails the exchange (it refuses a write past the length before the write
     * reaches the codec), so the codec need not check.
     */
    OutputStream requestBody(long contentLength);

    /** Ends the request body's framing and flushes the request. */
    void finishRequestBody() throws IOException;

    /** Sends whatever of the request is buffered. */
    void flushRequest() throws IOException;

    /** Whether not a single byte of this exchange has reached the connection yet (Go's nothingWritten). */
    boolean nothingWritten();

    /**
     * Bounds the reads that follow: each blocking read waits at most {@code readTimeoutMillis} (0: no limit), and
     * none waits past {@code deadlineNanos} on the transport's ticker (0: none), failing then with a
     * {@link SocketTimeoutException} carrying {@code deadlineMessage}.
     */
    void setReadLimits(int readTimeoutMillis, long deadlineNanos, String deadlineMessage);

    /**
     * Waits, within the read limits, until the next response head has begun to arrive, without consuming it.
     *
     * @return false if the connection ended before any byte of a response
     * @throws SocketTimeoutException if the read limits ran out first
     */
    boolean awaitResponse() throws IOException;

    /**
     * Reads the next response head, interim (1xx) or final.
     *
     * @param maxHeaderBytes the most the head may take on the wire
     * @throws ProtocolException if it is malformed, or larger than {@code maxHeaderBytes} (the message then
     *     starts with {@code "server response headers exceeded"})
     */
    Head readResponseHead(long maxHeaderBytes) throws IOException;

    /**
     * The body of the final response {@code head}, framed as the request's method and the head say: a response
     * to {@code HEAD}, a 204 or a 304 has none (its body is complete at once), a 101 hands the rest of the
     * connection over.
     *
     * @param maxTrailerBytes the most the body's trailer fields may take
     * @throws ProtocolException if the head's framing is invalid or ambiguous
     */
    FramedBody openResponseBody(Head head, long maxTrailerBytes) throws ProtocolException;

    /**
     * Once the response is complete: whether bytes arrived that no exchange asked for (on HTTP/1.1, which has no
     * pipelining, an unsolicited response), so the connection must not carry another exchange. Never blocks.
     */
    boolean hasUnsolicitedInput();

    /**
     * The exchange is over, however it ended (response read or abandoned, or failed): a multiplexed codec
     * resets its stream unless both sides ended it, and frees it. Idempotent. Nothing for HTTP/1.1, whose
     * connection the exchange's release decides on.
     */
    default void exchangeEnded() {
    }

    /**
     * One response head as the codec read it.
     *
     * @param status the three-digit status
     * @param reason the reason phrase, possibly empty
     * @param protocol e.g. {@code HTTP/1.1}
     * @param headers the header fields as received
     * @param headerBytes what the head took on the wire, counted against the response header limit
     * @param closesConnection whether the server ends the connection after this response (on HTTP/1.1:
     *     {@code Connection: close}, or an HTTP/1.0 response without {@code Connection: keep-alive})
     */
    record Head(int status, String reason, String protocol, Headers headers, long headerBytes,
            boolean closesConnection) {

        /** A 1xx that another head follows; 101 (Switching Protocols) is final. */
        public boolean isInterim() {
            return status >= 100 && status <= 199 && status != 101;
        }
    }
}
