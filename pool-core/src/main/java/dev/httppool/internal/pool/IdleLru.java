package dev.httppool.internal.pool;

import java.util.Map;
import java.util.function.Predicate;

/**
 * Every idle connection of the pool, across keys, in the three orders the pool needs: by idle time (Go's
 * {@code idleLRU}: {@link #oldest()} has been idle longest, for {@code maxIdleConns} and the idle timeout), by
 * when the background probe is due to look at it ({@link #dueForProbe}), and by the earliest deadline that closes
 * it whatever its use ({@link #pastDeadline}: its lifetime, its server's {@code Keep-Alive} idle limit, its key's
 * own idle timeout). So a maintenance pass visits only the connections due, never every idle connection or key.
 * Not thread-safe: guarded by the owning pool's lock.
 *
 * <p>The orders are binary min-heaps ({@link IdleHeap}) through {@link PooledConnection#lruIndex},
 * {@link PooledConnection#probeIndex} and {@link PooledConnection#deadlineIndex}, and they are <em>lazy</em>: a
 * connection handed out stays where it is ({@link #taken} only counts it), and one that comes back while still in
 * place keeps its place ({@link #push}). So checkout and return, the hot path, touch no other connection: with
 * thousands of keys those neighbours sit in cold cache lines, and unlinking one from an intrusive list cost several
 * cache misses per checkout. A place's key is a lower bound of the true one (an earlier idle time; a probe or a
 * deadline due no later): whoever meets an entry at the top drops it when it is no longer idle, or moves it down to
 * its true key when it went idle again since ({@code O(log n)}, paid once per checkout at most). Each connection
 * holds at most one place in each heap, so none grows beyond the connections the pool holds; a closed connection
 * leaves them all at once ({@link #remove}), so none keeps a closed wire reachable.
 *
 * <p>The probe is due {@link ConnPool#PROBE_AFTER_IDLE_NANOS} after a connection went idle, and not again within
 * {@link IdleMaintenance#PROBE_INTERVAL_NANOS} of its last probe ({@link #probeDueAt}): that due time never moves
 * earlier when the connection goes idle again, which is what lets its place stay put. Nor does a deadline, except
 * when the server shortens its idle limit; {@link #push} then moves it up.
 */
final class IdleLru {

    private final IdleHeap byIdle = new IdleHeap(IdleHeap.LRU);
    private final IdleHeap byProbe = new IdleHeap(IdleHeap.PROBE);
    private final IdleHeap byDeadline = new IdleHeap(IdleHeap.DEADLINE);
    /** Whether keys have idle timeouts of their own ({@code hosts} entries): then those are deadlines too. */
    private final boolean perKeyIdleTimeouts;
    // How many connections are idle (the heaps also hold some handed out since, until they are met).
    private int size;

    IdleLru(boolean perKeyIdleTimeouts) {
        this.perKeyIdleTimeouts = perKeyIdleTimeouts;
    }

    /** {@code pc} went idle at its {@link PooledConnection#idleAtNanos}: O(1) when it still has its places. */
    void push(PooledConnection pc) {
        size++;
        if (pc.lruIndex < 0) {
            byIdle.add(pc, pc.idleAtNanos);
        } // else its key, an earlier idle time, is a lower bound: corrected when met
        if (pc.probeIndex < 0) {
            byProbe.add(pc, probeDueAt(pc));
        } // else its key is no later than probeDueAt(pc), which never moves earlier
        if (pc.deadlineIndex >= 0) {
            if (pc.serverIdleNanos > 0) { // the server may have shortened its idle limit since
                long d = deadlineAt(pc);
                if (d - byDeadline.keys[pc.deadlineIndex] < 0) {
                    byDeadline.moveUp(pc, d);
                }
            } // else its deadline never moves earlier
        } else if (hasDeadline(pc)) {
            byDeadline.add(pc, deadlineAt(pc));
        }
    }

    /** {@code pc}, idle, was handed out (or to a waiter): it keeps its places until they are met. O(1). */
    void taken(PooledConnection pc) {
        size--;
    }

