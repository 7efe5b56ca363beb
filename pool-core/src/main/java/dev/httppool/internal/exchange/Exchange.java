package dev.httppool.internal.exchange;

import dev.httppool.ClientTrace;
import dev.httppool.CloseReason;
import dev.httppool.ConnectMethodKey;
import dev.httppool.Request;
import dev.httppool.RequestBody;
import dev.httppool.Response;
import dev.httppool.Ticker;
import dev.httppool.TransportConfig;
import dev.httppool.internal.exchange.ExchangeCodec.Head;
import dev.httppool.internal.exchange.ExchangeException.Stage;
import dev.httppool.internal.exchange.RequestBodyWriter.LocalBodyException;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One attempt of one request on one connection: write the request (waiting for {@code 100 Continue} when asked
 * to, or watching for an early response while a large body goes out), read the final response head, and hand
 * back a {@link Response} whose body returns the connection to the pool. The connection is reached only through
 * its {@link ExchangeCodec}; {@link ResponseHeads} reads the heads and {@link ResponseAssembler} builds the
 * response. Failures come out as {@link ExchangeException}s classified for the retry rules; the caller then
 * closes the connection.
 */
public final class Exchange {

    /** How long to look for an early response after a body write failed (Go waits 50 ms for the writer). */
    static final int EARLY_RESPONSE_WAIT_MILLIS = 50;
    /** Bodies larger than this (or of unknown length) are written while the response is watched for. */
    static final long CONCURRENT_WRITE_THRESHOLD = 64 * 1024;
    /** How often the watching thread checks on the body writer. */
    private static final int WATCH_SLICE_MILLIS = 100;

    private final TransportConfig config;
    private final Ticker ticker;
    private final Executor background;
    private final WireConnection wire;
    private final ConnectMethodKey key;
    private final Releaser releaser;
    private final PreparedRequest req;
    private final ClientTrace trace;
    private final int readTimeoutMillis;
    /** Set by {@link #run()}: an exchange runs once. */
    private ExchangeCodec codec;
    private ResponseHeads heads;
    private ResponseAssembler responses;

    /**
     * @param background runs concurrent request-body writes
     * @param releaser gives the connection back when the response is done with it
     */
    public Exchange(TransportConfig config, Ticker ticker, Executor background, WireConnection wire,
            ConnectMethodKey key, Releaser releaser, PreparedRequest req) {
        this.config = config;
        this.ticker = ticker;
        this.background = background;
        this.wire = wire;
        this.key = key;
        this.releaser = releaser;
        this.req = req;
        this.trace = req.original.trace();
        this.readTimeoutMillis = req.readTimeoutMillis;
    }

    public Response run() throws ExchangeException {
        try {
            codec = wire.newCodec();
        } catch (IOException e) {
            throw new ExchangeException(Stage.NOTHING_WRITTEN, CloseReason.BROKEN, e);
        }
        if (!wire.multiplexed()) {
            return runOn(releaser);
        }
        // A stream ends with its exchange: when the response gives the connection back, when the attempt fails, or
        // when leak detection finds its response body unreachable.
        StreamReleaser stream = new StreamReleaser(codec, releaser, req.original);
        try {
            return runOn(stream);
        } catch (ExchangeException | RuntimeException | Error e) {
            stream.failed();
            throw e;
        }
    }

    private Response runOn(Releaser releaser) throws ExchangeException {
        heads = new ResponseHeads(codec, trace, key, config.maxResponseHeaderBytes());
        responses = new ResponseAssembler(config, ticker, key, releaser, codec, req);
        Head early = null;
        try {
            codec.writeRequestHead(req.original.method(), req.target, req.headers);
            trace.wroteHeaders();
            if (req.body == null) {
                codec.flushRequest();
            } else if (req.expectContinue && !config.expectContinueTimeout().isZero()) {
                codec.flushRequest();
                trace.wait100Continue();
                early = heads.awaitContinue(config.expectContinueTimeout());
                if (early == null) {
                    RequestBodyWriter.write(codec, req.body);
                }
            } else if (writesConcurrently(req.body)) {
                return runWritingConcurrently();
            } else {
                RequestBodyWriter.write(codec, req.body);
            }
        } catch (LocalBodyException e) {
            throw bodyFailed(e);
        } catch (IOException e) {
            return writeFailed(e);
        }
        return early != null ? answeredEarly(early) : readResponseAfterWrite();
    }

