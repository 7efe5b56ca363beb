package dev.httppool;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One consistent view of a {@link Transport}'s pool, taken under a single acquisition of its lock. This is
 * the data behind {@code /actuator/httppool} and the {@code http.pool.*} gauges.
 *
 * @param settings the pool settings
 * @param totals counts over all keys
 * @param stats counters since the transport was created
 * @param keys every key with at least one connection, dial or waiting request, ordered by key
 * @param advice what to change, from what the pool saw over the last five minutes, ordered by key (see the
 *     README's "Advice" for every rule)
 */
public record PoolSnapshot(Settings settings, Totals totals, Stats stats, List<KeyStats> keys, List<Advice> advice) {

    /**
     * The pool settings in force.
     *
     * @param maxIdleConnsPerHost the per-key idle cap, or {@link TransportConfig#AUTO_IDLE_CONNS_PER_HOST} when it
     *     follows each key's use (see {@link KeyStats#idleCap()})
     * @param maxConnLifetime how long a connection may live since its dial; zero means no limit
     * @param maxConnLifetimeJitter the most a connection's lifetime is shortened by, at random; zero means none
     * @param maxRequestsPerConn requests a connection may carry; zero means no limit
     * @param leaseStrategy which idle connection of a key is handed out next
     * @param maxWaitingPerHost requests that may wait per key at {@code maxConnsPerHost}; zero means no limit
     * @param respectServerKeepAlive whether a response's {@code Keep-Alive} parameters limit its connection
     * @param hosts the per-host overrides, in order (see {@link KeyStats#hostOverride()} for the keys they apply to)
     */
    public record Settings(int maxIdleConns, int maxIdleConnsPerHost, int maxConnsPerHost, Duration idleConnTimeout,
            Duration connWaitTimeout, boolean disableKeepAlives, Duration maxConnLifetime,
            Duration maxConnLifetimeJitter, int maxRequestsPerConn, LeaseStrategy leaseStrategy,
            int maxWaitingPerHost, boolean respectServerKeepAlive, List<HostOverride> hosts) {

        /** Settings without per-host overrides. */
        public Settings(int maxIdleConns, int maxIdleConnsPerHost, int maxConnsPerHost, Duration idleConnTimeout,
                Duration connWaitTimeout, boolean disableKeepAlives, Duration maxConnLifetime,
                Duration maxConnLifetimeJitter, int maxRequestsPerConn, LeaseStrategy leaseStrategy,
                int maxWaitingPerHost, boolean respectServerKeepAlive) {
            this(maxIdleConns, maxIdleConnsPerHost, maxConnsPerHost, idleConnTimeout, connWaitTimeout,
                    disableKeepAlives, maxConnLifetime, maxConnLifetimeJitter, maxRequestsPerConn, leaseStrategy,
                    maxWaitingPerHost, respectServerKeepAlive, List.of());
        }
    }

    /**
     * Counts over all keys. {@code connections} = idle + active + dialing; {@code waiting} counts requests
     * waiting for a connection.
     */
    public record Totals(int connections, int idle, int active, int dialing, int waiting) {
    }

    /**
     * Counters since creation.
     *
     * @param dials successful dials
     * @param dialFailures failed dials
     * @param reused connections handed out that had served before
     * @param closed closed connections by {@link CloseReason#tag()}, only reasons that occurred, in enum order
     */
    public record Stats(long dials, long dialFailures, long reused, Map<String, Long> closed) {
    }

    /**
     * One key. {@code connections} = idle + active + dialing (what {@code maxConnsPerHost} limits).
     *
     * @param idleCap how many idle connections this key may keep now ({@code maxIdleConnsPerHost}, or its recent
     *     peak of connections in use when that is {@link TransportConfig#AUTO_IDLE_CONNS_PER_HOST})
     * @param idleConnections idle connections, least recently used first (the next one handed out is last)
     * @param activeConnections connections held by requests, longest held first
     * @param hostOverride the {@link Settings#hosts()} entry this key matched (its settings replace the global ones
     *     it sets), or null when the key has the global settings
     * @param streams open HTTP/2 streams over this key's connections (each HTTP/2 connection with open streams is
     *     one active connection however many it carries); 0 for HTTP/1.1
     */
    public record KeyStats(String key, String proxy, String scheme, String address, boolean onlyH1, int connections,
            int idle, int active, int dialing, int waiting, int idleCap, List<IdleConnection> idleConnections,
            List<ActiveConnection> activeConnections, HostOverride hostOverride, int streams) {

        /** A key without open HTTP/2 streams. */
        public KeyStats(String key, String proxy, String scheme, String address, boolean onlyH1, int connections,
                int idle, int active, int dialing, int waiting, int idleCap, List<IdleConnection> idleConnections,
                List<ActiveConnection> activeConnections, HostOverride hostOverride) {
            this(key, proxy, scheme, address, onlyH1, connections, idle, active, dialing, waiting, idleCap,
                    idleConnections, activeConnections, hostOverride, 0);
        }

        /** A key with the global settings and without open HTTP/2 streams. */
        public KeyStats(String key, String proxy, String scheme, String address, boolean onlyH1, int connections,
                int idle, int active, int dialing, int waiting, int idleCap, List<IdleConnection> idleConnections,
                List<ActiveConnection> activeConnections) {
            this(key, proxy, scheme, address, onlyH1, connections, idle, active, dialing, waiting, idleCap,
                    idleConnections, activeConnections, null, 0);
        }

        /** A key with the global settings, no connection held and no open HTTP/2 stream. */
        public KeyStats(String key, String proxy, String scheme, String address, boolean onlyH1, int connections,
                int idle, int active, int dialing, int waiting, int idleCap, List<IdleConnection> idleConnections) {
            this(key, proxy, scheme, address, onlyH1, connections, idle, active, dialing, waiting, idleCap,
                    idleConnections, List.of(), null, 0);
        }
    }

    /**
     * One idle connection.
     *
     * @param idleSince wall-clock time it became idle
     * @param requests requests it has carried
     */
    public record IdleConnection(long id, String localAddress, String remoteAddress, String protocol,
            Instant idleSince, long idleMillis, long ageMillis, long requests) {
    }

    /**
     * One piece of advice: set {@code setting} (a property name, as in {@code http.pool.*}) of {@code key} from
     * {@code current} to {@code suggested}, because of {@code reason}.
     */
    public record Advice(String key, String setting, String current, String suggested, String reason) {
    }

    /**
     * One connection held by a request: checked out, its response body not yet read to the end nor closed.
     *
     * @param checkedOutAt wall-clock time the request got it
     * @param heldMillis how long the request has held it
     * @param ageMillis time since it was dialed
     * @param requests requests it has carried, this one included
     * @param request the request's method and path, without query string (e.g. {@code GET /orders})
     * @param thread the name of the thread that made the request
     * @param leakSuspected whether it was held longer than {@code leakDetectionThreshold}
     * @param streams its open HTTP/2 streams (0 for HTTP/1.1). An HTTP/2 connection with open streams is listed
     *     once: {@code request}, {@code thread}, {@code checkedOutAt} and {@code heldMillis} are those of its most
     *     recently started stream, and {@code requests} counts its streams
     */
    public record ActiveConnection(long id, String localAddress, String remoteAddress, String protocol,
            Instant checkedOutAt, long heldMillis, long ageMillis, long requests, String request, String thread,
            boolean leakSuspected, int streams) {

        /** An HTTP/1.1 connection (no streams). */
        public ActiveConnection(long id, String localAddress, String remoteAddress, String protocol,
                Instant checkedOutAt, long heldMillis, long ageMillis, long requests, String request, String thread,
                boolean leakSuspected) {
            this(id, localAddress, remoteAddress, protocol, checkedOutAt, heldMillis, ageMillis, requests, request,
                    thread, leakSuspected, 0);
        }
    }

    /** The entry for {@code key}, or null when the pool holds nothing for it. */
    public KeyStats key(String key) {
        for (KeyStats k : keys) {
            if (k.key().equals(key)) {
                return k;
            }
        }
        return null;
    }
}
