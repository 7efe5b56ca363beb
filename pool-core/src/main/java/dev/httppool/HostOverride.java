package dev.httppool;

import dev.httppool.internal.net.HostPattern;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings for the pool keys whose target matches {@link #match()}, in place of the {@link TransportConfig}'s
 * (see {@link TransportConfig.Builder#hosts}). A setting the entry leaves unset ({@code null}) stays the global one.
 * Beyond Go, where every host shares one set of limits.
 *
 * <pre>{@code
 * HostOverride api = HostOverride.builder("https://api.example.com")
 *     .maxConnsPerHost(32)
 *     .maxIdleConnsPerHost(32)
 *     .minIdle(4)
 *     .build();
 * }</pre>
 *
 * <p>{@code match} is one of
 * <ul>
 * <li>{@code host}: that host, any scheme and port;
 * <li>{@code host:port}: that host on that port, any scheme;
 * <li>{@code *.domain}: any subdomain of {@code domain}, at any depth, but not {@code domain} itself;
 * <li>{@code scheme://host[:port]}: a base URL, {@code http} or {@code https}, the port defaulted by the scheme.
 * </ul>
 * Hosts compare without regard to case, an internationalised name as its punycode. A key for a plain-http target
 * behind a proxy (one key for every such target, see {@link ConnectMethodKey}) matches no entry.
 */
public final class HostOverride {

    private final String match;
    private final Integer maxIdleConnsPerHost;
    private final Integer maxConnsPerHost;
    private final Integer maxWaitingPerHost;
    private final Duration idleConnTimeout;
    private final Duration connWaitTimeout;
    private final Duration maxConnLifetime;
    private final Integer maxRequestsPerConn;
    private final LeaseStrategy leaseStrategy;
    private final int minIdle;

    private HostOverride(Builder b) {
        HostPattern pattern = HostPattern.parse(b.match); // throws naming the forms
        this.match = b.match.trim();
        if (b.maxIdleConnsPerHost != null && b.maxIdleConnsPerHost != TransportConfig.AUTO_IDLE_CONNS_PER_HOST) {
            TransportConfig.atLeast("maxIdleConnsPerHost", b.maxIdleConnsPerHost, 0,
                    " (0 means keep none) or AUTO_IDLE_CONNS_PER_HOST (-1)");
        }
        this.maxIdleConnsPerHost = b.maxIdleConnsPerHost;
        this.maxConnsPerHost = b.maxConnsPerHost == null ? null
                : TransportConfig.atLeast("maxConnsPerHost", b.maxConnsPerHost, 0, " (0 means no limit)");
        this.maxWaitingPerHost = b.maxWaitingPerHost == null ? null
                : TransportConfig.atLeast("maxWaitingPerHost", b.maxWaitingPerHost, 0, " (0 means no limit)");
        this.idleConnTimeout = b.idleConnTimeout == null ? null
                : TransportConfig.nonNegative("idleConnTimeout", b.idleConnTimeout, " (0 means forever)");
        this.connWaitTimeout = b.connWaitTimeout == null ? null
                : TransportConfig.nonNegative("connWaitTimeout", b.connWaitTimeout, " (0 means no limit)");
        this.maxConnLifetime = b.maxConnLifetime == null ? null
                : TransportConfig.nonNegative("maxConnLifetime", b.maxConnLifetime, " (0 means no limit)");
        this.maxRequestsPerConn = b.maxRequestsPerConn == null ? null
                : TransportConfig.atLeast("maxRequestsPerConn", b.maxRequestsPerConn, 0, " (0 means no limit)");
        this.leaseStrategy = b.leaseStrategy;
        this.minIdle = TransportConfig.atLeast("minIdle", b.minIdle, 0, " (0 keeps none warm)");
        if (minIdle > 0 && pattern.form() != HostPattern.Form.BASE_URL) {
            throw new IllegalArgumentException("minIdle needs a match in base-URL form scheme://host[:port] (a target "
                    + "to dial), was " + minIdle + " with match '" + match + "'");
        }
        if (minIdle > 0 && maxConnsPerHost != null && maxConnsPerHost > 0 && minIdle > maxConnsPerHost) {
            throw new IllegalArgumentException("minIdle must be <= maxConnsPerHost (" + maxConnsPerHost + "), was "
                    + minIdle);
        }
    }

    /**
     * A builder for the entry matching {@code match}: {@code host}, {@code host:port}, {@code *.domain} or
     * {@code scheme://host[:port]}; checked by {@link Builder#build()}.
     */
    public static Builder builder(String match) {
        return new Builder(match);
    }

    /** The match as given (trimmed). */
    public String match() {
        return match;
    }

    /** The per-key idle cap (or {@link TransportConfig#AUTO_IDLE_CONNS_PER_HOST}); null: the global one. */
    public Integer maxIdleConnsPerHost() {
        return maxIdleConnsPerHost;
    }

    /** The per-key connection cap, 0 meaning no limit; null: the global one. */
    public Integer maxConnsPerHost() {
        return maxConnsPerHost;
    }

    /** Requests that may wait per key at its connection cap, 0 meaning no limit; null: the global setting. */
    public Integer maxWaitingPerHost() {
        return maxWaitingPerHost;
    }

    /** How long a connection may stay idle, zero meaning forever; null: the global setting. */
    public Duration idleConnTimeout() {
        return idleConnTimeout;
    }

    /** Longest wait for permission to dial, zero meaning no limit; null: the global setting. */
    public Duration connWaitTimeout() {
        return connWaitTimeout;
    }

    /** How long a connection may live, zero meaning no limit; null: the global setting (the jitter stays global). */
    public Duration maxConnLifetime() {
        return maxConnLifetime;
    }

    /** Requests a connection may carry, 0 meaning no limit; null: the global setting. */
    public Integer maxRequestsPerConn() {
        return maxRequestsPerConn;
    }

    /** Which idle connection is handed out; null: the global setting. */
    public LeaseStrategy leaseStrategy() {
        return leaseStrategy;
    }

    /** Connections kept open to the entry's target (a base-URL match only); 0: none. */
    public int minIdle() {
        return minIdle;
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof HostOverride)) {
            return false;
        }
        HostOverride h = (HostOverride) o;
        return match.equals(h.match) && Objects.equals(maxIdleConnsPerHost, h.maxIdleConnsPerHost)
                && Objects.equals(maxConnsPerHost, h.maxConnsPerHost)
                && Objects.equals(maxWaitingPerHost, h.maxWaitingPerHost)
                && Objects.equals(idleConnTimeout, h.idleConnTimeout)
                && Objects.equals(connWaitTimeout, h.connWaitTimeout)
                && Objects.equals(maxConnLifetime, h.maxConnLifetime)
                && Objects.equals(maxRequestsPerConn, h.maxRequestsPerConn) && leaseStrategy == h.leaseStrategy
                && minIdle == h.minIdle;
    }

    @Override
    public int hashCode() {
        return Objects.hash(match, maxIdleConnsPerHost, maxConnsPerHost, maxWaitingPerHost, idleConnTimeout,
                connWaitTimeout, maxConnLifetime, maxRequestsPerConn, leaseStrategy, minIdle);
    }

    /** The match and the settings it sets, e.g. {@code HostOverride{match=*.internal, leaseStrategy=FIFO}}. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("HostOverride{match=").append(match);
        append(s, "maxIdleConnsPerHost", maxIdleConnsPerHost);
        append(s, "maxConnsPerHost", maxConnsPerHost);
        append(s, "maxWaitingPerHost", maxWaitingPerHost);
        append(s, "idleConnTimeout", idleConnTimeout);
        append(s, "connWaitTimeout", connWaitTimeout);
        append(s, "maxConnLifetime", maxConnLifetime);
        append(s, "maxRequestsPerConn", maxRequestsPerConn);
        append(s, "leaseStrategy", leaseStrategy);
        append(s, "minIdle", minIdle == 0 ? null : minIdle);
        return s.append('}').toString();
    }

    private static void append(StringBuilder s, String name, Object value) {
        if (value != null) {
            s.append(", ").append(name).append('=').append(value);
        }
    }

    /** Builds a {@link HostOverride}; every setting starts unset (the global one applies). */
    public static final class Builder {
        private final String match;
        private Integer maxIdleConnsPerHost;
        private Integer maxConnsPerHost;
        private Integer maxWaitingPerHost;
        private Duration idleConnTimeout;
        private Duration connWaitTimeout;
        private Duration maxConnLifetime;
        private Integer maxRequestsPerConn;
        private LeaseStrategy leaseStrategy;
        private int minIdle;

        private Builder(String match) {
            this.match = match;
        }

        private Builder(HostOverride o) {
            match = o.match;
            maxIdleConnsPerHost = o.maxIdleConnsPerHost;
            maxConnsPerHost = o.maxConnsPerHost;
            maxWaitingPerHost = o.maxWaitingPerHost;
            idleConnTimeout = o.idleConnTimeout;
            connWaitTimeout = o.connWaitTimeout;
            maxConnLifetime = o.maxConnLifetime;
            maxRequestsPerConn = o.maxRequestsPerConn;
            leaseStrategy = o.leaseStrategy;
            minIdle = o.minIdle;
        }

        /**
         * See {@link TransportConfig.Builder#maxIdleConnsPerHost}: 0 keeps none,
         * {@link TransportConfig#AUTO_IDLE_CONNS_PER_HOST} follows the key's use; null (default) leaves it global.
         */
        public Builder maxIdleConnsPerHost(Integer n) {
            this.maxIdleConnsPerHost = n;
            return this;
        }

        /** See {@link TransportConfig.Builder#maxConnsPerHost}: 0 means no limit; null (default) leaves it global. */
        public Builder maxConnsPerHost(Integer n) {
            this.maxConnsPerHost = n;
            return this;
        }

        /** See {@link TransportConfig.Builder#maxWaitingPerHost}: 0 means no limit; null (default) leaves it global. */
        public Builder maxWaitingPerHost(Integer n) {
            this.maxWaitingPerHost = n;
            return this;
        }

        /** See {@link TransportConfig.Builder#idleConnTimeout}: 0 means forever; null (default) leaves it global. */
        public Builder idleConnTimeout(Duration d) {
            this.idleConnTimeout = d;
            return this;
        }

        /** See {@link TransportConfig.Builder#connWaitTimeout}: 0 means no limit; null (default) leaves it global. */
        public Builder connWaitTimeout(Duration d) {
            this.connWaitTimeout = d;
            return this;
        }

        /**
         * See {@link TransportConfig.Builder#maxConnLifetime}: 0 means no limit; null (default) leaves it global.
         * The global {@code maxConnLifetimeJitter} applies and must be less than this when both are set.
         */
        public Builder maxConnLifetime(Duration d) {
            this.maxConnLifetime = d;
            return this;
        }

        /**
         * See {@link TransportConfig.Builder#maxRequestsPerConn}: 0 means no limit; null (default) leaves it global.
         */
        public Builder maxRequestsPerConn(Integer n) {
            this.maxRequestsPerConn = n;
            return this;
        }

        /** See {@link TransportConfig.Builder#leaseStrategy}; null (default) leaves it global. */
        public Builder leaseStrategy(LeaseStrategy strategy) {
            this.leaseStrategy = strategy;
            return this;
        }

        /**
         * Connections kept open to the entry's target, only for a base-URL match ({@code scheme://host[:port]},
         * which names a target to dial): dialed in the background when the {@link Transport} is built and again
         * whenever one closes (lifetime, idle timeout, server close, {@link Transport#closeIdleConnections()});
         * they wait idle, and the key's idle cap is at least this. A failed dial is retried after 100 ms, doubling
         * up to 30 s. Must not exceed the entry's {@code maxConnsPerHost}; needs keep-alives. Default and 0: none.
         */
        public Builder minIdle(int n) {
            this.minIdle = n;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @throws IllegalArgumentException naming the setting, its rule and its value (for a bad match: the forms)
         */
        public HostOverride build() {
            return new HostOverride(this);
        }
    }
}