    /**
     * The server gave its final answer without {@code 100 Continue}. As Go's readResponse: if the connection stays
     * open, the body goes out all the same, so the connection stays in step and can carry the next request (a
     * large body in the background, while the caller reads the response; the reuse decision then waits for it as
     * Go's wroteRequest does); if the response or the request says close, the body is skipped.
     */
    private Response answeredEarly(Head early) throws ExchangeException {
        if (req.close || early.closesConnection() || early.status() == 101) {
            trace.wroteRequest(null); // the request ends here, without its body
            return responses.respond(early, false);
        }
        if (writesConcurrently(req.body)) {
            CompletableFuture<Void> written;
            try {
                written = writeInBackground();
            } catch (IOException e) {
                trace.wroteRequest(e);
                return responses.respond(early, false);
            }
            written.whenComplete((ok, failure) ->
                    trace.wroteRequest(failure == null ? null : reported(writeError(written))));
            return responses.respondWhileWriting(early, written);
        }
        try {
            RequestBodyWriter.write(codec, req.body);
            trace.wroteRequest(null);
            return responses.respond(early, true);
        } catch (LocalBodyException e) {
            trace.wroteRequest(e.io);
        } catch (IOException e) {
            trace.wroteRequest(e);
        }
        return responses.respond(early, false);
    }

    /** The whole request is written: wait for the response headers, within responseHeaderTimeout from now. */
    private Response readResponseAfterWrite() throws ExchangeException {
        trace.wroteRequest(null);
        long headerDeadline = config.responseHeaderTimeout().isZero() ? 0
                : ticker.nanoTime() + config.responseHeaderTimeout().toNanos();
        codec.setReadLimits(readTimeoutMillis, headerDeadline, "timeout awaiting response headers");
        return responses.respond(heads.readFinal(), true);
    }

    /** The request body failed by itself (not the socket): the request fails with that error, never retried. */
    private ExchangeException bodyFailed(LocalBodyException e) {
        trace.wroteRequest(e.io);
        return new ExchangeException(Stage.FINAL, CloseReason.BROKEN, e.io);
    }

    /**
     * Writing to the socket failed: a retry candidate when nothing reached it; otherwise the server may already
     * have answered (and closed), and that answer is what the caller gets.
     */
    private Response writeFailed(IOException e) throws ExchangeException {
        trace.wroteRequest(e);
        if (codec.nothingWritten()) {
            throw new ExchangeException(Stage.NOTHING_WRITTEN, CloseReason.BROKEN, e);
        }
        Head head = heads.tryEarly(EARLY_RESPONSE_WAIT_MILLIS);
        if (head == null) {
            throw new ExchangeException(Stage.BEFORE_RESPONSE, CloseReason.BROKEN, e);
        }
        return responses.respond(head, false);
    }

    /**
     * Large or unknown-length bodies are written on another thread while this one watches for the response, as
     * Go's writeLoop/readLoop do: a server may answer (say, 413 or 401) without reading the body, and must be
     * heard before its close turns into a reset that would hide the answer.
     */
    private static boolean writesConcurrently(RequestBody body) {
        long length = body.contentLength();
        return length < 0 || length > CONCURRENT_WRITE_THRESHOLD;
    }

