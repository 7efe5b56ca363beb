package dev.httppool.internal.pool;

import dev.httppool.HostOverride;
import dev.httppool.LeaseStrategy;
import dev.httppool.TransportConfig;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The limits a connection and a key live under, and which idle connection is leased, computed once from the
 * {@link TransportConfig}, and once more for each of its {@link HostOverride}s (the entry's settings, the global
 * ones where it leaves them unset); a key's {@link HostPool} holds the ones that apply to it ({@link HostLimits}).
 * They are: the key's connection cap, wait bound and timeouts, each connection's lifetime (with its jitter, drawn
 * once per connection), the requests a connection may carry, the key's idle cap (fixed, or with
 * {@link TransportConfig#AUTO_IDLE_CONNS_PER_HOST} following the key's recent peak of connections in use; never
 * below {@code minIdle}) and the lease strategy. The one home of these rules; the pool applies them under its lock.
 */
final class ConnLimits {

    /** The entry these limits come from, or null for the global settings. */
    final HostOverride override;
    /** Whether connections have a lifetime ({@code maxConnLifetime} set): each then carries its expiry. */
    final boolean hasLifetime;
    final int maxConnsPerHost;
    final int maxWaitingPerHost;
    final long idleTimeoutNanos;
    final long connWaitNanos;
    /** Connections kept open to the key ({@code minIdle}); its idle cap is at least this. */
    final int minIdle;
    private final long lifetimeNanos;
    private final long lifetimeJitterNanos;
    private final int maxRequestsPerConn;
    private final boolean autoIdleCap;
    private final int maxIdleConnsPerHost;
    private final int maxIdleConns;
    /** Lease the least recently used idle connection ({@code LeaseStrategy.FIFO}) instead of Go's most recent. */
    final boolean fifo;
    // With the auto idle cap: a third of how long a key's peak of connections in use is remembered.
    private final long peakSliceNanos;

    /** The global limits. */
    ConnLimits(TransportConfig config) {
        this(config, null);
    }

    /** The limits of the keys that match {@code o} (the global ones when null). */
    ConnLimits(TransportConfig config, HostOverride o) {
        this.override = o;
        boolean has = o != null;
        Duration lifetime = has && o.maxConnLifetime() != null ? o.maxConnLifetime() : config.maxConnLifetime();
        this.lifetimeNanos = lifetime.toNanos();
        this.lifetimeJitterNanos = config.maxConnLifetimeJitter().toNanos();
        this.hasLifetime = lifetimeNanos > 0;
        this.maxRequestsPerConn = has && o.maxRequestsPerConn() != null ? o.maxRequestsPerConn()
                : config.maxRequestsPerConn();
        this.maxIdleConnsPerHost = has && o.maxIdleConnsPerHost() != null ? o.maxIdleConnsPerHost()
                : config.maxIdleConnsPerHost();
        this.maxIdleConns = config.maxIdleConns();
        this.autoIdleCap = maxIdleConnsPerHost == TransportConfig.AUTO_IDLE_CONNS_PER_HOST;
        LeaseStrategy lease = has && o.leaseStrategy() != null ? o.leaseStrategy() : config.leaseStrategy();
        this.fifo = lease == LeaseStrategy.FIFO;
        this.maxConnsPerHost = has && o.maxConnsPerHost() != null ? o.maxConnsPerHost() : config.maxConnsPerHost();
        this.maxWaitingPerHost = has && o.maxWaitingPerHost() != null ? o.maxWaitingPerHost()
                : config.maxWaitingPerHost();
        this.connWaitNanos = (has && o.connWaitTimeout() != null ? o.connWaitTimeout() : config.connWaitTimeout())
                .toNanos();
        this.minIdle = has ? o.minIdle() : 0;
        long idleTimeout = (has && o.idleConnTimeout() != null ? o.idleConnTimeout() : config.idleConnTimeout())
                .toNanos();
        this.idleTimeoutNanos = idleTimeout;
        long window = idleTimeout > 0 ? idleTimeout : TimeUnit.SECONDS.toNanos(90);
        this.peakSliceNanos = Math.max(1, window / 2);
    }

    /**
     * A new connection's lifetime: {@code maxConnLifetime} minus a random amount in [0, jitter], drawn once per
     * connection so that connections dialed together do not expire together (0 when there is no lifetime).
     */
    long drawLifetimeNanos() {
        if (!hasLifetime) {
            return 0;
        }
        return lifetimeJitterNanos <= 0 ? lifetimeNanos
                : lifetimeNanos - ThreadLocalRandom.current().nextLong(lifetimeJitterNanos + 1);
    }

    /** Whether {@code pc} has carried {@code maxRequestsPerConn} requests (never, when that is 0). */
    boolean requestsUsedUp(PooledConnection pc) {
        return maxRequestsPerConn > 0 && pc.requests >= maxRequestsPerConn;
    }

    /** Whether {@code pc} has outlived its lifetime at {@code now} (never, without a lifetime). */
    boolean expired(PooledConnection pc, long now) {
        return hasLifetime && pc.expiredAt(now);
    }

    boolean autoIdleCap() {
        return autoIdleCap;
    }

    /** With the auto idle cap, lets {@code hp} remember how many of its connections are in use at {@code now}. */
    void noteInUseLocked(HostPool hp, long now) {
        if (autoIdleCap) {
            hp.noteInUseLocked(now, peakSliceNanos);
        }
    }

    /**
     * How many idle connections {@code hp} may keep at {@code now}: {@code maxIdleConnsPerHost}, or with
     * {@link TransportConfig#AUTO_IDLE_CONNS_PER_HOST} the most it had in use at once lately, at least 2 and at
     * most {@code maxIdleConns} (when that is greater than 0); in either case at least {@code minIdle}, so warm
     * connections are not closed as too many. The one home of this rule.
     */
    int idleCapLocked(HostPool hp, long now) {
        if (!autoIdleCap) {
            return Math.max(maxIdleConnsPerHost, minIdle);
        }
        int cap = Math.max(2, hp.recentPeakLocked(now, peakSliceNanos));
        return Math.max(minIdle, maxIdleConns > 0 ? Math.min(cap, maxIdleConns) : cap);
    }

    /** With the auto idle cap, when {@code hp}'s current slice ends: the soonest its cap may fall. */
    long sliceEndLocked(HostPool hp) {
        return hp.sliceStartNanos + peakSliceNanos;
    }

    /** The cap as of the last {@link HostPool#noteInUseLocked}, which the idle list was trimmed to then. */
    int settledIdleCapLocked(HostPool hp) {
        return idleCapLocked(hp, hp.sliceStartNanos);
    }
}
