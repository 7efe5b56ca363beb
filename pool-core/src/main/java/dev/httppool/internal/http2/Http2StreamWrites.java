package dev.httppool.internal.http2;

import static dev.httppool.internal.http2.Http2Frames.CANCEL;
import static dev.httppool.internal.http2.Http2Frames.TYPE_RST_STREAM;
import static dev.httppool.internal.http2.Http2Frames.TYPE_WINDOW_UPDATE;

import dev.httppool.CloseReason;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * What the callers of one {@link Http2Connection}'s streams send on it: the HEADERS that open a stream (stream ids go
 * out in order, through the connection's one HPACK encoder), request DATA within the peer's windows, and the
 * WINDOW_UPDATE and RST_STREAM frames that reading and ending a stream cause. Each runs on the caller's thread; the
 * state it shares with the reader is the connection's, under the connection's {@code lock}, taken after
 * {@code output.lock} when both are held.
 */
final class Http2StreamWrites {

    private final Http2Connection c;
    // Guarded by c.output.lock
    private final HpackEncoder encoder = new HpackEncoder();
    /** The server's SETTINGS_HEADER_TABLE_SIZE not yet applied to the encoder (-1: none). */
    private volatile long pendingHeaderTableSize = -1;
    /** Streams without a request body whose HEADERS wait for the write lock's holder (see {@link #openStream}). */
    private final ConcurrentLinkedQueue<Http2Stream> queuedHeads = new ConcurrentLinkedQueue<>();
    // Guarded by c.output.lock (read under c.lock by takesNewStreams via the volatile)
    private volatile int nextStreamId = 1;

    Http2StreamWrites(Http2Connection c) {
        this.c = c;
    }

    /** The server's SETTINGS_HEADER_TABLE_SIZE (the reader's thread): the encoder applies it before its next block. */
    void peerHeaderTableSize(long size) {
        pendingHeaderTableSize = size;
    }

    /** False once the stream ids ran out (2^31): the connection then takes no new streams. */
    boolean idsLeft() {
        return nextStreamId > 0;
    }

    /** True while HEADERS wait in the queue for the write lock's holder. */
    boolean headsQueued() {
        return !queuedHeads.isEmpty();
    }

    /**
     * Sends the HEADERS opening {@code s}: its id is taken and it is registered in the order ids go out. Without a
     * body ({@code endStream}) the HEADERS are queued and written by whoever holds the write lock, or by this thread
     * if no one does ({@link Http2Output}): the caller never waits for the lock, and a failure reaches it as its
     * stream's failure.
     */
    void openStream(Http2Stream s, String[] fields, int n, boolean endStream) throws IOException {
        if (endStream) {
            s.queueHead(fields, n);
            queuedHeads.add(s);
            if (c.output.lock.tryLock()) {
                c.unlockWrite();
            } else if (c.isClosed() && queuedHeads.remove(s)) {
                // end() may have drained the queue before this stream joined it, and a closing thread holding the
                // lock releases it without looking
                throw c.refused();
            }
            return;
        }
        c.output.lock.lock();
        try {
            c.output.writeControlLocked(); // as for queued HEADERS: what was queued before goes first
            if (!register(s)) {
                throw c.refused();
            }
            writeHeadLocked(s, fields, n, false);
        } catch (IOException e) {
            if (s.id != 0) {
                c.fail(e, CloseReason.BROKEN); // the socket failed; a refusal (GOAWAY) leaves the connection be
            }
            throw e;
        } finally {
            c.unlockWrite();
        }
    }

    /** Writes the queued HEADERS in queue order, each under the next stream id ({@code c.output.lock} held). */
    void writeQueuedHeadsLocked() throws IOException {
        Http2Stream s;
        while ((s = queuedHeads.poll()) != null) {
            c.output.writeControlLocked(); // what was queued before it goes first (a RST_STREAM freeing its slot)
            if (register(s)) {
                writeHeadLocked(s, s.queuedFields, s.queuedCount, true);
                s.queuedFields = null;
            } else {
                c.lock.lock();
                try {
                    refuseLocked(s);
                } finally {
                    c.lock.unlock();
                }
            }
        }
    }

    /**
     * Gives {@code s} the next stream id and registers it ({@code c.output.lock} held, so ids go out in order); false
     * when the connection takes no new streams or the caller already gave the stream up.
     */
    private boolean register(Http2Stream s) {
        c.lock.lock();
        try {
            if (!c.takesNewStreams() || s.done) {
                return false;
            }
            s.sendWindow = c.peerInitialWindow;
            s.id = nextStreamId;
            nextStreamId += 2;
            c.streams.put(s.id, s);
            return true;
        } finally {
            c.lock.unlock();
        }
    }

