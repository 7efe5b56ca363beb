package dev.httppool.internal.pool;

import dev.httppool.CloseReason;
import java.util.ArrayList;
import java.util.List;

/**
 * Work decided under the pool's lock and carried out after it is released: closing sockets, waking waiters,
 * starting dials. Created only when there is such work, so the common paths allocate nothing; its lists are made
 * on first use, so a hand-off to one waiter (the common case with requests queued) allocates this object alone
 * while the lock is held.
 */
final class PoolActions {

    // Each list is null until its first entry.
    List<PooledConnection> closes;
    List<CloseReason> closeReasons;
    /** The first waiter to wake; {@link #moreSignals} holds the others. */
    WantConn signal;
    List<WantConn> moreSignals;
    List<WantConn> dials;
    /** A warm key ({@code minIdle}) lost a connection or a warm dial failed: {@link WarmPools} must run. */
    boolean refill;

    static PoolActions close(PoolActions a, PooledConnection pc, CloseReason reason) {
        PoolActions r = a == null ? new PoolActions() : a;
        if (r.closes == null) {
            r.closes = new ArrayList<>(2);
            r.closeReasons = new ArrayList<>(2);
        }
        r.closes.add(pc);
        r.closeReasons.add(reason);
        return r;
    }

    static PoolActions signal(PoolActions a, WantConn w) {
        PoolActions r = a == null ? new PoolActions() : a;
        if (r.signal == null) {
            r.signal = w;
        } else {
            if (r.moreSignals == null) {
                r.moreSignals = new ArrayList<>(2);
            }
            r.moreSignals.add(w);
        }
        return r;
    }

    static PoolActions dial(PoolActions a, WantConn w) {
        PoolActions r = a == null ? new PoolActions() : a;
        if (r.dials == null) {
            r.dials = new ArrayList<>(1);
        }
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
        int i = closes == null ? -1 : closes.indexOf(pc);
        return i < 0 ? CloseReason.BROKEN : closeReasons.get(i);
    }
}
