package dev.httppool;

import dev.httppool.http1.ChunkedInputStream;
import dev.httppool.http1.FixedLengthInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;

/**
 * A response body streaming from a pooled connection. The connection goes back to the pool the moment the
 * body reaches its end, before that last read returns; {@link #close()} before the end drains what is left,
 * up to {@link #DRAIN_LIMIT} bytes, so the connection can still be reused, and closes it otherwise. Any read
 * error closes the connection.
 */
final class ResponseBody extends InputStream {

    /** The most that {@link #close()} reads to save a connection. */
    static final int DRAIN_LIMIT = 256 * 1024;
    /** Per-read limit while draining, so closing never waits long on a slow server. */
    static final int DRAIN_READ_TIMEOUT_MILLIS = 200;

    private final ConnectMethodKey key;
    private final InputStream framed;
    private final boolean reusable;
    private final CloseReason notReusableReason;
    private final Consumer<CloseReason> release;
    private final Runnable beforeDrain;
    private boolean finished;
    private boolean closed;

    /**
     * @param key the connection's key, named in read errors
     * @param framed the body as delimited by its framing; returns -1 at its end
     * @param reusable whether the connection may be reused once the body is complete
     * @param notReusableReason why not, when not
     * @param release gives the connection back: null to offer it for reuse, else the close reason
     * @param beforeDrain shortens the read timeout before a drain
     */
    ResponseBody(ConnectMethodKey key, InputStream framed, boolean reusable, CloseReason notReusableReason,
            Consumer<CloseReason> release, Runnable beforeDrain) {
        this.key = key;
        this.framed = framed;
        this.reusable = reusable;
        this.notReusableReason = notReusableReason;
        this.release = release;
        this.beforeDrain = beforeDrain;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("read on closed response body");
        }
        if (finished) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        int n;
        try {
            n = framed.read(b, off, len);
        } catch (IOException e) {
            finish(CloseReason.BROKEN);
            throw KeyedErrors.withKey(e, key);
        } catch (RuntimeException e) {
            finish(CloseReason.BROKEN);
            throw e;
        }
        if (n < 0 || isFramedComplete()) {
            // Like Go, hand the connection back with the last bytes: callers that read exactly Content-Length
            // bytes (as Spring's converters do) never ask for the end of the stream.
            finish(reusable ? null : notReusableReason);
        }
        return n;
    }

    /** {@code e} naming this body's pool key. */
    IOException withKey(IOException e) {
        return KeyedErrors.withKey(e, key);
    }

    @Override
    public int available() throws IOException {
        if (closed || finished) {
            return 0;
        }
        return framed.available();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (finished) {
            return;
        }
        if (!reusable) {
            finish(notReusableReason);
            return;
        }
        if (isFramedComplete()) {
            finish(null); // everything was read already: nothing to drain
            return;
        }
        try {
            beforeDrain.run();
            byte[] buf = new byte[4096];
            long drained = 0;
            while (drained <= DRAIN_LIMIT) {
                int n = framed.read(buf, 0, buf.length);
                if (n < 0) {
                    finish(null);
                    return;
                }
                drained += n;
            }
        } catch (IOException | RuntimeException e) {
            // fall through: the connection cannot be saved
        }
        finish(CloseReason.BROKEN);
    }

    private boolean isFramedComplete() {
        if (framed instanceof FixedLengthInputStream) {
            return ((FixedLengthInputStream) framed).isComplete();
        }
        return framed instanceof ChunkedInputStream && ((ChunkedInputStream) framed).isComplete();
    }

    private void finish(CloseReason reason) {
        if (!finished) {
            finished = true;
            release.accept(reason);
        }
    }
}