    /** Encodes and writes the HEADERS of registered stream {@code s} ({@code c.output.lock} held; not flushed). */
    private void writeHeadLocked(Http2Stream s, String[] fields, int n, boolean endStream) throws IOException {
        long tableSize = pendingHeaderTableSize;
        if (tableSize >= 0) {
            pendingHeaderTableSize = -1;
            encoder.peerMaxTableSize(tableSize);
        }
        encoder.beginBlock();
        for (int i = 0; i < n; i += 2) {
            encoder.header(fields[i], fields[i + 1]);
        }
        c.output.writer.writeHeaders(s.id, endStream, encoder.block(), 0, encoder.blockLength());
    }

    /** Fails every queued stream as never sent (retried elsewhere); under the connection's lock. */
    void refuseQueuedLocked() {
        Http2Stream s;
        while ((s = queuedHeads.poll()) != null) {
            refuseLocked(s);
        }
    }

    /** Fails queued stream {@code s} as never sent (retried elsewhere), unless its caller gave it up; under lock. */
    private void refuseLocked(Http2Stream s) {
        if (!s.done) {
            s.done = true;
            s.failure = c.refused();
            s.readable.signalAll();
        }
    }

    /** Sends {@code len} bytes of {@code s}'s body as the windows allow ({@code end}: with END_STREAM). */
    void writeData(Http2Stream s, byte[] b, int off, int len, boolean end) throws IOException {
        do {
            int n;
            c.lock.lock();
            try {
                for (;;) {
                    if (s.failure != null) {
                        throw s.failure;
                    }
                    if (s.done || c.isClosed()) {
                        throw new IOException("HTTP/2 stream " + s.id + " is closed");
                    }
                    n = (int) Math.min(Math.min(len, Http2Connection.MAX_FRAME_SIZE),
                            Math.min(c.sendWindow, s.sendWindow));
                    if (n > 0 || len == 0) {
                        break;
                    }
                    c.windowed.await(); // the reader signals window updates, resets and the end
                }
                c.sendWindow -= n;
                s.sendWindow -= n;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted waiting for the HTTP/2 send window");
            } finally {
                c.lock.unlock();
            }
            c.output.lock.lock();
            try {
                c.output.writer.writeData(s.id, end && n == len, b, off, n);
            } catch (IOException e) {
                c.fail(e, CloseReason.BROKEN);
                throw e;
            } finally {
                c.unlockWrite();
            }
            off += n;
            len -= n;
        } while (len > 0);
    }

    void flush() throws IOException {
        c.output.lock.lock();
        try {
            c.output.writer.flush();
        } catch (IOException e) {
            c.fail(e, CloseReason.BROKEN);
            throw e;
        } finally {
            c.unlockWrite();
        }
    }

    /** The caller read {@code n} bytes of {@code s}: give the windows back once half of them is used. */
    void consumed(Http2Stream s, int n) {
        int streamUpdate = 0;
        int connUpdate = 0;
        c.lock.lock();
        try {
            s.unacked += n;
            if (!s.remoteEnded && s.unacked >= Http2Connection.STREAM_WINDOW / 2) {
                streamUpdate = (int) s.unacked;
                s.unacked = 0;
            }
            connUpdate = c.creditConnectionLocked(n);
        } finally {
            c.lock.unlock();
        }
        if (streamUpdate > 0) {
            c.sendControl(TYPE_WINDOW_UPDATE, s.id, streamUpdate);
        }
        if (connUpdate > 0) {
            c.sendControl(TYPE_WINDOW_UPDATE, 0, connUpdate);
        }
    }

    /**
     * The exchange on {@code s} is over: unless both sides ended it, RST_STREAM(CANCEL) tells the server to stop;
     * what it buffered unread goes back to the connection window.
     */
    void endStream(Http2Stream s) {
        boolean reset;
        long unread;
        c.lock.lock();
        try {
            if (s.done || s.id == 0) {
                s.done = true;
                return;
            }
            s.done = true;
            c.streams.remove(s.id);
            c.windowed.signalAll(); // a body writer waiting for this stream's window stops
            reset = !s.remoteEnded && s.failure == null && !c.isClosed();
            // The stream's unacked bytes are in connUnacked already (consumed): only its unread ones go back now.
            unread = c.creditConnectionLocked(s.buffered);
            s.buffered = 0;
            s.data.clear();
        } finally {
            c.lock.unlock();
        }
        if (reset) {
            c.sendControl(TYPE_RST_STREAM, s.id, CANCEL);
        }
        if (unread > 0) {
            c.sendControl(TYPE_WINDOW_UPDATE, 0, unread);
        }
        c.changed();
    }

}
