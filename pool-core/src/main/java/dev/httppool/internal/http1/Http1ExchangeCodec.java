package dev.httppool.internal.http1;

import dev.httppool.Headers;
import dev.httppool.internal.exchange.ExchangeCodec;
import dev.httppool.internal.exchange.FramedBody;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ProtocolException;
import java.util.Objects;

/**
 * One HTTP/1.1 exchange on an {@link Http1Connection}: the request head and body in HTTP/1.1 bytes
 * ({@link RequestHeadWriter}, Content-Length or chunked framing), response heads from
 * {@link ResponseHeadParser}, and the response body as {@link BodyFraming} delimits it.
 */
final class Http1ExchangeCodec implements ExchangeCodec {

    private final Http1Connection conn;
    /** The connection's written-bytes count when this exchange began. */
    private long writtenBefore;
    /** The request's method, which decides whether the response has a body. */
    private String method;
    /** The chunked framing of a body of unknown length, while one is written. */
    private ChunkedOutputStream chunked;

    Http1ExchangeCodec(Http1Connection conn) {
        this.conn = conn;
    }

    /**
     * Readies this codec for the connection's next exchange. An HTTP/1.1 connection carries one exchange at a
     * time, so it keeps one codec and starts it afresh for each (no allocation per request).
     */
    Http1ExchangeCodec begin() {
        writtenBefore = conn.bytesWritten();
        method = null;
        chunked = null;
        return this;
    }

    @Override
    public void writeRequestHead(String method, String target, Headers headers) throws IOException {
        this.method = method;
        RequestHeadWriter.write(conn.out(), method, target, headers);
    }

    @Override
    public OutputStream requestBody(long contentLength) {
        if (contentLength >= 0) {
            return conn.out();
        }
        chunked = new ChunkedOutputStream(conn.out());
        return chunked;
    }

    @Override
    public void finishRequestBody() throws IOException {
        if (chunked != null) {
            chunked.finish();
        }
        conn.out().flush();
    }

    @Override
    public void flushRequest() throws IOException {
        conn.out().flush();
    }

    @Override
    public boolean nothingWritten() {
        return conn.bytesWritten() == writtenBefore;
    }

    @Override
    public void setReadLimits(int readTimeoutMillis, long deadlineNanos, String deadlineMessage) {
        conn.setReadLimits(readTimeoutMillis, deadlineNanos, deadlineMessage);
    }

    @Override
    public boolean awaitResponse() throws IOException {
        return conn.in().peek() >= 0;
    }

    @Override
    public Head readResponseHead(long maxHeaderBytes) throws IOException {
        return ResponseHeadParser.read(conn.in(), maxHeaderBytes, Http1ExchangeCodec::head);
    }

    /** The exchange's head of a parsed response head, made once (no {@link ResponseHead} in between). */
    private static Head head(int status, String reason, int minorVersion, Headers headers, long headerBytes) {
        boolean closes = headers.hasToken("Connection", "close")
                || minorVersion == 0 && !headers.hasToken("Connection", "keep-alive");
        return new Head(status, reason, ResponseHead.protocol(minorVersion), headers, headerBytes, closes);
    }

    @Override
    public FramedBody openResponseBody(Head head, long maxTrailerBytes) throws ProtocolException {
        BodyFraming framing = BodyFraming.of(Objects.requireNonNull(method, "no request written"), head.status(),
                "HTTP/1.0".equals(head.protocol()) ? 0 : 1, head.headers());
        if (head.status() == 101) {
            return new UntilClose(conn.in()); // the rest of the connection belongs to the new protocol
        }
        switch (framing.kind()) {
            case NONE:
                return FramedBody.empty(framing.reportedLength());
            case FIXED:
                return new FixedLengthInputStream(conn.in(), framing.length());
            case CHUNKED:
                return new ChunkedInputStream(conn.in(), maxTrailerBytes);
            default:
                return new UntilClose(conn.in());
        }
    }

    @Override
    public boolean hasUnsolicitedInput() {
        return conn.hasUnreadInput();
    }

    /** A body delimited by the end of the connection. */
    private static final class UntilClose extends FramedBody {
        private final WireInput in;
        private final long startConsumed;

        UntilClose(WireInput in) {
            this.in = in;
            this.startConsumed = in.bytesConsumed();
        }

        @Override
        public long wireBytesRead() {
            return in.bytesConsumed() - startConsumed;
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
        public boolean isComplete() {
            return false;
        }

        @Override
        public boolean endsWithConnection() {
            return true;
        }

        @Override
        public void close() {
            // the connection is closed by its release
        }
    }
}
