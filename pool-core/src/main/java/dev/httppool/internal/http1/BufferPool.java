package dev.httppool.internal.http1;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Buffers of one size that idle connections lend back ({@link Http1Connection#trimWhileIdle()}) and busy ones take
 * again when their next exchange reads or writes. At most {@code maxRetained} are kept; more are left to the
 * garbage collector, and an empty pool allocates. A connection in steady use keeps its buffers, so a request pays
 * nothing here: only a connection that was idle when maintenance ran takes its buffers back, once.
 */
public final class BufferPool {

    /** How many buffers of each size a transport keeps for connections coming back from idle. */
    public static final int DEFAULT_MAX_RETAINED = 64;

    private final int bufferSize;
    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by lock: {@code stack[0 .. count)} are free buffers. */
    private final byte[][] stack;
    /** Guarded by lock. */
    private int count;

    /**
     * @param bufferSize each buffer's size in bytes; at least 1
     * @param maxRetained the most free buffers kept; at least 0
     */
    public BufferPool(int bufferSize, int maxRetained) {
        if (bufferSize < 1) {
            throw new IllegalArgumentException("bufferSize must be at least 1, was " + bufferSize);
        }
        if (maxRetained < 0) {
            throw new IllegalArgumentException("maxRetained must be at least 0, was " + maxRetained);
        }
        this.bufferSize = bufferSize;
        this.stack = new byte[maxRetained][];
    }

    public int bufferSize() {
        return bufferSize;
    }

    /** A free buffer (contents undefined), or a new one when none is kept. */
    public byte[] take() {
        lock.lock();
        try {
            if (count > 0) {
                byte[] b = stack[--count];
                stack[count] = null;
                return b;
            }
        } finally {
            lock.unlock();
        }
        return new byte[bufferSize];
    }

    /** Keeps {@code buffer} for a later {@link #take()} unless the pool is full (or it is not of this size). */
    public void give(byte[] buffer) {
        if (buffer.length != bufferSize) {
            return;
        }
        lock.lock();
        try {
            if (count < stack.length) {
                stack[count++] = buffer;
            }
        } finally {
            lock.unlock();
        }
    }

    /** How many free buffers are kept now. */
    public int retained() {
        lock.lock();
        try {
            return count;
        } finally {
            lock.unlock();
        }
    }
}
