package dev.httppool.internal.exchange;

import dev.httppool.RequestBody;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ProtocolException;

/**
 * Writes a request body through its codec, and tells the body's own failures (a stream that broke, a length that
 * does not match) from the connection's: only the connection's count for the retry rules.
 *
 * <p>This is the one place that holds a body to its declared length, for every codec: a write that would go past
 * the length is refused before any of its bytes reach the codec (else the surplus would reach the server as the
 * start of another request: request smuggling), and a body that ends short fails. Either way the request fails
 * with a {@link ProtocolException} ("expected N bytes but received M") and its connection is closed.
 */
final class RequestBodyWriter {

    private RequestBodyWriter() {
    }

    /**
     * Writes {@code body} and ends its framing.
     *
     * @throws LocalBodyException if the body failed by itself, or wrote more or fewer bytes than its declared
     *     length
     * @throws IOException if the connection failed
     */
    static void write(ExchangeCodec codec, RequestBody body) throws IOException, LocalBodyException {
        long length = body.contentLength();
        BodySink sink = new BodySink(codec.requestBody(length), length);
        try {
            body.writeTo(sink);
        } catch (IOException | RuntimeException e) {
            if (sink.socketError != null) {
                throw sink.socketError;
            }
            if (sink.lengthError != null) {
                throw new LocalBodyException(sink.lengthError);
            }
            IOException io = e instanceof IOException ? (IOException) e
                    : new IOException("request body failed: " + e, e);
            throw new LocalBodyException(io);
        }
        if (sink.lengthError != null) { // the body swallowed the refusal: the request fails all the same
            throw new LocalBodyException(sink.lengthError);
        }
        if (length >= 0 && sink.count != length) {
            throw new LocalBodyException(new ProtocolException("request body shorter than its Content-Length: "
                    + "expected " + length + " bytes but received " + sink.count));
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

    /**
     * What the request body writes into: counts bytes, refuses any write that would pass the declared length
     * (before writing any of it), and remembers socket failures.
     */
    private static final class BodySink extends OutputStream {
        private final OutputStream out;
        /** The declared length, or -1 for none. */
        private final long length;
        long count;
        IOException socketError;
        /** Set once a write went past the declared length; every later write fails too. */
        ProtocolException lengthError;

        BodySink(OutputStream out, long length) {
            this.out = out;
            this.length = length;
        }

        @Override
        public void write(int b) throws IOException {
            checkLength(1);
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
            checkLength(len);
            try {
                out.write(b, off, len);
                count += len;
            } catch (IOException e) {
                socketError = e;
                throw e;
            }
        }

        /** Refuses a write of {@code len} bytes that would pass the declared length, before it is written. */
        private void checkLength(int len) throws ProtocolException {
            if (lengthError == null && (length < 0 || len <= length - count)) {
                return;
            }
            if (lengthError == null) {
                lengthError = new ProtocolException("request body longer than its Content-Length: expected "
                        + length + " bytes but received at least " + (count + len));
            }
            throw lengthError;
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
