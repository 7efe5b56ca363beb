package dev.httppool.internal.http2;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The reader thread's deferred wake-ups: a stream that received HEADERS or DATA is marked, and its caller is
 * signalled once the reader is about to wait for the socket or to write to it. A response whose HEADERS and DATA
 * arrive in one read wakes its caller once, after both, instead of once per frame (and the caller no longer wakes
 * to find the reader still holding the lock for the next frame). Nothing is deferred past a read that may block.
 * Used by one thread only.
 */
final class Wakeups {

    private final ReentrantLock lock;
    private final List<Http2Stream> marked = new ArrayList<>();

    Wakeups(ReentrantLock lock) {
        this.lock = lock;
    }

    /** Marks {@code s} (under the connection's lock; a stream marked just before is not added twice). */
    void later(Http2Stream s) {
        if (marked.isEmpty() || marked.get(marked.size() - 1) != s) {
            marked.add(s);
        }
    }

    boolean pending() {
        return !marked.isEmpty();
    }

    /** Signals every marked stream's caller. */
    void now() {
        if (marked.isEmpty()) {
            return;
        }
        lock.lock();
        try {
            for (Http2Stream s : marked) {
                s.readable.signalAll();
            }
        } finally {
            lock.unlock();
        }
        marked.clear();
    }
}
