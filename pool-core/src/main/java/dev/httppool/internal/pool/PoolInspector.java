package dev.httppool.internal.pool;

import dev.httppool.CloseReason;
import dev.httppool.ConnectMethodKey;
import dev.httppool.PoolSnapshot;
import dev.httppool.TransportConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Read-only views of a {@link ConnPool}'s state: the {@link PoolSnapshot} and the invariant check. Every
 * method runs with the pool's lock held by the caller (hence {@code ...Locked}).
 */
final class PoolInspector {

    private PoolInspector() {
    }

    static PoolSnapshot snapshotLocked(ConnPool pool, Collection<HostPool> hosts, String address, long now,
            long wallNow, PoolStats stats, Map<PooledConnection, Integer> streams,
            Map<ConnectMethodKey, Integer> waitingForStreams) {
        TransportConfig config = pool.config;
        List<HostPool> sorted = new ArrayList<>(hosts);
        sorted.sort((x, y) -> x.key.toString().compareTo(y.key.toString()));
        List<PoolSnapshot.KeyStats> keys = new ArrayList<>(sorted.size());
        int conns = 0;
        int idle = 0;
        int dialing = 0;
        int waiting = 0;
        for (HostPool hp : sorted) {
            if (address == null || address.equals(hp.key.address())) {
                // Requests waiting for a stream (strict HTTP/2 limits) wait as much as those for a connection.
                int forStream = waitingForStreams.getOrDefault(hp.key, 0);
                conns += hp.conns;
                idle += hp.idle.size();
                dialing += hp.dialing();
                waiting += hp.waiting + forStream;
                PoolSnapshot.KeyStats k = keyStatsLocked(hp, now, wallNow, true, hp.limits.idleCapLocked(hp, now),
                        streams);
                int open = 0;
                if (!streams.isEmpty()) {
                    for (PooledConnection pc : streams.keySet()) {
                        open += pc.host == hp ? streams.get(pc) : 0;
                    }
                }
                keys.add(open == 0 && forStream == 0 ? k : withStreamsAndWaiting(k, open, k.waiting() + forStream));
            }
        }
        return new PoolSnapshot(
                new PoolSnapshot.Settings(config.maxIdleConns(), config.maxIdleConnsPerHost(),
                        config.maxConnsPerHost(), config.idleConnTimeout(), config.connWaitTimeout(),
                        config.disableKeepAlives(), config.maxConnLifetime(), config.maxConnLifetimeJitter(),
                        config.maxRequestsPerConn(), config.leaseStrategy(),
                        config.maxWaitingPerHost(), config.respectServerKeepAlive(), config.hosts()),
                new PoolSnapshot.Totals(conns, idle, conns - idle - dialing, dialing, waiting),
                stats.toSnapshotLocked(address),
                Collections.unmodifiableList(keys),
                pool.advisor.adviceLocked(address, now));
    }

    private static PoolSnapshot.KeyStats withStreamsAndWaiting(PoolSnapshot.KeyStats k, int streams, int waiting) {
        return new PoolSnapshot.KeyStats(k.key(), k.proxy(), k.scheme(), k.address(), k.onlyH1(), k.connections(),
                k.idle(), k.active(), k.dialing(), waiting, k.idleCap(), k.idleConnections(),
                k.activeConnections(), k.hostOverride(), streams);
    }

    /** A key's counts without its idle connections (for an error). */
    static PoolSnapshot.KeyStats countsLocked(HostPool hp, long now, int idleCap) {
        return keyStatsLocked(hp, now, 0, false, idleCap);
    }

    /** A key's counts for a wait that just timed out: its waiter is still counted as waiting. */
    static PoolSnapshot.KeyStats waitTimeoutStatsLocked(HostPool hp, long now, int idleCap) {
        PoolSnapshot.KeyStats s = keyStatsLocked(hp, now, 0, false, idleCap);
        return new PoolSnapshot.KeyStats(s.key(), s.proxy(), s.scheme(), s.address(), s.onlyH1(), s.connections(),
                s.idle(), s.active(), s.dialing(), s.waiting() + 1, s.idleCap(), List.of(), List.of(), s.hostOverride());
    }

    static PoolSnapshot.KeyStats keyStatsLocked(HostPool hp, long now, long wallNow, boolean withIdle,
            int idleCap) {
        return keyStatsLocked(hp, now, wallNow, withIdle, idleCap, Map.of());
    }