    private Response runWritingConcurrently() throws IOException, ExchangeException {
        codec.flushRequest();
        CompletableFuture<Void> written = writeInBackground();
        while (!written.isDone()) {
            codec.setReadLimits(WATCH_SLICE_MILLIS, 0, null);
            boolean answered;
            try {
                answered = codec.awaitResponse();
            } catch (SocketTimeoutException e) {
                continue; // still writing; look again
            } catch (IOException e) {
                awaitQuietly(written);
                throw new ExchangeException(Stage.BEFORE_RESPONSE, CloseReason.BROKEN, e);
            }
            if (!answered) {
                awaitQuietly(written);
                throw new ExchangeException(Stage.SERVER_CLOSED_IDLE, CloseReason.SERVER_CLOSED,
                        new EOFException("server closed connection before sending a response (" + key + ")"));
            }
            // The server answered while the body was still going out.
            codec.setReadLimits(readTimeoutMillis, 0, null);
            Head head = heads.readFinal();
            boolean complete = awaitQuietly(written);
            Throwable writeFailure = complete ? null : writeError(written);
            trace.wroteRequest(writeFailure instanceof Exception ? (Exception) writeFailure : null);
            return responses.respond(head, complete);
        }
        Throwable failure = writeError(written);
        if (failure instanceof LocalBodyException) {
            throw bodyFailed((LocalBodyException) failure);
        }
        if (failure instanceof Error) {
            throw (Error) failure; // as when the body is written on this thread
        }
        if (failure != null) {
            return writeFailed(failure instanceof IOException ? (IOException) failure
                    : new IOException("request body failed: " + failure, failure));
        }
        return readResponseAfterWrite();
    }

    /** Starts writing the request body on the background executor; the future tells how it ended. */
    private CompletableFuture<Void> writeInBackground() throws IOException {
        CompletableFuture<Void> written = new CompletableFuture<>();
        req.bodyCloser.backgroundWriteStarting(); // the body stays open until this write ends
        try {
            background.execute(() -> {
                try {
                    RequestBodyWriter.write(codec, req.body);
                    written.complete(null);
                } catch (Throwable t) { // an Error too: whoever waits for the write must learn that it ended
                    written.completeExceptionally(t);
                } finally {
                    req.bodyCloser.backgroundWriteEnded();
                }
            });
        } catch (RuntimeException e) {
            req.bodyCloser.backgroundWriteEnded();
            throw new IOException("transport is closed", e);
        }
        return written;
    }

    /** Waits briefly (as Go's 50 ms) for the body writer; true if it finished successfully. */
    static boolean awaitQuietly(CompletableFuture<Void> written) {
        try {
            written.get(EARLY_RESPONSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    private static Throwable writeError(CompletableFuture<Void> written) {
        if (!written.isCompletedExceptionally()) {
            return null;
        }
        try {
            written.join();
            return null;
        } catch (CompletionException | CancellationException e) {
            return e.getCause() != null ? e.getCause() : e;
        }
    }

    /** A body write's failure as the trace reports it: a body's own failure as its I/O error. */
    private static Exception reported(Throwable failure) {
        if (failure instanceof LocalBodyException) {
            return ((LocalBodyException) failure).io;
        }
        return failure instanceof Exception ? (Exception) failure : new IOException("request body failed", failure);
    }

    /** Gives the connection back: {@code reason == null} offers it for reuse, otherwise it is closed. */
    @FunctionalInterface
    public interface Releaser {
        void release(CloseReason reason, ClientTrace trace);

        /** What the server said of keeping the connection, told before the connection is released. */
        default void serverKeepAlive(KeepAliveHint hint) {
        }

        /**
         * The response's body streams from the connection from now on, until it is finished or closed; told
         * before the response is handed over. The body must not be kept reachable (it is watched for a leak).
         */
        default void responding(Object body) {
        }

        /**
         * As {@link #responding}, for the body of one stream of a multiplexed connection, which is watched on its
         * own (the connection is shared): {@code stream} resets the stream and gives it back if the body is found
         * unreachable unfinished. Returns what the stream's own end runs to stop watching it.
         */
        default Runnable respondingOnStream(Object body, OpenStream stream) {
            return StreamReleaser.NOTHING;
        }
    }

    /** One stream's exchange, as leak detection sees it while its response body is out. */
    public interface OpenStream {

        /** The request the stream carries. */
        Request request();

        /**
         * Resets the stream (RST_STREAM with CANCEL, unless both sides ended it) and gives it back to the pool, as
         * an abandoned response body does, unless the stream has ended already.
         *
         * @return whether it did (false: it had ended)
         */
        boolean abandon();
    }
}