    /** {@code pc} is closing (idle, or handed out since it was idle): it leaves both orders now. */
    void remove(PooledConnection pc) {
        if (pc.state == PooledConnection.State.IDLE) {
            size--;
        }
        byIdle.remove(pc);
        byProbe.remove(pc);
        byDeadline.remove(pc);
    }

    /**
     * Whether idle {@code pc} must be closed at some time whatever its use: its key's own idle timeout (with
     * per-key timeouts; the global one is judged on the LRU), its server's idle limit ({@code Keep-Alive:
     * timeout=N}), or its lifetime.
     */
    boolean hasDeadline(PooledConnection pc) {
        ConnLimits limits = pc.host.limits;
        return perKeyIdleTimeouts && limits.idleTimeoutNanos > 0 || pc.serverIdleNanos > 0 || limits.hasLifetime;
    }

    /** The earliest of those deadlines ({@link #hasDeadline} must be true). */
    long deadlineAt(PooledConnection pc) {
        ConnLimits limits = pc.host.limits;
        boolean any = false;
        long d = 0;
        if (perKeyIdleTimeouts && limits.idleTimeoutNanos > 0) {
            d = pc.idleAtNanos + limits.idleTimeoutNanos;
            any = true;
        }
        if (pc.serverIdleNanos > 0) {
            long server = pc.idleAtNanos + pc.serverIdleNanos;
            d = any && d - server <= 0 ? d : server;
            any = true;
        }
        if (limits.hasLifetime) {
            d = any && d - pc.expiresAtNanos <= 0 ? d : pc.expiresAtNanos;
        }
        return d;
    }

    /**
     * The idle connection whose deadline has passed at {@code now} (the earliest), or null. The caller closes it,
     * or, when the probe is looking at it, sets it {@link #aside} until the end of its pass.
     */
    PooledConnection pastDeadline(long now) {
        PooledConnection pc = exactDeadlineTop();
        return pc != null && now - byDeadline.peekKey() >= 0 ? pc : null;
    }

    /** {@code pc}'s deadline has passed but the probe is looking at it: out of the deadline order for now. */
    void aside(PooledConnection pc) {
        byDeadline.remove(pc);
    }

    /** {@code pc}, set {@link #aside} and still idle, takes its place in the deadline order again. */
    void back(PooledConnection pc) {
        if (pc.state == PooledConnection.State.IDLE && pc.deadlineIndex < 0 && hasDeadline(pc)) {
            byDeadline.add(pc, deadlineAt(pc));
        }
    }

    /** Nanoseconds from {@code now} until the next deadline ({@link #hasDeadline}), or -1 when none is set. */
    long untilNextDeadline(long now) {
        return exactDeadlineTop() == null ? -1 : Math.max(0, byDeadline.peekKey() - now);
    }

    /** The top of the deadline order once its key is exact (stale places met on the way are corrected). */
    private PooledConnection exactDeadlineTop() {
        for (PooledConnection pc; (pc = byDeadline.peek()) != null; ) {
            if (pc.state != PooledConnection.State.IDLE || !hasDeadline(pc)) {
                byDeadline.remove(pc);
                continue;
            }
            long d = deadlineAt(pc);
            if (d - byDeadline.peekKey() > 0) {
                byDeadline.moveDown(pc, d); // idle again since: its place was early
                continue;
            }
            return pc;
        }
        return null;
    }

    /** When the probe is due to look at idle {@code pc}: never earlier than it was before it went idle again. */
    static long probeDueAt(PooledConnection pc) {
        long afterIdle = pc.idleAtNanos + ConnPool.PROBE_AFTER_IDLE_NANOS;
        if (!pc.probedOnce) {
            return afterIdle;
        }
        long again = pc.probedAtNanos + IdleMaintenance.PROBE_INTERVAL_NANOS;
        return again - afterIdle > 0 ? again : afterIdle;
    }

