package dev.httppool;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * A request body: knows its length (or -1) and whether it can be sent again. Only a replayable body lets the
 * transport retry a request after a reused connection turned out to be dead (Go's {@code GetBody}).
 *
 * <p>Like Go's {@code Request.Body}, a body is closed by the transport, exactly once per
 * {@link RoundTripper#roundTrip}, whatever happens; see {@link #close()}.
 */
public interface RequestBody extends Closeable {

    /** The length in bytes, or -1 when unknown (the body is then sent chunked). */
    long contentLength();

    /** Whether {@link #writeTo} may be called more than once, each time writing the same bytes. */
    boolean isReplayable();

    /** Writes the body. Must not close {@code out}. */
    void writeTo(OutputStream out) throws IOException;

    /**
     * Releases what the body holds, such as the stream of {@link #ofStream}. The transport calls it exactly once
     * per {@link RoundTripper#roundTrip}, whether the body was written or not (a failed dial, a connection lost
     * before the body, a server that answered without needing it), once no write of it runs any more: when the
     * roundTrip returns or throws, or later, when a body still being written in the background is done. Callers
     * need not call it. A replayable body must stay writable afterwards, as another roundTrip (a redirect) may send
     * it again. The default does nothing.
     */
    @Override
    default void close() throws IOException {
    }

    /** A replayable body of these bytes (not copied: do not change the array afterwards). */
    static RequestBody of(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        return new RequestBody() {
            @Override
            public long contentLength() {
                return bytes.length;
            }

            @Override
            public boolean isReplayable() {
                return true;
            }

            @Override
            public void writeTo(OutputStream out) throws IOException {
                out.write(bytes);
            }
        };
    }

    /** A replayable UTF-8 body. */
    static RequestBody of(String text) {
        return of(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A replayable body whose bytes come from a fresh stream for each attempt. */
    static RequestBody ofSupplier(long contentLength, Supplier<? extends InputStream> streams) {
        Objects.requireNonNull(streams, "streams");
        return new RequestBody() {
            @Override
            public long contentLength() {
                return contentLength;
            }

            @Override
            public boolean isReplayable() {
                return true;
            }

            @Override
            public void writeTo(OutputStream out) throws IOException {
                try (InputStream in = streams.get()) {
                    in.transferTo(out);
                }
            }
        };
    }

    /**
     * A one-shot body read from {@code in}, which is closed exactly once: after writing, or by {@link #close()} if
     * it is never written. It is not replayable: a request carrying it is retried only if it failed before any of
     * it was read.
     */
    static RequestBody ofStream(long contentLength, InputStream in) {
        Objects.requireNonNull(in, "in");
        AtomicBoolean used = new AtomicBoolean();
        AtomicBoolean closed = new AtomicBoolean();
        return new RequestBody() {
            @Override
            public long contentLength() {
                return contentLength;
            }

            @Override
            public boolean isReplayable() {
                return false;
            }

            @Override
            public void writeTo(OutputStream out) throws IOException {
                if (!used.compareAndSet(false, true)) {
                    throw new IOException("cannot rewind body after connection loss");
                }
                if (!closed.compareAndSet(false, true)) {
                    throw new IOException("request body was closed before it was written");
                }
                try (in) { // this write closes the stream; close() then has nothing left to do
                    in.transferTo(out);
                }
            }

            @Override
            public void close() throws IOException {
                if (closed.compareAndSet(false, true)) {
                    in.close();
                }
            }
        };
    }

    /** The empty body, replayable, length 0. */
    static RequestBody empty() {
        return of(new byte[0]);
    }
}