    private static PoolSnapshot.KeyStats keyStatsLocked(HostPool hp, long now, long wallNow, boolean withIdle,
            int idleCap, Map<PooledConnection, Integer> streams) {
        List<PoolSnapshot.IdleConnection> idleConns = new ArrayList<>(withIdle ? hp.idle.size() : 0);
        if (withIdle) {
            for (PooledConnection pc : hp.idle) {
                long idleMillis = TimeUnit.NANOSECONDS.toMillis(now - pc.idleAtNanos);
                idleConns.add(new PoolSnapshot.IdleConnection(pc.id, pc.wire.localAddress(), pc.wire.remoteAddress(),
                        pc.wire.protocol(), Instant.ofEpochMilli(wallNow - idleMillis), idleMillis,
                        TimeUnit.NANOSECONDS.toMillis(now - pc.createdNanos), pc.requests));
            }
        }
        ConnectMethodKey k = hp.key;
        return new PoolSnapshot.KeyStats(k.toString(), k.proxy(), k.scheme(), k.address(), k.onlyH1(), hp.conns,
                hp.idle.size(), hp.active(), hp.dialing(), hp.waiting, idleCap, Collections.unmodifiableList(idleConns),
                withIdle ? hp.checkedOut.viewLocked(now, wallNow, streams) : List.of(), hp.limits.override);
    }

    /** The first violated invariant, or null. */
    static String checkInvariantsLocked(ConnPool pool, Map<ConnectMethodKey, HostPool> hosts, IdleLru lru) {
        TransportConfig config = pool.config;
        int idleSum = 0;
        int[] held = {0};
        for (HostPool hp : hosts.values()) {
            idleSum += hp.idle.size();
            String v = checkHostLocked(pool, hp, hp.limits.settledIdleCapLocked(hp));
            if (v == null && hp.limits.autoIdleCap() && !hp.idle.isEmpty() && !hp.decayQueued) {
                v = hp.key + ": idle under the auto cap but not queued for its cap to fall";
            }
            if (v == null) {
                v = hp.checkedOut.checkLocked(hp, held);
            }
            if (v != null) {
                return v;
            }
        }
        if (held[0] != pool.leaks.checkedOutLocked()) {
            return "held lists hold " + held[0] + " but " + pool.leaks.checkedOutLocked() + " are checked out";
        }
        String v = lru.checkLocked(hosts);
        if (v != null) {
            return v;
        }
        if (lru.size() != idleSum) {
            return "LRU holds " + lru.size() + " but idle lists hold " + idleSum;
        }
        if (config.maxIdleConns() > 0 && lru.size() > config.maxIdleConns()) {
            return "LRU holds " + lru.size() + " > maxIdleConns";
        }
        return null;
    }

    private static String checkHostLocked(ConnPool pool, HostPool hp, int idleCap) {
        if (hp.conns < hp.idle.size() + hp.dialing()) {
            return hp.key + ": conns " + hp.conns + " < idle " + hp.idle.size() + " + dialing " + hp.dialing();
        }
        if (hp.limits != pool.hostLimits.match(hp.key)) {
            return hp.key + ": its limits are not the ones its hosts entry gives";
        }
        int max = hp.limits.maxConnsPerHost;
        if (max > 0 && hp.conns > max) {
            return hp.key + ": conns " + hp.conns + " > maxConnsPerHost " + max;
        }
        for (PooledConnection pc : hp.idle) {
            if (pc.state != PooledConnection.State.IDLE || pc.host != hp) {
                return pc + " in idle list with state " + pc.state;
            }
        }
        if (hp.idle.size() > idleCap) {
            return hp.key + ": " + hp.idle.size() + " idle > its idle cap " + idleCap;
        }
        if (hp.idleWaiters.stream().anyMatch(w -> !w.queuedForIdle)
                || hp.dialWaiters.stream().anyMatch(w -> !w.waitingForPermission)) {
            return hp.key + ": a waiter in a queue does not know it is there";
        }
        if (hp.idleWaiters.stream().anyMatch(w -> w.done) || hp.dialWaiters.stream().anyMatch(w -> w.done)) {
            return hp.key + ": a waiter that left is still queued"; // a return skips the queue when waiting == 0
        }
        long sharedDial = hp.dialWaiters.stream().filter(w -> w.awaitsSharedDial).count();
        if (sharedDial != hp.awaitingSharedDial) {
            return hp.key + ": " + sharedDial + " wait for the shared dial but awaitingSharedDial="
                    + hp.awaitingSharedDial;
        }
        boolean liveIdleWaiter = hp.idleWaiters.stream().anyMatch(w -> !w.done);
        if (liveIdleWaiter && hp.idle.stream().anyMatch(pc -> !pc.probing)) {
            return hp.key + ": a request waits while a connection sits idle";
        }
        long liveWaiters = Stream.concat(hp.idleWaiters.stream(), hp.dialWaiters.stream())
                .filter(w -> !w.done).distinct().count();
        if (liveWaiters > hp.waiting) {
            return hp.key + ": " + liveWaiters + " queued waiters but waiting=" + hp.waiting;
        }
        if (hp.isUnused()) {
            return hp.key + ": unused entry left in the map";
        }
        return null;
    }
}
