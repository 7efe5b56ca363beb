package dev.httppool.internal.exchange;

import dev.httppool.CloseReason;
import dev.httppool.ConnectMethodKey;
import java.io.IOException;
import java.lang.ref.Reference;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * A response body streaming from a pooled connection. The connection goes back to the pool the moment the
 * body reaches its end, before that last read returns; {@link #close()} before the end drains what is left, so
 * the connection can still be reused, within {@link #DRAIN_LIMIT} bytes off the wire and
 * {@link #DRAIN_DEADLINE_MILLIS} ms in all, and closes it otherwise. Any read error closes the connection.
 *
 * <p>It supports {@link #mark}/{@link #reset} by keeping the bytes read since the mark (so Spring's
 * {@code RestClient} peeks at the first byte without wrapping the stream), and {@link #readNBytes(int)} /
 * {@link #readAllBytes()} of a body of known length allocate the result once, at its exact size.
 */
public final class ResponseBody extends BulkReadInputStream {

    /**
     * The most that {@link #close()} reads off the wire to save a connection, counting the body's framing too
     * (chunk-size lines and their extensions), so a server cannot make a drain read more than this.
     */
    static final int DRAIN_LIMIT = 256 * 1024;
    /**
     * How long {@link #close()} may spend draining, all reads together: a deadline, not a per-read timeout, so a
     * server trickling its body cannot hold the caller.
     */
    static final int DRAIN_DEADLINE_MILLIS = 300;

    private final ConnectMethodKey key;
    private final FramedBody framed;
    private final boolean reusable;
    private final CloseReason notReusableReason;
    private final Consumer<CloseReason> release;
    private final Runnable beforeDrain;
    private boolean finished;
    private boolean closed;
    /** Bytes read since {@link #mark} (while marking), or not yet replayed after {@link #reset}; null for none. */
    private byte[] kept;
    private int keptLength;
    /** The next kept byte to replay; equal to {@code keptLength} when nothing is left to replay. */
    private int replayAt;
    /** Whether a mark is set and still valid; {@code markLimit} is its read limit. */
    private boolean marking;
    private int markLimit;

    /**
     * @param key the connection's key, named in read errors
     * @param framed the body as its codec delimits it
     * @param reusable whether the connection may be reused once the body is complete
     * @param notReusableReason why not, when not
     * @param release gives the connection back: null to offer it for reuse, else the close reason
     * @param beforeDrain bounds the reads that follow by the drain's deadline, {@link #DRAIN_DEADLINE_MILLIS}
     *     from now
     */
    public ResponseBody(ConnectMethodKey key, FramedBody framed, boolean reusable, CloseReason notReusableReason,
            Consumer<CloseReason> release, Runnable beforeDrain) {
        this.key = key;
        this.framed = framed;
        this.reusable = reusable;
        this.notReusableReason = notReusableReason;
        this.release = release;
        this.beforeDrain = beforeDrain;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("read on closed response body");
        }
        if (len == 0) {
            return 0;
        }
        if (replayAt < keptLength) {
            int n = Math.min(len, keptLength - replayAt);
            System.arraycopy(kept, replayAt, b, off, n);
            replayAt += n;
            if (!marking && replayAt == keptLength) {
                kept = null;
                keptLength = 0;
                replayAt = 0;
            }
            return n;
        }
        int n = readFramed(b, off, len);
        if (marking && n > 0) {
            keep(b, off, n);
        }
        return n;
    }

    private int readFramed(byte[] b, int off, int len) throws IOException {
        if (finished) {
            return -1;
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
        } finally {
            Reference.reachabilityFence(this); // reachable while a read blocks: its connection is watched for a leak
        }
        if (n < 0 || isFramedComplete()) {
            // Like Go, hand the connection back with the last bytes: callers that read exactly Content-Length
            // bytes (as Spring's converters do) never ask for the end of the stream.
            finish(reusable ? null : notReusableReason);
        }
        return n;
    }

    private void keep(byte[] b, int off, int n) {
        if (keptLength + n > markLimit) {
            marking = false; // read past the limit: the mark is gone
            kept = null;
            keptLength = 0;
            replayAt = 0;
            return;
        }
        if (kept == null || kept.length < keptLength + n) {
            int size = Math.min(markLimit, Math.max(keptLength + n, Math.max(16, 2 * keptLength)));
            kept = kept == null ? new byte[size] : Arrays.copyOf(kept, size);
        }
        System.arraycopy(b, off, kept, keptLength, n);
        keptLength += n;
        replayAt = keptLength;
    }

    @Override
    public boolean markSupported() {
        return true;
    }

    /** Keeps up to {@code readLimit} bytes read from here on, for {@link #reset()}. */
    @Override
    public void mark(int readLimit) {
        int pending = keptLength - replayAt; // kept bytes not replayed yet stay ahead of the new mark
        if (pending > 0) {
            System.arraycopy(kept, replayAt, kept, 0, pending);
        } else {
            kept = null;
        }
        keptLength = pending;
        replayAt = 0;
        marking = true;
        markLimit = Math.max(readLimit, pending);
    }

    /** Goes back to the last mark; fails if none is set or more than its read limit was read since. */
    @Override
    public void reset() throws IOException {
        if (!marking) {
            throw new IOException("reset without a valid mark (none set, or read past its limit)");
        }
        replayAt = 0;
    }

    /** For a body of known length, allocates the result once, at the size of what is left (or {@code len}). */
    @Override
    public byte[] readNBytes(int len) throws IOException {
        if (len < 0) {
            throw new IllegalArgumentException("len < 0: " + len);
        }
        if (closed || framed.remaining() < 0) {
            return super.readNBytes(len);
        }
        long left = (keptLength - replayAt) + (finished ? 0 : framed.remaining());
        byte[] result = new byte[(int) Math.min(len, left)];
        int n = readNBytes(result, 0, result.length);
        return n == result.length ? result : Arrays.copyOf(result, n);
    }

    @Override
    public byte[] readAllBytes() throws IOException {
        if (!closed && framed.remaining() >= 0 && framed.remaining() + keptLength < Integer.MAX_VALUE - 8) {
            return readNBytes(Integer.MAX_VALUE);
        }
        return super.readAllBytes();
    }

    /** {@code e} naming this body's pool key. */
    public IOException withKey(IOException e) {
        return KeyedErrors.withKey(e, key);
    }

    @Override
    public int available() throws IOException {
        if (closed) {
            return 0;
        }
        int replay = keptLength - replayAt;
        return finished ? replay : replay + framed.available();
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
        if (framed.remaining() > DRAIN_LIMIT) {
            finish(CloseReason.BROKEN); // more is left than a drain may read: do not start
            return;
        }
        try {
            beforeDrain.run();
            byte[] buf = new byte[4096];
            long start = framed.wireBytesRead();
            // Checked between reads: one read may go past the limit by what its 4 KiB of data come wrapped in
            // (bounded by the codec's cap on framing; about 90 KiB at worst for chunked), never more.
            while (framed.wireBytesRead() - start <= DRAIN_LIMIT) {
                if (framed.read(buf, 0, buf.length) < 0 || isFramedComplete()) {
                    finish(null);
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through: the connection cannot be saved (the deadline passed, or the body is broken)
        }
        finish(CloseReason.BROKEN);
    }

    /**
     * Closes the body without draining it, and with it the connection unless the body was already complete:
     * what is left cannot be trusted (a decoder found it malformed).
     */
    void abort() {
        closed = true;
        finish(CloseReason.BROKEN);
    }

    private boolean isFramedComplete() {
        return framed.isComplete();
    }

    private void finish(CloseReason reason) {
        if (!finished) {
            finished = true;
            release.accept(reason);
        }
    }
}
