package dev.httppool.internal.http2;

import static dev.httppool.internal.http2.Http2Frames.*;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The write side of one {@link Http2Connection}: the frame writer behind its lock, the queue of frames the reader
 * thread must send (SETTINGS ack, PING ack, WINDOW_UPDATE, RST_STREAM, GOAWAY) and the requests without a body whose
 * HEADERS wait to go out ({@link Heads}). Neither the reader nor such a request waits for the lock: each queues, and
 * writes at once only if the lock is free; whoever holds the lock writes what was queued, flushes once, and looks
 * again after releasing it (flat combining). So the reader cannot be stuck behind a writer that waits for the peer
 * to read, callers at high concurrency do not park on the lock, and their HEADERS share TLS records and writes.
 */
final class Http2Output {

    /** One frame of HEADERS plus 16 KiB DATA fit the buffer whole. */
    private static final int BUFFER_SIZE = 16 * 1024 + FRAME_HEADER_LENGTH;

    final ReentrantLock lock = new ReentrantLock();
    // Guarded by lock
    final FrameWriter writer;
    /** Queued frames: {type, stream id (for PING: 1 = ack), value}. */
    private final ConcurrentLinkedQueue<long[]> control = new ConcurrentLinkedQueue<>();
    private final Heads heads;

    /** The queued HEADERS of requests without a body: {@link Http2StreamWrites} encodes and writes them. */
    interface Heads {
        boolean isEmpty();

        /**
         * Writes every queued HEADERS frame, with {@link #lock} held (not flushed), each after the control frames
         * queued before it ({@link #writeControlLocked}): a stream's RST_STREAM goes out before the HEADERS of a
         * request that took its place under the server's stream limit.
         */
        void writeQueuedLocked() throws IOException;

        /** A write failed, {@link #lock} still held: no stream may start on this connection any more. */
        void writeFailedLocked();

        /** Writes what is queued from another thread: the holder looked {@link #MAX_PASSES} times already. */
        void handOff();
    }

    /**
     * How many times one holder writes what others queued before it hands the rest to another thread: so a caller
     * (or the reader) is not kept writing for others while more keep arriving.
     */
    static final int MAX_PASSES = 4;

    Http2Output(OutputStream out, Heads heads) {
        this.writer = new FrameWriter(new BufferedOutputStream(out, BUFFER_SIZE));
        this.heads = heads;
    }

    /**
     * Queues a frame and sends it now unless a writer holds the lock (it sends it then).
     *
     * @return the write's failure, or null
     */
    IOException send(int type, int streamId, long value) {
        control.add(new long[] {type, streamId, value});
        return lock.tryLock() ? unlock() : null;
    }

    /**
     * Sends what was queued, flushes, and releases the lock; again when more was queued meanwhile and the lock is
     * free, unless a thread waits for the lock (it writes what is queued when it releases it) or this holder
     * already looked {@link #MAX_PASSES} times (then another thread does).
     *
     * @return the write's failure, or null (the lock is released either way)
     */
    IOException unlock() {
        for (int pass = 1; ; pass++) {
            try {
                if (!control.isEmpty() || !heads.isEmpty()) {
                    heads.writeQueuedLocked(); // each HEADERS after the control frames queued before it
                    writeControlLocked();
                    writer.flush();
                }
            } catch (IOException e) {
                heads.writeFailedLocked();
                lock.unlock();
                return e;
            } catch (RuntimeException | Error e) {
                heads.writeFailedLocked();
                lock.unlock();
                throw e;
            }
            lock.unlock();
            if (control.isEmpty() && heads.isEmpty() || lock.hasQueuedThreads()) {
                return null;
            }
            if (pass >= MAX_PASSES) {
                heads.handOff();
                return null;
            }
            if (!lock.tryLock()) {
                return null;
            }
        }
    }

    /** With the lock held: writes the queued control frames (not flushed). */
    void writeControlLocked() throws IOException {
        long[] f;
        while ((f = control.poll()) != null) {
            write(f);
        }
    }

    /**
     * With the lock held: sends what was queued and flushes; the lock stays held.
     *
     * @return the write's failure, or null
     */
    IOException sendQueuedLocked() {
        try {
            writeControlLocked();
            writer.flush();
            return null;
        } catch (IOException e) {
            return e;
        }
    }

    private void write(long[] f) throws IOException {
        int streamId = (int) f[1];
        switch ((int) f[0]) {
            case TYPE_WINDOW_UPDATE -> writer.writeWindowUpdate(streamId, (int) f[2]);
            case TYPE_RST_STREAM -> writer.writeRstStream(streamId, (int) f[2]);
            case TYPE_PING -> writer.writePing(streamId != 0, f[2]);
            case TYPE_SETTINGS -> writer.writeSettingsAck();
            case TYPE_GOAWAY -> writer.writeGoAway(streamId, (int) f[2], new byte[0]);
            default -> throw new IllegalStateException("unknown control frame type " + f[0]);
        }
    }
}
