package dev.httppool.internal.pool;

import dev.httppool.LeaseStrategy;
import dev.httppool.TransportConfig;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The limits a connection and a key live under, and which idle connection is leased, computed once from the
 * {@link TransportConfig}: each connection's lifetime (with its jitter, drawn once per connection), the requests a
 * connection may carry, each key's idle cap (fixed, or with {@link TransportConfig#AUTO_IDLE_CONNS_PER_HOST}
 * following the key's recent peak of connections in use) and the lease strategy. The one home of these rules; the
 * pool applies them under its lock.
 */
final class ConnLimits {

    /** Whether connections have a lifetime ({@code maxConnLifetime} set): each then carries its expiry. */
    final boolean hasLifetime;
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

    ConnLimits(TransportConfig config) {
        this.lifetimeNanos = config.maxConnLifetime().toNanos();
        this.lifetimeJitterNanos = config.maxConnLifetimeJitter().toNanos();
        this.hasLifetime = lifetimeNanos > 0;
        this.maxRequestsPerConn = config.maxRequestsPerConn();
        this.maxIdleConnsPerHost = config.maxIdleConnsPerHost();
        this.maxIdleConns = config.maxIdleConns();
        this.autoIdleCap = maxIdleConnsPerHost == TransportConfig.AUTO_IDLE_CONNS_PER_HOST;
        this.fifo = config.leaseStrategy() == LeaseStrategy.FIFO;
        long idleTimeout = config.idleConnTimeout().toNanos();
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
     * most {@code maxIdleConns} (when that is greater than 0). The one home of this rule.
     */
    int idleCapLocked(HostPool hp, long now) {
        if (!autoIdleCap) {
            return maxIdleConnsPerHost;
        }
        int cap = Math.max(2, hp.recentPeakLocked(now, peakSliceNanos));
        return maxIdleConns > 0 ? Math.min(cap, maxIdleConns) : cap;
    }

    /** The cap as of the last {@link HostPool#noteInUseLocked}, which the idle list was trimmed to then. */
    int settledIdleCapLocked(HostPool hp) {
        return idleCapLocked(hp, hp.sliceStartNanos);
    }
}
