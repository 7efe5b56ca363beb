package dev.httppool.internal.pool;

import dev.httppool.CloseReason;
import dev.httppool.ConnectMethodKey;
import dev.httppool.LeakDetection;
import dev.httppool.Request;
import dev.httppool.internal.exchange.Exchange;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Leak detection on two levels, run by the pool's maintenance pass (no thread of its own, none per connection).
 *
 * <p><b>Threshold</b> ({@code leakDetectionThreshold}): a connection checked out for longer is reported once,
 * with the stack captured when the request got it. The stack is captured only while the threshold is on.
 *
 * <p><b>Unreachable</b> (always): each response body is watched through a {@link BodyRef}, a weak reference held
 * by its connection while the body is unfinished. The reference names the connection, never the body, so it
 * cannot keep the body reachable (the pitfall of a cleaning action that captures its object). When the body
 * becomes unreachable unfinished, the garbage collector queues the reference and the next maintenance pass
 * closes the connection, which frees its slot under {@code maxConnsPerHost}. A body finished or closed normally
 * drops its reference at the return of its connection: nothing is registered anywhere, so nothing is left to
 * undo or to close twice. The body, not the {@code Response}, is watched: a caller may keep reading the stream
 * after dropping the {@code Response}.
 *
 * <p><b>HTTP/2 streams.</b> A shared connection carries many bodies at once, so each stream's body is watched on its
 * own, by a {@link StreamRef} kept in {@link #streams} from when the response is handed over until the stream ends.
 * One found unreachable unfinished has its stream reset (RST_STREAM CANCEL) and given back; the connection stays.
 * With the threshold on, a stream whose response has been out for longer is reported once, with the stack of the
 * code that made the request (captured when the response was handed over, on the caller's thread).
 */
final class LeakWatch {

    private final ConnPool pool;
    private final long thresholdNanos;
    private final ReferenceQueue<Object> unreachable = new ReferenceQueue<>();
    /** The response bodies of HTTP/2 streams out now (added and removed by the requests' threads). */
    private final Set<StreamRef> streams = ConcurrentHashMap.newKeySet();
    // Guarded by lock: connections checked out now, over all keys.
    private int checkedOut;

    LeakWatch(ConnPool pool) {
        this.pool = pool;
        this.thresholdNanos = pool.config.leakDetectionThreshold().toNanos();
    }

    /** Where a request is being made, when the threshold is on; otherwise null, at the cost of one comparison. */
    Throwable origin() {
        return thresholdNanos > 0 ? new RequestOrigin() : null;
    }

    void checkedOutLocked(PooledConnection pc, Request request, Throwable origin, String thread, long now) {
        pc.host.checkedOut.addLocked(pc, request, origin, thread, now);
        checkedOut++;
    }

    /** {@code pc}'s request is done with it (returned, closed or reclaimed); harmless when it was not out. */
    void returnedLocked(PooledConnection pc) {
        if (pc.host.checkedOut.removeLocked(pc)) {
            checkedOut--;
        }
    }

    /** Connections checked out now, over all keys. */
    int checkedOutLocked() {
        return checkedOut;
    }

    /** Whether a connection is checked out, so that the maintenance has to keep running. */
    boolean watchingLocked() {
        return checkedOut > 0;
    }

    /** Watches {@code body}, a response body streaming from {@code pc}; one small object per response. */
    BodyRef watch(Object body, PooledConnection pc) {
        return new BodyRef(body, pc, unreachable);
    }

    /**
     * Watches {@code body}, the response body of one stream of shared {@code pc}, until the returned action runs
     * (at the stream's end); one small object per response.
     */
    Runnable watchStream(Object body, PooledConnection pc, Exchange.OpenStream stream) {
        StreamRef ref = new StreamRef(body, pc, stream, unreachable, pool.ticker.nanoTime(),
                Thread.currentThread().getName(), origin());
        streams.add(ref);
        return ref;
    }

    /**
     * Reclaims the connections of bodies found unreachable and reports connections held past the threshold at
     * {@code now}.
     *
     * @return nanoseconds until it must run again (at most {@code maxDelayNanos}), or -1 when no connection is
     *     checked out
     */
    long run(long now, long maxDelayNanos, long minDelayNanos) {
        reclaimUnreachable();
        List<LeakReport> overdue = null;
        long next = maxDelayNanos;
        pool.lock.lock();
        try {
            if (checkedOut == 0) {
                return -1;
            }
            if (thresholdNanos > 0) {
                for (HostPool hp : pool.hostsLocked()) {
                    for (PooledConnection pc = hp.checkedOut.oldestLocked(); pc != null; pc = pc.activeNewer) {
                        long held = now - pc.checkedOutNanos;
                        if (held < thresholdNanos) {
                            next = Math.min(next, Math.max(minDelayNanos, thresholdNanos - held));
                            break; // the rest of this key's list was checked out later
                        }
                        // A shared HTTP/2 connection is lent as streams: its checkout names its latest stream, and
                        // how long it has carried streams says nothing of a leak; its streams are looked at below.
                        if (!pc.leakReported && !pc.shared) {
                            pc.leakReported = true;
                            overdue = overdue == null ? new ArrayList<>(2) : overdue;
                            overdue.add(new LeakReport(hp.key, held, pc.request, pc.thread, pc.origin));
                        }
                    }
                }
                for (StreamRef s : streams) { // a shared connection's streams, each on its own
                    long held = now - s.sinceNanos;
                    if (s.reported) {
                        continue;
                    }
                    if (held < thresholdNanos) {
                        next = Math.min(next, Math.max(minDelayNanos, thresholdNanos - held));
                        continue;
                    }
                    s.reported = true;
                    overdue = overdue == null ? new ArrayList<>(2) : overdue;
                    overdue.add(new LeakReport(s.conn.key(), held, s.stream.request(), s.thread, s.origin));
                }
            }
        } finally {
            pool.lock.unlock();
        }
        if (overdue != null) {
            for (LeakReport r : overdue) {
                PoolLog.heldTooLong(r.key, r.heldNanos, thresholdNanos, ActiveConnections.requestLine(r.request),
                        r.thread, r.origin);
                pool.listener.leaked(r.key, LeakDetection.THRESHOLD);
                pool.advisor.leaked(r.key);
            }
        }
        return next;
    }

    /** Closes the connection of every body the collector found unreachable before it was finished or closed. */
    private void reclaimUnreachable() {
        for (Reference<?> polled; (polled = unreachable.poll()) != null; ) {
            if (polled instanceof StreamRef) {
                reclaimStream((StreamRef) polled);
                continue;
            }
            BodyRef ref = (BodyRef) polled;
            PooledConnection pc = ref.conn;
            PoolActions a = null;
            Throwable origin;
            pool.lock.lock();
            try {
                if (pc.bodyRef != ref || pc.state != PooledConnection.State.ACTIVE) {
                    continue; // finished normally before the collector saw it (the lock is released below)
                }
                origin = pc.origin;
                returnedLocked(pc);
                a = pool.closeLocked(pc, CloseReason.BROKEN, null);
            } finally {
                pool.lock.unlock();
            }
            PoolLog.leaked(pc.key(), origin);
            pool.run(a);
            pool.listener.leaked(pc.key(), LeakDetection.UNREACHABLE);
            pool.advisor.leaked(pc.key());
        }
    }

    /**
     * Resets the stream of a body found unreachable and gives the stream back, unless it ended first (then its
     * end took the reference out of {@link #streams}, or {@link Exchange.OpenStream#abandon} says so).
     */
    private void reclaimStream(StreamRef ref) {
        if (!streams.remove(ref) || !ref.stream.abandon()) {
            return;
        }
        ConnectMethodKey key = ref.conn.key();
        PoolLog.leaked(key, ref.origin);
        pool.listener.leaked(key, LeakDetection.UNREACHABLE);
        pool.advisor.leaked(key);
    }

    /**
     * A weak reference to the response body of one HTTP/2 stream, with what a report says of it. Held by
     * {@link #streams} while the stream is open; it names the stream (its codec and releaser), never the body.
     * Running it (the stream's end) stops the watch.
     */
    final class StreamRef extends WeakReference<Object> implements Runnable {
        final PooledConnection conn;
        final Exchange.OpenStream stream;
        final long sinceNanos;
        final String thread;
        final Throwable origin;
        /** Reported past the threshold; read and written by the maintenance pass only. */
        boolean reported;

        StreamRef(Object body, PooledConnection conn, Exchange.OpenStream stream, ReferenceQueue<Object> queue,
                long sinceNanos, String thread, Throwable origin) {
            super(body, queue);
            this.conn = conn;
            this.stream = stream;
            this.sinceNanos = sinceNanos;
            this.thread = thread;
            this.origin = origin;
        }

        @Override
        public void run() {
            streams.remove(this);
        }
    }

    /** A weak reference to a response body that names its connection; the connection holds it while out. */
    static final class BodyRef extends WeakReference<Object> {
        final PooledConnection conn;

        BodyRef(Object body, PooledConnection conn, ReferenceQueue<Object> queue) {
            super(body, queue);
            this.conn = conn;
        }
    }

    /** The stack of the code that made a request, logged with a leak. */
    static final class RequestOrigin extends Throwable {
        private static final long serialVersionUID = 1L;

        RequestOrigin() {
            super("the request holding the connection was made here", null, false, true);
        }
    }

    /** What a threshold report says, read under the lock (the request may return the connection right after). */
    record LeakReport(ConnectMethodKey key, long heldNanos, Request request, String thread, Throwable origin) {
    }
}
