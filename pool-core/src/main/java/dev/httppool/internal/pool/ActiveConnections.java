package dev.httppool.internal.pool;

import dev.httppool.PoolSnapshot;
import dev.httppool.Request;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One key's connections held by requests (checked out, response body not yet finished or closed), longest held
 * first: an intrusive list through {@link PooledConnection}'s own links, so a checkout and its return cost a few
 * field writes and no allocation. What the snapshot shows of each (the request line, the thread) is stored as
 * references at checkout and turned into text only when a snapshot is taken. Every method needs the pool's lock.
 */
final class ActiveConnections {

    // Guarded by lock: the longest held (head) and the most recently checked out (tail).
    private PooledConnection oldest;
    private PooledConnection newest;

    /**
     * Records {@code pc} as held by {@code request} (null when unknown) on the thread named {@code thread} since
     * {@code now}. The name is the requesting thread's, read by it before it took the lock: a connection handed to
     * a waiter is counted under the lock of the thread that delivers it.
     */
    void addLocked(PooledConnection pc, Request request, Throwable origin, String thread, long now) {
        pc.request = request;
        pc.thread = thread;
        pc.origin = origin;
        pc.checkedOutNanos = now;
        pc.leakReported = false;
        pc.checkedOut = true;
        pc.activeOlder = newest;
        pc.activeNewer = null;
        if (newest == null) {
            oldest = pc;
        } else {
            newest.activeNewer = pc;
        }
        newest = pc;
    }

    /** Forgets {@code pc}'s checkout; returns false when it was not checked out. */
    boolean removeLocked(PooledConnection pc) {
        if (!pc.checkedOut) {
            return false;
        }
        pc.checkedOut = false;
        if (pc.activeOlder == null) {
            oldest = pc.activeNewer;
        } else {
            pc.activeOlder.activeNewer = pc.activeNewer;
        }
        if (pc.activeNewer == null) {
            newest = pc.activeOlder;
        } else {
            pc.activeNewer.activeOlder = pc.activeOlder;
        }
        pc.activeOlder = null;
        pc.activeNewer = null;
        pc.request = null;
        pc.origin = null;
        pc.bodyRef = null;
        return true;
    }

    /** The longest held connection, or null; follow {@link PooledConnection#activeNewer} from there. */
    PooledConnection oldestLocked() {
        return oldest;
    }

    /** The first broken link or wrongly listed connection, or null (for the invariant check). */
    String checkLocked(HostPool hp, int[] count) {
        PooledConnection previous = null;
        for (PooledConnection pc = oldest; pc != null; pc = pc.activeNewer) {
            if (!pc.checkedOut || pc.state != PooledConnection.State.ACTIVE || pc.host != hp
                    || pc.activeOlder != previous) {
                return pc + " listed as held with state " + pc.state + ", checkedOut " + pc.checkedOut;
            }
            previous = pc;
            count[0]++;
        }
        return previous == newest ? null : hp.key + ": held list's tail is not its newest";
    }

    /**
     * Records that a new stream of shared {@code pc} (held since its first stream) was started for {@code request}:
     * the connection shows that request from now on, and moves to the newest end, as its held time restarts.
     */
    void streamLeasedLocked(PooledConnection pc, Request request, Throwable origin, String thread, long now) {
        if (removeLocked(pc)) {
            addLocked(pc, request, origin, thread, now);
        }
    }

    /** The snapshot's view, built from fields only; {@code streams}: open streams of shared connections. */
    List<PoolSnapshot.ActiveConnection> viewLocked(long now, long wallNow, Map<PooledConnection, Integer> streams) {
        if (oldest == null) {
            return List.of();
        }
        List<PoolSnapshot.ActiveConnection> view = new ArrayList<>();
        for (PooledConnection pc = oldest; pc != null; pc = pc.activeNewer) {
            long heldMillis = TimeUnit.NANOSECONDS.toMillis(now - pc.checkedOutNanos);
            view.add(new PoolSnapshot.ActiveConnection(pc.id, pc.wire.localAddress(), pc.wire.remoteAddress(),
                    pc.wire.protocol(), Instant.ofEpochMilli(wallNow - heldMillis), heldMillis,
                    TimeUnit.NANOSECONDS.toMillis(now - pc.createdNanos), pc.requests, requestLine(pc.request),
                    pc.thread, pc.leakReported, streams.getOrDefault(pc, 0)));
        }
        return Collections.unmodifiableList(view);
    }

    /** {@code GET /path}: the method and the path, never the query string nor the userinfo. */
    static String requestLine(Request request) {
        if (request == null) {
            return "";
        }
        String path = request.uri().getRawPath();
        return request.method() + " " + (path == null || path.isEmpty() ? "/" : path);
    }
}
