package dev.httppool.internal.exchange;

import dev.httppool.ClientTrace;
import dev.httppool.CloseReason;
import dev.httppool.ConnectMethodKey;
import dev.httppool.Headers;
import dev.httppool.Response;
import dev.httppool.Ticker;
import dev.httppool.TransportConfig;
import dev.httppool.internal.ApiAccess;
import dev.httppool.internal.exchange.Exchange.Releaser;
import dev.httppool.internal.exchange.ExchangeCodec.Head;
import dev.httppool.internal.exchange.ExchangeException.Stage;
import java.net.ProtocolException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Turns a final response head into the caller's {@link Response}: decides whether the connection may carry
 * another exchange, frames the body into a {@link ResponseBody} that gives the connection back at its end (or
 * gives it back at once when there is no body), and decodes gzip the transport asked for.
 *
 * <p>An assembler builds one response; it is also that response's body release ({@link #accept}), its drain
 * deadline ({@link #run}) and its trailers ({@link #get}), so those need no object of their own per request.
 */
final class ResponseAssembler implements Consumer<CloseReason>, Runnable, Supplier<Headers> {

    private final TransportConfig config;
    private final Ticker ticker;
    private final ConnectMethodKey key;
    private final Releaser releaser;
    private final ExchangeCodec codec;
    private final PreparedRequest req;
    private final ClientTrace trace;
    /** Set by {@link #respond}: the body write still under way (or null), and the response's framed body. */
    private CompletableFuture<Void> pendingWrite;
    private FramedBody framed;

    ResponseAssembler(TransportConfig config, Ticker ticker, ConnectMethodKey key, Releaser releaser,
            ExchangeCodec codec, PreparedRequest req) {
        this.config = config;
        this.ticker = ticker;
        this.key = key;
        this.releaser = releaser;
        this.codec = codec;
        this.req = req;
        this.trace = req.original.trace();
    }

    /**
     * @param head the final response head
     * @param requestComplete whether the whole request, body included, went out; if not, the connection is out of
     *     step and is closed after the response
     */
    Response respond(Head head, boolean requestComplete) throws ExchangeException {
        return respond(head, requestComplete, null);
    }

    /**
     * As {@link #respond(Head, boolean)} while the request body is still being written: the connection is reused
     * only if that write has succeeded by the time the response is done with it, or within Go's 50 ms after.
     */
    Response respondWhileWriting(Head head, CompletableFuture<Void> written) throws ExchangeException {
        return respond(head, true, written);
    }

    private Response respond(Head head, boolean requestComplete, CompletableFuture<Void> pendingWrite)
            throws ExchangeException {
        FramedBody framed;
        try {
            framed = codec.openResponseBody(head, config.maxResponseHeaderBytes());
        } catch (ProtocolException e) {
            throw new ExchangeException(Stage.FINAL, CloseReason.BROKEN, e);
        }
        this.framed = framed;
        this.pendingWrite = pendingWrite;
        CloseReason notReusable = notReusable(head, framed, requestComplete);
        codec.setReadLimits(req.readTimeoutMillis, 0, null);
        Headers headers = head.headers();
        if (notReusable == null && config.respectServerKeepAlive()) {
            KeepAliveHint hint = KeepAliveHint.of(headers);
            if (hint != KeepAliveHint.NONE) {
                releaser.serverKeepAlive(hint);
            }
        }
        if (framed.isComplete() && !framed.endsWithConnection()) {
            // Go returns a bodyless response's connection before handing the response over (#13633).
            releaser.release(finalReason(notReusable, pendingWrite), trace);
            return ApiAccess.get().newResponse(req.original, head.status(), head.reason(), head.protocol(), headers,
                    FramedBody.empty(-1), framed.contentLength(), false, this);
        }
        ResponseBody body = new ResponseBody(key, framed, notReusable == null, notReusable, this, this);
        releaser.responding(body); // before anything can read it (and finish it)
        if (req.addedGzip && "gzip".equalsIgnoreCase(headers.first("Content-Encoding"))) {
            Headers stripped = headers.toBuilder().remove("Content-Encoding").remove("Content-Length").build();
            return ApiAccess.get().newResponse(req.original, head.status(), head.reason(), head.protocol(), stripped,
                    new GzipBody(body), -1, true, this);
        }
        return ApiAccess.get().newResponse(req.original, head.status(), head.reason(), head.protocol(), headers,
                body, framed.contentLength(), false, this);
    }

    /** The response body is done with the connection: gives it back (or closes it) by the rules below. */
    @Override
    public void accept(CloseReason reason) {
        releaser.release(finalReason(reason, pendingWrite), trace);
    }

    /** Before the response body is drained on close: the drain gets a deadline of its own. */
    @Override
    public void run() {
        codec.setReadLimits(0, ticker.nanoTime() + ResponseBody.DRAIN_DEADLINE_MILLIS * 1_000_000L,
                "response body drain timed out after " + ResponseBody.DRAIN_DEADLINE_MILLIS + " ms");
    }

    /** The trailers of the response, once its body has been read to its end (as Go's {@code Response.Trailer}). */
    @Override
    public Headers get() {
        return framed.isComplete() ? framed.trailers() : Headers.empty();
    }

    /** Why the connection cannot carry another exchange after this response; null if it can. */
    private CloseReason notReusable(Head head, FramedBody framed, boolean requestComplete) {
        if (config.disableKeepAlives()) {
            return CloseReason.KEEP_ALIVES_DISABLED;
        }
        if (req.close || head.closesConnection()) {
            return CloseReason.CONNECTION_CLOSE;
        }
        if (!requestComplete || framed.endsWithConnection()) {
            return CloseReason.BROKEN;
        }
        return null;
    }

    /**
     * Why the connection is closed once the response is done with it ({@code reason}, as far as the response
     * knew), or null to reuse it. A body still being written must have gone out by now (Go's wroteRequest). And
     * nothing may follow a response on a connection (no pipelining): bytes already received after it are an
     * unsolicited response, and the connection must not be reused (Go closes it as such).
     */
    private CloseReason finalReason(CloseReason reason, CompletableFuture<Void> pendingWrite) {
        if (reason == null && pendingWrite != null && !Exchange.awaitQuietly(pendingWrite)) {
            return CloseReason.BROKEN;
        }
        return reason == null && codec.hasUnsolicitedInput() ? CloseReason.SERVER_CLOSED : reason;
    }
}
