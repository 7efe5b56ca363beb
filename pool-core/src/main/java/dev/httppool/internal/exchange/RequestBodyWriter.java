package dev.httppool.internal.exchange;

import dev.httppool.RequestBody;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes a request body through its codec, and tells the body's own failures (a stream that broke, a length that
 * does not match) from the connection's: only the connection's count for the retry rules.
 */
final class RequestBodyWriter {

    private RequestBodyWriter() {
    }

    /**
     * Writes {@code body} and ends its framing.
     *
     * @throws LocalBodyException if the body failed by itself, or wrote other than its declared length
     * @throws IOException if the connection failed
     */
    static void write(ExchangeCodec codec, RequestBody body) throws IOException, LocalBodyException {
        long length = body.contentLength();
        BodySink sink = new BodySink(codec.requestBody(length));
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
        codec.finishRequestBody();
    }

    /** The request body's own failure (not the socket's): never retried. */
    static final class LocalBodyException extends Exception {
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
}