    /** The idle connection the probe is due to look at by {@code now} (the earliest due), or null. */
    PooledConnection dueForProbe(long now) {
        for (PooledConnection pc; (pc = byProbe.peek()) != null; ) {
            if (now - byProbe.peekKey() < 0) {
                return null;
            }
            if (pc.state != PooledConnection.State.IDLE) {
                byProbe.remove(pc); // handed out since: it takes a new place when it is idle again
                continue;
            }
            long due = probeDueAt(pc);
            if (now - due < 0) {
                byProbe.moveDown(pc, due); // idle again since: its place was early
                continue;
            }
            return pc;
        }
        return null;
    }

    /** {@code pc}, idle, is being probed at {@code now}: it is due again a probe interval later. */
    void probedAt(PooledConnection pc, long now) {
        pc.probedOnce = true;
        pc.probedAtNanos = now;
        byProbe.moveDown(pc, probeDueAt(pc));
    }

    /** The connection idle longest, or null: O(1), plus O(log n) for each place found stale on the way. */
    PooledConnection oldest() {
        for (PooledConnection pc; (pc = byIdle.peek()) != null; ) {
            if (pc.state != PooledConnection.State.IDLE) {
                byIdle.remove(pc);
            } else if (pc.idleAtNanos - byIdle.peekKey() > 0) {
                byIdle.moveDown(pc, pc.idleAtNanos);
            } else {
                return pc;
            }
        }
        return null;
    }

    /**
     * The connection idle longest among those {@code eligible} allows, or null: {@link #oldest()} when that one is
     * eligible, otherwise a look at every idle connection (rare: {@code maxIdleConns} meeting a warm key).
     */
    PooledConnection oldest(Predicate<PooledConnection> eligible) {
        PooledConnection oldest = oldest();
        if (oldest == null || eligible.test(oldest)) {
            return oldest;
        }
        PooledConnection best = null;
        for (int i = 0; i < byIdle.size; i++) {
            PooledConnection pc = byIdle.conns[i];
            if (pc.state == PooledConnection.State.IDLE && eligible.test(pc)
                    && (best == null || pc.idleAtNanos - best.idleAtNanos < 0)) {
                best = pc;
            }
        }
        return best;
    }

    int size() {
        return size;
    }

    /** The first broken rule of the two orders, or null (for the invariant check). */
    String checkLocked(Map<?, HostPool> hosts) {
        String v = byIdle.check();
        if (v == null) {
            v = byProbe.check();
        }
        if (v == null) {
            v = byDeadline.check();
        }
        if (v != null) {
            return v;
        }
        int idle = 0;
        for (int i = 0; i < byIdle.size; i++) {
            PooledConnection pc = byIdle.conns[i];
            if (pc.state != PooledConnection.State.IDLE) {
                continue;
            }
            idle++;
            if (hosts.get(pc.key()) != pc.host || !pc.host.idle.contains(pc)) {
                return pc + " in the LRU but not in its key's idle list";
            }
            if (byIdle.keys[i] - pc.idleAtNanos > 0) {
                return pc + ": its LRU place is later than its idle time";
            }
            if (pc.probeIndex < 0) {
                return pc + " idle but not in the probe order";
            }
            if (byProbe.keys[pc.probeIndex] - probeDueAt(pc) > 0) {
                return pc + ": its probe-order place is later than its probe is due";
            }
            if (hasDeadline(pc) && (pc.deadlineIndex < 0
                    || byDeadline.keys[pc.deadlineIndex] - deadlineAt(pc) > 0)) {
                return pc + " idle with a deadline, but its place in the deadline order is missing or later";
            }
        }
        int idleInProbeOrder = 0;
        for (int i = 0; i < byProbe.size; i++) {
            PooledConnection pc = byProbe.conns[i];
            if (pc.state == PooledConnection.State.IDLE) {
                idleInProbeOrder++;
                if (pc.lruIndex < 0) {
                    return pc + " idle but not in the LRU";
                }
            }
        }
        if (idle != size || idleInProbeOrder != size) {
            return "LRU holds " + idle + " idle, probe order " + idleInProbeOrder + ", size " + size;
        }
        return null;
    }
}
