package dev.httppool.internal.pool;

import dev.httppool.CloseReason;
import java.util.ArrayList;
import java.util.List;

/**
 * Work decided under the pool's lock and carried out after it is released: closing sockets, waking waiters,
 * starting dials. Created only when there is such work, so the common paths allocate nothing.
 */
final class PoolActions {

    final List<PooledConnection> closes = new ArrayList<>(2);
    final List<CloseReason> closeReasons = new ArrayList<>(2);
    final List<WantConn> signals = new ArrayList<>(2);
    final List<WantConn> dials = new ArrayList<>(1);
    /** A warm key ({@code minIdle}) lost a connection or a warm dial failed: {@link WarmPools} must run. */
    boolean refill;

    static PoolActions close(PoolActions a, PooledConnection pc, CloseReason reason) {
        PoolActions r = a == null ? new PoolActions() : a;
        r.closes.add(pc);
        r.closeReasons.add(reason);
        return r;
    }

    static PoolActions signal(PoolActions a, WantConn w) {
        PoolActions r = a == null ? new PoolActions() : a;
        r.signals.add(w);
        return r;
    }

    static PoolActions dial(PoolActions a, WantConn w) {
        PoolActions r = a == null ? new PoolActions() : a;
        r.dials.add(w);
        return r;
    }

    static PoolActions refill(PoolActions a) {
        PoolActions r = a == null ? new PoolActions() : a;
        r.refill = true;
        return r;
    }

    /** Why {@code pc} is being closed by this work ({@code BROKEN} when it is not among the closes). */
    CloseReason reasonFor(PooledConnection pc) {
        int i = closes.indexOf(pc);
        return i < 0 ? CloseReason.BROKEN : closeReasons.get(i);
    }
}
