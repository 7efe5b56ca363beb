package dev.httppool.internal.pool;

import dev.httppool.ClientTrace;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;

/**
 * One request waiting for a connection (Go's {@code wantConn}).
 *
 * <p>This is where the central race lives. A request that finds no idle connection queues for a returned
 * connection <em>and</em> asks to dial (now, or later when {@code maxConnsPerHost} gives permission). Three
 * things then race: a connection returned by another request (hand-off), the dial started for this request,
 * and the request giving up (timeout or interrupt). The pool's lock decides: the first to mark the want
 * {@link #done} wins. A connection that loses (a dial finishing for a request already served or gone) is not
 * wasted: it goes to the next waiter or to the idle list. The winner's outcome is stored here under the lock
 * and the waiting thread is woken after the lock is released.
 */
public final class WantConn {

    final HostPool host;
    final ClientTrace trace;
    private final CountDownLatch ready = new CountDownLatch(1);

    // Guarded by lock: set once, by whichever of delivery, failure or cancellation comes first.
    boolean done;
    // Guarded by lock: the delivered connection, if any.
    PooledConnection conn;
    // Guarded by lock: the dial error delivered instead of a connection, if any.
    IOException error;
    // Guarded by lock: queued for permission to dial under maxConnsPerHost (what connWaitTimeout bounds).
    boolean waitingForPermission;
    // Guarded by lock: CloseIdleConnections ran while this want's dial was in flight and the want was done.
    boolean dialAbandoned;

    public WantConn(HostPool host, ClientTrace trace) {
        this.host = host;
        this.trace = trace;
    }

    /** Wakes the waiting thread; called after the lock is released. */
    public void signal() {
        ready.countDown();
    }

    public CountDownLatch ready() {
        return ready;
    }
}
