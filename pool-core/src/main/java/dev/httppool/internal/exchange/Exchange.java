package dev.httppool.internal.exchange;

import dev.httppool.ConnectMethodKey;
import dev.httppool.Ticker;
import dev.httppool.internal.ApiAccess;

import dev.httppool.ClientTrace;
import dev.httppool.CloseReason;
import dev.httppool.Headers;
import dev.httppool.RequestBody;
import dev.httppool.Response;
import dev.httppool.Transport;
import dev.httppool.TransportConfig;
import dev.httppool.internal.pool.PooledConnection;

import dev.httppool.internal.exchange.ExchangeException.Stage;
import dev.httppool.internal.http1.BodyFraming;
import dev.httppool.internal.http1.ChunkedInputStream;
import dev.httppool.internal.http1.ChunkedOutputStream;
import dev.httppool.internal.http1.FixedLengthInputStream;
import dev.httppool.internal.http1.Http1Connection;
import dev.httppool.internal.http1.RequestHeadWriter;
import dev.httppool.internal.http1.ResponseHead;
import dev.httppool.internal.http1.ResponseHeadParser;
import dev.httppool.internal.http1.WireInput;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ProtocolException;
import java.net.SocketTimeoutException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One attempt of one request on one connection: write the request, read interim and final response heads,
 * and hand back a {@link Response} whose body returns the connection to the pool. Failures come out as
 * {@link ExchangeException}s classified for the retry rules; the caller then closes the connection.
 */
public final class Exchange {

    /** The body of bodyless responses: stateless, so one instance serves all (closing it changes nothing). */
    private static final InputStream EMPTY = new InputStream() {
        @Override
        public int read() {
            return -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            return len == 0 ? 0 : -1;
        }
    };
    /** How long to look for an early response after a body write failed (Go waits 50 ms for the writer). */
    private static final int EARLY_RESPONSE_WAIT_MILLIS = 50;
    /** Bodies larger than this (or of unknown length) are written while the response is watched for. */
    static final long CONCURRENT_WRITE_THRESHOLD = 64 * 1024;
    /** How often the watching thread checks on the body writer. */
    private static final int WATCH_SLICE_MILLIS = 100;

    private final TransportConfig config;
    private final Ticker ticker;
    private final Executor background;
    private final ConnectMethodKey key;
    private final Releaser releaser;
    private final Http1Connection conn;
    private final PreparedRequest req;
    private final ClientTrace trace;
    private final int readTimeoutMillis;
    /** What is left of maxResponseHeaderBytes: interim responses count toward it, as in Go. */
    private long headerBudget;
    private boolean firstByteReported;

    /**
     * @param background runs concurrent request-body writes
     * @param releaser gives the connection back when the response is done with it
     */
    public Exchange(TransportConfig config, Ticker ticker, Executor background, WireConnection wire,
            ConnectMethodKey key, Releaser releaser, PreparedRequest req) {
        this.config = config;
        this.ticker = ticker;
        this.background = background;
        this.key = key;
        this.releaser = releaser;
        this.conn = (Http1Connection) wire;
        this.req = req;
        this.trace = req.original.trace();
        this.readTimeoutMillis = req.readTimeoutMillis;
        this.headerBudget = config.maxResponseHeaderBytes();
    }

    public Response run() throws ExchangeException {
        long writtenBefore = conn.bytesWritten();
        OutputStream out = conn.out();
        boolean bodyComplete;
        ResponseHead early = null;
        try {
            RequestHeadWriter.write(out, req.original.method(), req.target, req.headers);
            trace.wroteHeaders();
            if (req.body == null) {
                out.flush();
                bodyComplete = true;
            } else if (req.expectContinue && !config.expectContinueTimeout().isZero()) {
                out.flush();
                trace.wait100Continue();
                early = awaitContinue();
                if (early == null) {
                    writeBody(out);
                    bodyComplete = true;
                } else {
                    bodyComplete = false;
                }
            } else if (writesConcurrently(req.body)) {
                return runWritingConcurrently(out, writtenBefore);
            } else {
                writeBody(out);
                bodyComplete = true;
            }
        } catch (LocalBodyException e) {
            throw bodyFailed(e);
        } catch (IOException e) {
            return writeFailed(e, writtenBefore);
        }
        if (early != null) {
            return respond(early, false);
        }
        return readResponseAfterWrite(bodyComplete);
    }

