package dev.httppool.internal.http2;

import static dev.httppool.internal.http2.Http2Frames.*;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The write side of one {@link Http2Connection}: the frame writer behind its lock, and the queue of frames the
 * reader thread must send (SETTINGS ack, PING ack, WINDOW_UPDATE, RST_STREAM, GOAWAY). The reader never waits for
 * the lock: it queues, and sends at once only if the lock is free; whoever holds the lock sends what was queued
 * before releasing it. So the reader cannot be stuck behind a writer that waits for the peer to read.
 */
final class Http2Output {

    /** One frame of HEADERS plus 16 KiB DATA fit the buffer whole. */
    private static final int BUFFER_SIZE = 16 * 1024 + FRAME_HEADER_LENGTH;

    final ReentrantLock lock = new ReentrantLock();
    // Guarded by lock
    final FrameWriter writer;
    /** Queued frames: {type, stream id (for PING: 1 = ack), value}. */
    private final ConcurrentLinkedQueue<long[]> control = new ConcurrentLinkedQueue<>();

    Http2Output(OutputStream out) {
        this.writer = new FrameWriter(new BufferedOutputStream(out, BUFFER_SIZE));
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
     * free.
     *
     * @return the write's failure, or null (the lock is released either way)
     */
    IOException unlock() {
        for (;;) {
            try {
                if (!control.isEmpty()) {
                    long[] f;
                    while ((f = control.poll()) != null) {
                        write(f);
                    }
                    writer.flush();
                }
            } catch (IOException e) {
                lock.unlock();
                return e;
            }
            lock.unlock();
            if (control.isEmpty() || !lock.tryLock()) {
                return null;
            }
        }
    }

    /**
     * With the lock held: sends what was queued and flushes; the lock stays held.
     *
     * @return the write's failure, or null
     */
    IOException sendQueuedLocked() {
        try {
            long[] f;
            while ((f = control.poll()) != null) {
                write(f);
            }
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
