package dev.httppool.internal.exchange;

import dev.httppool.Headers;
import java.io.InputStream;
import java.util.Objects;

/**
 * A response body as its codec delimits it on the wire: the stream ends (-1) exactly where the body ends, and
 * closing it never closes the connection. {@link ResponseBody} builds the connection's release on these
 * answers, so it needs to know nothing of the protocol.
 */
public abstract class FramedBody extends InputStream {

    /**
     * Whether every byte of the body has been read, possibly before a read asked for its end (so the connection
     * can be given back with the last bytes). A body without bytes is complete from the start.
     */
    public abstract boolean isComplete();

    /** The body bytes not read yet, or -1 when the framing does not tell (chunked, until close). */
    public long remaining() {
        return -1;
    }

    /**
     * What {@link dev.httppool.Response#contentLength()} reports: the exact length of a body of declared length,
     * the declared length of the body a {@code HEAD} request left out, otherwise -1.
     */
    public long contentLength() {
        return -1;
    }

    /**
     * How many bytes this body has taken off the connection so far, its framing included (chunk-size lines,
     * extensions, CRLFs, trailers): what reading it has cost on the wire, which bounds the drain on close.
     */
    public abstract long wireBytesRead();

    /**
     * The trailer fields that followed the body, once it is complete; empty before, and when there were none.
     */
    public Headers trailers() {
        return Headers.empty();
    }

    /** Whether the body ends only when the connection does, which then cannot carry another exchange. */
    public boolean endsWithConnection() {
        return false;
    }

    /**
     * A body without bytes: a response to HEAD, a 1xx, a 204 or a 304. Stateless, so closing it changes nothing
     * and one instance serves every body of unknown length.
     *
     * @param contentLength what a response to HEAD declares, or -1
     */
    public static FramedBody empty(long contentLength) {
        return contentLength < 0 ? Empty.UNKNOWN_LENGTH : new Empty(contentLength);
    }

    private static final class Empty extends FramedBody {
        static final Empty UNKNOWN_LENGTH = new Empty(-1);
        private final long contentLength;

        Empty(long contentLength) {
            this.contentLength = contentLength;
        }

        @Override
        public int read() {
            return -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            Objects.checkFromIndexSize(off, len, b.length);
            return len == 0 ? 0 : -1;
        }

        @Override
        public boolean isComplete() {
            return true;
        }

        @Override
        public long remaining() {
            return 0;
        }

        @Override
        public long wireBytesRead() {
            return 0;
        }

        @Override
        public long contentLength() {
            return contentLength;
        }
    }
}