    /** The request is written: wait for the response headers, within responseHeaderTimeout from now. */
    private Response readResponseAfterWrite(boolean bodyComplete) throws ExchangeException {
        trace.wroteRequest(null);
        long headerDeadline = config.responseHeaderTimeout().isZero() ? 0
                : ticker.nanoTime() + config.responseHeaderTimeout().toNanos();
        conn.setReadLimits(readTimeoutMillis, headerDeadline, "timeout awaiting response headers");
        return respond(readFinalHead(), bodyComplete);
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
    private Response writeFailed(IOException e, long writtenBefore) throws ExchangeException {
        trace.wroteRequest(e);
        if (conn.bytesWritten() == writtenBefore) {
            throw new ExchangeException(Stage.NOTHING_WRITTEN, CloseReason.BROKEN, e);
        }
        ResponseHead head = tryEarlyResponse();
        if (head == null) {
            throw new ExchangeException(Stage.BEFORE_RESPONSE, CloseReason.BROKEN, e);
        }
        return respond(head, false);
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

    private Response runWritingConcurrently(OutputStream out, long writtenBefore) throws IOException,
            ExchangeException {
        out.flush();
        CompletableFuture<Void> written = new CompletableFuture<>();
        try {
            background.execute(() -> {
                try {
                    writeBody(out);
                    written.complete(null);
                } catch (LocalBodyException | IOException | RuntimeException e) {
                    written.completeExceptionally(e);
                }
            });
        } catch (RuntimeException e) {
            throw new IOException("transport is closed", e);
        }
        WireInput in = conn.in();
        while (!written.isDone()) {
            conn.setReadLimits(WATCH_SLICE_MILLIS, 0, null);
            int first;
            try {
                first = in.peek();
            } catch (SocketTimeoutException e) {
                continue; // still writing; look again
            } catch (IOException e) {
                awaitQuietly(written);
                throw new ExchangeException(Stage.BEFORE_RESPONSE, CloseReason.BROKEN, e);
            }
            if (first < 0) {
                awaitQuietly(written);
                throw new ExchangeException(Stage.SERVER_CLOSED_IDLE, CloseReason.SERVER_CLOSED,
                        new EOFException("server closed connection before sending a response (" + key + ")"));
            }
            // The server answered while the body was still going out.
            conn.setReadLimits(readTimeoutMillis, 0, null);
            ResponseHead head = readFinalHead();
            boolean complete = awaitQuietly(written);
            Throwable writeFailure = complete ? null : writeError(written);
            trace.wroteRequest(writeFailure instanceof Exception ? (Exception) writeFailure : null);
            return respond(head, complete);
        }
        Throwable failure = writeError(written);
        if (failure instanceof LocalBodyException) {
            throw bodyFailed((LocalBodyException) failure);
        }
        if (failure != null) {
            return writeFailed(failure instanceof IOException ? (IOException) failure
                    : new IOException("request body failed: " + failure, failure), writtenBefore);
        }
        return readResponseAfterWrite(true);
    }

    /** Waits briefly (as Go's 50 ms) for the body writer; true if it finished successfully. */
    private static boolean awaitQuietly(CompletableFuture<Void> written) {
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
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
            return e.getCause() != null ? e.getCause() : e;
        }
    }

    private void writeBody(OutputStream out) throws IOException, LocalBodyException {
        RequestBody body = req.body;
        long length = body.contentLength();
        BodySink sink;
        ChunkedOutputStream chunked = null;
        if (length >= 0) {
            sink = new BodySink(out);
        } else {
            chunked = new ChunkedOutputStream(out);
            sink = new BodySink(chunked);
        }
        try {
            body.writeTo(sink);
        } catch (IOException | RuntimeException e) {
            if (sink.socketError != null) {
                throw sink.socketError;
            }
            IOException io = e instanceof IOException ? (IOException) e
                    : new IOException("request body failed: " + e, e);
            throw new LocalBodyException(io);
        }
        if (length >= 0 && sink.count != length) {
            throw new LocalBodyException(new IOException("request body length " + sink.count
                    + " does not match its declared Content-Length " + length));
        }
        if (chunked != null) {
            chunked.finish();
        }
        out.flush();
    }

    /** Waits up to expectContinueTimeout for an answer; null means: send the body. */
    private ResponseHead awaitContinue() throws IOException {
        conn.setReadLimits((int) Math.max(1, config.expectContinueTimeout().toMillis()), 0, null);
        try {
            if (conn.in().peek() < 0) {
                throw new EOFException("server closed connection before sending a response");
            }
        } catch (SocketTimeoutException e) {
            return null;
        }
        reportFirstByte();
        for (;;) {
            ResponseHead head = readHead();
            if (head.status() == 100) {
                trace.got100Continue();
                trace.got1xxResponse(100, head.headers());
                return null;
            }
            if (head.isInformational() && head.status() != 101) {
                trace.got1xxResponse(head.status(), head.headers());
                continue;
            }
            return head;
        }
    }

    /** After a failed body write: the server may have answered before reading the body. */
    private ResponseHead tryEarlyResponse() {
        try {
            conn.setReadLimits(EARLY_RESPONSE_WAIT_MILLIS, 0, null);
            if (conn.in().peek() < 0) {
                return null;
            }
            ResponseHead head;
            do {
                head = readHead();
            } while (head.isInformational() && head.status() != 101);
            conn.setReadLimits(readTimeoutMillis, 0, null);
            return head;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private ResponseHead readFinalHead() throws ExchangeException {
        WireInput in = conn.in();
        try {
            if (in.peek() < 0) {
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
                ResponseHead head = readHead();
                if (head.isInformational() && head.status() != 101) {
                    if (head.status() == 100) {
                        trace.got100Continue();
                    }
                    trace.got1xxResponse(head.status(), head.headers());
                    continue;
                }
                return head;
            }
        } catch (IOException e) {
            // The response had started: too late to retry.
            throw new ExchangeException(Stage.FINAL, CloseReason.BROKEN, e);
        }
    }

    private ResponseHead readHead() throws IOException {
        ResponseHead head;
        try {
            if (headerBudget <= 0) {
                throw new ProtocolException("server response headers exceeded");
            }
            head = ResponseHeadParser.read(conn.in(), headerBudget);
        } catch (ProtocolException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("server response headers exceeded")) {
                // Name the configured limit, not what interim responses left of it.
                ProtocolException limit = new ProtocolException("server response headers exceeded "
                        + config.maxResponseHeaderBytes() + " bytes; aborted");
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

    /**
     * Nothing may follow a response on a connection (no pipelining): bytes already received after it are an
     * unsolicited response, and the connection must not be reused (Go closes it as such).
     */
    private CloseReason unlessUnsolicitedBytes(CloseReason reason) {
        return reason == null && conn.hasUnreadInput() ? CloseReason.SERVER_CLOSED : reason;
    }

    private Response respond(ResponseHead head, boolean requestComplete) throws ExchangeException {
        BodyFraming framing;
        try {
            framing = BodyFraming.of(req.original.method(), head);
        } catch (ProtocolException e) {
            throw new ExchangeException(Stage.FINAL, CloseReason.BROKEN, e);
        }
        Headers headers = head.headers();
        CloseReason notReusable = null;
        if (config.disableKeepAlives()) {
            notReusable = CloseReason.KEEP_ALIVES_DISABLED;
        } else if (req.close || headers.hasToken("Connection", "close")
                || head.minorVersion() == 0 && !headers.hasToken("Connection", "keep-alive")) {
            notReusable = CloseReason.CONNECTION_CLOSE;
        } else if (!requestComplete || framing.kind() == BodyFraming.Kind.UNTIL_CLOSE || head.status() == 101) {
            notReusable = CloseReason.BROKEN;
        }
        boolean reusable = notReusable == null;
        conn.setReadLimits(readTimeoutMillis, 0, null);

        boolean noBody = framing.kind() == BodyFraming.Kind.NONE
                || framing.kind() == BodyFraming.Kind.FIXED && framing.length() == 0;
        if (noBody && head.status() != 101) {
            // Go returns a bodyless response's connection before handing the response over (#13633).
            releaser.release(unlessUnsolicitedBytes(notReusable), trace);
            return ApiAccess.get().newResponse(req.original, head.status(), head.reason(), head.protocol(), headers, EMPTY,
                    framing.kind() == BodyFraming.Kind.FIXED ? 0 : -1, false);
        }
        InputStream framed;
        long contentLength = -1;
        switch (framing.kind()) {
            case FIXED:
                framed = new FixedLengthInputStream(conn.in(), framing.length());
                contentLength = framing.length();
                break;
            case CHUNKED:
                framed = new ChunkedInputStream(conn.in(), config.maxResponseHeaderBytes());
                break;
            default:
                framed = new UntilEof(conn.in());
                break;
        }
        ResponseBody body = new ResponseBody(key, framed, reusable, notReusable,
                reason -> releaser.release(unlessUnsolicitedBytes(reason), trace),
                () -> conn.setReadLimits(ResponseBody.DRAIN_READ_TIMEOUT_MILLIS, 0, null));
        if (req.addedGzip && "gzip".equalsIgnoreCase(headers.first("Content-Encoding"))) {
            Headers stripped = headers.toBuilder().remove("Content-Encoding").remove("Content-Length").build();
            return ApiAccess.get().newResponse(req.original, head.status(), head.reason(), head.protocol(), stripped,
                    new GzipBody(body), -1, true);
        }
        return ApiAccess.get().newResponse(req.original, head.status(), head.reason(), head.protocol(), headers, body,
                contentLength, false);
    }

    /** Gives the connection back: {@code reason == null} offers it for reuse, otherwise it is closed. */
    @FunctionalInterface
    public interface Releaser {
        void release(CloseReason reason, ClientTrace trace);
    }

    /** The request body's own failure (not the socket's): never retried. */
    private static final class LocalBodyException extends Exception {
        private static final long serialVersionUID = 1L;
        final IOException io;

        LocalBodyException(IOException io) {
            super(io.getMessage(), io, false, false);
            this.io = io;
        }
    }

    /** What the request body writes into: counts bytes and remembers socket failures. */
    private static final class BodySink extends OutputStream {
        private final OutputStream out;
        long count;
        IOException socketError;

        BodySink(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            try {
                out.write(b);
                count++;
            } catch (IOException e) {
                socketError = e;
                throw e;
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
                count += len;
            } catch (IOException e) {
                socketError = e;
                throw e;
            }
        }

        @Override
        public void flush() throws IOException {
            try {
                out.flush();
            } catch (IOException e) {
                socketError = e;
                throw e;
            }
        }

        @Override
        public void close() {
            // the body must not close the connection
        }
    }

    /** A body delimited by the end of the connection. */
    private static final class UntilEof extends InputStream {
        private final InputStream in;

        UntilEof(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return in.read(b, off, len);
        }

        @Override
        public int available() throws IOException {
            return in.available();
        }

        @Override
        public void close() {
            // the connection is closed by its release
        }
    }
}
