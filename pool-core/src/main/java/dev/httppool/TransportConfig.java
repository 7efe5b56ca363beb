package dev.httppool;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The settings of a {@link Transport}: immutable and validated. Names and defaults follow Go's
 * {@code http.Transport} (and {@code DefaultTransport}); each setter's Javadoc says what zero means.
 *
 * <pre>{@code
 * TransportConfig config = TransportConfig.builder()
 *     .maxIdleConnsPerHost(16)
 *     .maxConnsPerHost(32)
 *     .connWaitTimeout(Duration.ofSeconds(2))
 *     .build();
 * }</pre>
 */
public final class TransportConfig {

    /**
     * The value of {@link Builder#maxIdleConnsPerHost(int)} that makes each key's idle cap follow its use: a key
     * keeps as many idle connections as it had in use at once during the last {@code idleConnTimeout} (90s when
     * that is 0), at least 2 and never more than {@code maxIdleConns} (when that is greater than 0). Beyond Go,
     * whose fixed cap of 2 closes a connection after every burst above two concurrent requests.
     */
    public static final int AUTO_IDLE_CONNS_PER_HOST = -1;

    private static final TransportConfig DEFAULTS = builder().build();

    private final int maxIdleConns;
    private final int maxIdleConnsPerHost;
    private final int maxConnsPerHost;
    private final Duration idleConnTimeout;
    private final Duration connWaitTimeout;
    private final boolean disableKeepAlives;
    private final Duration dialTimeout;
    private final Duration tcpKeepAlive;
    private final Duration tlsHandshakeTimeout;
    private final Duration responseHeaderTimeout;
    private final Duration expectContinueTimeout;
    private final long maxResponseHeaderBytes;
    private final boolean disableCompression;
    private final int readBufferSize;
    private final int writeBufferSize;
    private final Duration maxConnLifetime;
    private final Duration maxConnLifetimeJitter;
    private final int maxRequestsPerConn;
    private final LeaseStrategy leaseStrategy;
    private final int maxWaitingPerHost;
    private final boolean respectServerKeepAlive;
    private final List<HostOverride> hosts;
    private final Duration leakDetectionThreshold;
    private final boolean http2Enabled;
    private final boolean http2StrictMaxConcurrentStreams;
    private final Duration http2PingInterval;
    private final Duration http2PingTimeout;

    private TransportConfig(Builder b) {
        this.maxIdleConns = atLeast("maxIdleConns", b.maxIdleConns, 0, " (0 means no limit)");
        this.maxIdleConnsPerHost = b.maxIdleConnsPerHost == AUTO_IDLE_CONNS_PER_HOST ? AUTO_IDLE_CONNS_PER_HOST
                : atLeast("maxIdleConnsPerHost", b.maxIdleConnsPerHost, 0,
                        " (0 means keep none) or AUTO_IDLE_CONNS_PER_HOST (-1)");
        this.maxConnsPerHost = atLeast("maxConnsPerHost", b.maxConnsPerHost, 0, " (0 means no limit)");
        this.idleConnTimeout = nonNegative("idleConnTimeout", b.idleConnTimeout, " (0 means forever)");
        this.connWaitTimeout = nonNegative("connWaitTimeout", b.connWaitTimeout, " (0 means no limit)");
        this.disableKeepAlives = b.disableKeepAlives;
        this.dialTimeout = positive("dialTimeout", b.dialTimeout);
        this.tcpKeepAlive = nonNegative("tcpKeepAlive", b.tcpKeepAlive, " (0 disables keep-alive probes)");
        this.tlsHandshakeTimeout = nonNegative("tlsHandshakeTimeout", b.tlsHandshakeTimeout, " (0 means no limit)");
        this.responseHeaderTimeout = nonNegative("responseHeaderTimeout", b.responseHeaderTimeout, " (0 means no limit)");
        this.expectContinueTimeout = nonNegative("expectContinueTimeout", b.expectContinueTimeout,
                " (0 sends the body at once)");
        if (b.maxResponseHeaderBytes <= 0) {
            throw new IllegalArgumentException("maxResponseHeaderBytes must be > 0, was " + b.maxResponseHeaderBytes);
        }
        this.maxResponseHeaderBytes = b.maxResponseHeaderBytes;
        this.disableCompression = b.disableCompression;
        this.readBufferSize = atLeast("readBufferSize", b.readBufferSize, 1, "");
        this.writeBufferSize = atLeast("writeBufferSize", b.writeBufferSize, 1, "");
        this.maxConnLifetime = nonNegative("maxConnLifetime", b.maxConnLifetime, " (0 means no limit)");
        this.maxConnLifetimeJitter = nonNegative("maxConnLifetimeJitter", b.maxConnLifetimeJitter, " (0 means none)");
        if (!maxConnLifetime.isZero() && !maxConnLifetimeJitter.isZero()
                && maxConnLifetimeJitter.compareTo(maxConnLifetime) >= 0) {
            throw new IllegalArgumentException("maxConnLifetimeJitter must be < maxConnLifetime (" + maxConnLifetime
                    + "), was " + maxConnLifetimeJitter);
        }
        this.maxRequestsPerConn = atLeast("maxRequestsPerConn", b.maxRequestsPerConn, 0, " (0 means no limit)");
        this.leaseStrategy = java.util.Objects.requireNonNull(b.leaseStrategy, "leaseStrategy");
        this.maxWaitingPerHost = atLeast("maxWaitingPerHost", b.maxWaitingPerHost, 0, " (0 means no limit)");
        this.respectServerKeepAlive = b.respectServerKeepAlive;
        this.leakDetectionThreshold = nonNegative("leakDetectionThreshold", b.leakDetectionThreshold,
                " (0 means off)");
        this.hosts = List.copyOf(Objects.requireNonNull(b.hosts, "hosts"));
        this.http2Enabled = b.http2Enabled;
        this.http2StrictMaxConcurrentStreams = b.http2StrictMaxConcurrentStreams;
        this.http2PingInterval = nonNegative("http2PingInterval", b.http2PingInterval, " (0 means never)");
        this.http2PingTimeout = positive("http2PingTimeout", b.http2PingTimeout);
        checkHosts();
    }

    /** The rules between an entry of {@link #hosts()} and the global settings it leaves in force. */
    private void checkHosts() {
        int minIdleSum = 0;
        for (int i = 0; i < hosts.size(); i++) {
            HostOverride h = hosts.get(i);
            String name = "hosts[" + i + "].";
            Duration lifetime = h.maxConnLifetime() != null ? h.maxConnLifetime() : maxConnLifetime;
            if (h.maxConnLifetime() != null && !lifetime.isZero() && !maxConnLifetimeJitter.isZero()
                    && maxConnLifetimeJitter.compareTo(lifetime) >= 0) {
                throw new IllegalArgumentException(name + "maxConnLifetime must be > maxConnLifetimeJitter ("
                        + maxConnLifetimeJitter + "), was " + lifetime);
            }
            int maxConns = h.maxConnsPerHost() != null ? h.maxConnsPerHost() : maxConnsPerHost;
            if (h.minIdle() > 0 && maxConns > 0 && h.minIdle() > maxConns) {
                throw new IllegalArgumentException(name + "minIdle must be <= maxConnsPerHost (" + maxConns
                        + "), was " + h.minIdle());
            }
            if (h.minIdle() > 0 && disableKeepAlives) {
                throw new IllegalArgumentException(name + "minIdle must be 0 when disableKeepAlives is set, was "
                        + h.minIdle());
            }
            minIdleSum += h.minIdle();
        }
        if (maxIdleConns > 0 && minIdleSum > maxIdleConns) {
            throw new IllegalArgumentException("hosts[*].minIdle must be <= maxIdleConns (" + maxIdleConns
                    + ") added up, was " + minIdleSum);
        }
    }

    /** Go's {@code DefaultTransport} settings (with a per-host idle cap of 2). */
    public static TransportConfig defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    public int maxIdleConns() {
        return maxIdleConns;
    }

    /** The per-key idle cap, or {@link #AUTO_IDLE_CONNS_PER_HOST} when it follows each key's use. */
    public int maxIdleConnsPerHost() {
        return maxIdleConnsPerHost;
    }

    public int maxConnsPerHost() {
        return maxConnsPerHost;
    }

    public Duration idleConnTimeout() {
        return idleConnTimeout;
    }

    public Duration connWaitTimeout() {
        return connWaitTimeout;
    }

    public boolean disableKeepAlives() {
        return disableKeepAlives;
    }

    public Duration dialTimeout() {
        return dialTimeout;
    }

    public Duration tcpKeepAlive() {
        return tcpKeepAlive;
    }

    public Duration tlsHandshakeTimeout() {
        return tlsHandshakeTimeout;
    }

    public Duration responseHeaderTimeout() {
        return responseHeaderTimeout;
    }

    public Duration expectContinueTimeout() {
        return expectContinueTimeout;
    }

    public long maxResponseHeaderBytes() {
        return maxResponseHeaderBytes;
    }

    public boolean disableCompression() {
        return disableCompression;
    }

    public int readBufferSize() {
        return readBufferSize;
    }

    public int writeBufferSize() {
        return writeBufferSize;
    }

    public Duration maxConnLifetime() {
        return maxConnLifetime;
    }

    public Duration maxConnLifetimeJitter() {
        return maxConnLifetimeJitter;
    }

    public int maxRequestsPerConn() {
        return maxRequestsPerConn;
    }

    public LeaseStrategy leaseStrategy() {
        return leaseStrategy;
    }

    public int maxWaitingPerHost() {
        return maxWaitingPerHost;
    }

    public boolean respectServerKeepAlive() {
        return respectServerKeepAlive;
    }

    /** The per-host overrides, in order (the first match wins); empty when every key has the settings above. */
    public List<HostOverride> hosts() {
        return hosts;
    }

    public Duration leakDetectionThreshold() {
        return leakDetectionThreshold;
    }

    public boolean http2Enabled() {
        return http2Enabled;
    }

    public boolean http2StrictMaxConcurrentStreams() {
        return http2StrictMaxConcurrentStreams;
    }

    public Duration http2PingInterval() {
        return http2PingInterval;
    }

    public Duration http2PingTimeout() {
        return http2PingTimeout;
    }

    @Override
    public String toString() {
        return "TransportConfig{maxIdleConns=" + maxIdleConns + ", maxIdleConnsPerHost=" + maxIdleConnsPerHost
                + ", maxConnsPerHost=" + maxConnsPerHost + ", idleConnTimeout=" + idleConnTimeout
                + ", connWaitTimeout=" + connWaitTimeout + ", disableKeepAlives=" + disableKeepAlives
                + ", dialTimeout=" + dialTimeout + ", tcpKeepAlive=" + tcpKeepAlive
                + ", tlsHandshakeTimeout=" + tlsHandshakeTimeout + ", responseHeaderTimeout=" + responseHeaderTimeout
                + ", expectContinueTimeout=" + expectContinueTimeout + ", maxResponseHeaderBytes="
                + maxResponseHeaderBytes + ", disableCompression=" + disableCompression + ", readBufferSize="
                + readBufferSize + ", writeBufferSize=" + writeBufferSize + ", maxConnLifetime=" + maxConnLifetime
                + ", maxConnLifetimeJitter=" + maxConnLifetimeJitter + ", maxRequestsPerConn=" + maxRequestsPerConn
                + ", leaseStrategy=" + leaseStrategy + ", maxWaitingPerHost=" + maxWaitingPerHost
                + ", respectServerKeepAlive=" + respectServerKeepAlive
                + (hosts.isEmpty() ? "" : ", hosts=" + hosts)
                + ", leakDetectionThreshold=" + leakDetectionThreshold + ", http2Enabled=" + http2Enabled
                + ", http2StrictMaxConcurrentStreams=" + http2StrictMaxConcurrentStreams
                + ", http2PingInterval=" + http2PingInterval + ", http2PingTimeout=" + http2PingTimeout
                + '}';
    }

    static int atLeast(String name, int value, int min, String meaning) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be >= " + min + meaning + ", was " + value);
        }
        return value;
    }

    static Duration nonNegative(String name, Duration value, String meaning) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must be >= 0" + meaning + ", was " + value);
        }
        return value;
    }

    private static Duration positive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be > 0, was " + value);
        }
        return value;
    }

    /** Builds a {@link TransportConfig}; {@link #build()} validates every setting. */
    public static final class Builder {
        private int maxIdleConns = 100;
        private int maxIdleConnsPerHost = 2;
        private int maxConnsPerHost;
        private Duration idleConnTimeout = Duration.ofSeconds(90);
        private Duration connWaitTimeout = Duration.ZERO;
        private boolean disableKeepAlives;
        private Duration dialTimeout = Duration.ofSeconds(30);
        private Duration tcpKeepAlive = Duration.ofSeconds(30);
        private Duration tlsHandshakeTimeout = Duration.ofSeconds(10);
        private Duration responseHeaderTimeout = Duration.ZERO;
        private Duration expectContinueTimeout = Duration.ofSeconds(1);
        private long maxResponseHeaderBytes = 10L * 1024 * 1024;
        private boolean disableCompression;
        private int readBufferSize = 4096;
        private int writeBufferSize = 4096;
        private Duration maxConnLifetime = Duration.ZERO;
        private Duration maxConnLifetimeJitter = Duration.ZERO;
        private int maxRequestsPerConn;
        private LeaseStrategy leaseStrategy = LeaseStrategy.LIFO;
        private int maxWaitingPerHost;
        private boolean respectServerKeepAlive = true;
        private List<HostOverride> hosts = List.of();
        private Duration leakDetectionThreshold = Duration.ZERO;
        private boolean http2Enabled = true;
        private boolean http2StrictMaxConcurrentStreams;
        private Duration http2PingInterval = Duration.ofSeconds(30);
        private Duration http2PingTimeout = Duration.ofSeconds(15);

        private Builder() {
        }

        private Builder(TransportConfig c) {
            maxIdleConns = c.maxIdleConns;
            maxIdleConnsPerHost = c.maxIdleConnsPerHost;
            maxConnsPerHost = c.maxConnsPerHost;
            idleConnTimeout = c.idleConnTimeout;
            connWaitTimeout = c.connWaitTimeout;
            disableKeepAlives = c.disableKeepAlives;
            dialTimeout = c.dialTimeout;
            tcpKeepAlive = c.tcpKeepAlive;
            tlsHandshakeTimeout = c.tlsHandshakeTimeout;
            responseHeaderTimeout = c.responseHeaderTimeout;
            expectContinueTimeout = c.expectContinueTimeout;
            maxResponseHeaderBytes = c.maxResponseHeaderBytes;
            disableCompression = c.disableCompression;
            readBufferSize = c.readBufferSize;
            writeBufferSize = c.writeBufferSize;
            maxConnLifetime = c.maxConnLifetime;
            maxConnLifetimeJitter = c.maxConnLifetimeJitter;
            maxRequestsPerConn = c.maxRequestsPerConn;
            leaseStrategy = c.leaseStrategy;
            maxWaitingPerHost = c.maxWaitingPerHost;
            respectServerKeepAlive = c.respectServerKeepAlive;
            hosts = c.hosts;
            leakDetectionThreshold = c.leakDetectionThreshold;
            http2Enabled = c.http2Enabled;
            http2StrictMaxConcurrentStreams = c.http2StrictMaxConcurrentStreams;
            http2PingInterval = c.http2PingInterval;
            http2PingTimeout = c.http2PingTimeout;
        }

        /**
         * Idle connections kept across all keys; when exceeded, the globally least recently used idle connection
         * is closed. Default 100; 0 means no limit. Go: {@code MaxIdleConns}.
         */
        public Builder maxIdleConns(int n) {
            this.maxIdleConns = n;
            return this;
        }

        /**
         * Idle connections kept per key; a connection returned to a full list is closed. Default 2; 0 means keep
         * none (every connection closes after its response unless a waiter takes it). Go:
         * {@code MaxIdleConnsPerHost} (where zero means 2 and a negative value means none).
         * {@link TransportConfig#AUTO_IDLE_CONNS_PER_HOST} makes the cap follow each key's recent use.
         */
        public Builder maxIdleConnsPerHost(int n) {
            this.maxIdleConnsPerHost = n;
            return this;
        }

        /**
         * Dialing + active + idle connections per key; requests over the limit wait in a FIFO queue. Default and
         * 0: no limit. Go: {@code MaxConnsPerHost}.
         */
        public Builder maxConnsPerHost(int n) {
            this.maxConnsPerHost = n;
            return this;
        }

        /** How long a connection may stay idle before it is closed. Default 90s; 0 means forever. Go: {@code IdleConnTimeout}. */
        public Builder idleConnTimeout(Duration d) {
            this.idleConnTimeout = d;
            return this;
        }

        /**
         * Longest wait for a connection when {@code maxConnsPerHost} is reached; on expiry the request fails with
         * {@link ConnWaitTimeoutException}. Default and 0: no limit. Beyond Go, which has none.
         */
        public Builder connWaitTimeout(Duration d) {
            this.connWaitTimeout = d;
            return this;
        }

        /** Whether each connection carries one request ({@code Connection: close} is sent). Default false. Go: {@code DisableKeepAlives}. */
        public Builder disableKeepAlives(boolean b) {
            this.disableKeepAlives = b;
            return this;
        }

        /** TCP connect timeout for each dial. Default 30s; must be greater than 0. Go: {@code net.Dialer.Timeout}. */
        public Builder dialTimeout(Duration d) {
            this.dialTimeout = d;
            return this;
        }

        /** TCP keep-alive probe interval. Default 30s; 0 disables keep-alive probes. Go: {@code net.Dialer.KeepAlive}. */
        public Builder tcpKeepAlive(Duration d) {
            this.tcpKeepAlive = d;
            return this;
        }

        /** Limit on the TLS handshake. Default 10s; 0 means no limit. Go: {@code TLSHandshakeTimeout}. */
        public Builder tlsHandshakeTimeout(Duration d) {
            this.tlsHandshakeTimeout = d;
            return this;
        }

        /**
         * Limit on waiting for the response headers, counted from the end of writing the request. Default and 0:
         * no limit. Go: {@code ResponseHeaderTimeout}.
         */
        public Builder responseHeaderTimeout(Duration d) {
            this.responseHeaderTimeout = d;
            return this;
        }

        /**
         * For requests with {@code Expect: 100-continue}, how long to wait for {@code 100 Continue} before sending
         * the body anyway. Default 1s; 0 sends the body at once. Go: {@code ExpectContinueTimeout}.
         */
        public Builder expectContinueTimeout(Duration d) {
            this.expectContinueTimeout = d;
            return this;
        }

        /**
         * Limit on the status line and headers of a response, interim (1xx) responses included unless a
         * {@link ClientTrace} hook receives them. Default 10 MiB; must be > 0.
         */
        public Builder maxResponseHeaderBytes(long n) {
            this.maxResponseHeaderBytes = n;
            return this;
        }

        /**
         * Whether to leave compression alone. When false (the default), {@code Accept-Encoding: gzip} is added to
         * requests that set none (not to HEAD or Range requests), and gzip responses to them are decoded
         * transparently. Go: {@code DisableCompression}.
         */
        public Builder disableCompression(boolean b) {
            this.disableCompression = b;
            return this;
        }

        /** Per-connection read buffer in bytes. Default 4096; must be > 0. */
        public Builder readBufferSize(int n) {
            this.readBufferSize = n;
            return this;
        }

        /** Per-connection write buffer in bytes. Default 4096; must be > 0. */
        public Builder writeBufferSize(int n) {
            this.writeBufferSize = n;
            return this;
        }

        /**
         * How long a connection may live, counted from its dial: past it, the connection is never handed out
         * again; one in use finishes its response and is closed on return, one lying idle is closed by the
         * background maintenance (close reason {@link CloseReason#MAX_LIFETIME}). So traffic moves to new servers
         * after a DNS change, a blue-green switch or a scale-out. Default and 0: no limit. Beyond Go, which keeps
         * connections forever (golang/go#23427).
         */
        public Builder maxConnLifetime(Duration d) {
            this.maxConnLifetime = d;
            return this;
        }

        /**
         * Spreads {@code maxConnLifetime}: each connection's lifetime is {@code maxConnLifetime} minus a random
         * amount in [0, jitter], drawn once when it is dialed, so connections dialed together do not all reconnect
         * at once. Default and 0: none. Must be less than {@code maxConnLifetime} when both are set; without a
         * {@code maxConnLifetime} it has no effect.
         */
        public Builder maxConnLifetimeJitter(Duration d) {
            this.maxConnLifetimeJitter = d;
            return this;
        }

        /**
         * Requests a connection may carry: one that has carried this many is closed when its response is done
         * (close reason {@link CloseReason#MAX_REQUESTS}). Default and 0: no limit. Beyond Go.
         */
        public Builder maxRequestsPerConn(int n) {
            this.maxRequestsPerConn = n;
            return this;
        }

        /**
         * Which idle connection of a key is handed out: {@link LeaseStrategy#LIFO} (default, Go's: the most recently
         * used) or {@link LeaseStrategy#FIFO} (the least recently used, which spreads requests over every idle
         * connection, e.g. over the servers behind a load balancer). Beyond Go.
         */
        public Builder leaseStrategy(LeaseStrategy strategy) {
            this.leaseStrategy = strategy;
            return this;
        }

        /**
         * Requests that may wait per key while it is at {@code maxConnsPerHost}; one more fails at once with
         * {@link PoolExhaustedException}, before anything of it is written. Default and 0: no limit (Go's
         * behaviour, an unbounded queue). Beyond Go.
         */
        public Builder maxWaitingPerHost(int n) {
            this.maxWaitingPerHost = n;
            return this;
        }

        /**
         * Whether a response's {@code Keep-Alive: timeout=N} caps its connection's idle time at N seconds minus one
         * (N of 1 or less: not kept idle; closed as {@code idle-timeout}) and {@code max=M} ends it after M more
         * requests ({@code max-requests}), so the pool stops handing out connections the server is about to close.
         * Default true; false is Go's behaviour (the header is ignored). Beyond Go.
         */
        public Builder respectServerKeepAlive(boolean respect) {
            this.respectServerKeepAlive = respect;
            return this;
        }

        /**
         * Per-host overrides: a key whose target matches an entry's {@link HostOverride#match()} (the first that
         * matches, in this order) takes the entry's settings in place of these (the settings it leaves unset stay
         * these). Matched once per key, not per request. An entry's {@link HostOverride#minIdle()} keeps
         * connections to its target warm. Default: none (every key has the settings above). Beyond Go. Checked by
         * {@link #build()}: an entry's {@code maxConnLifetime} must exceed {@code maxConnLifetimeJitter}, its
         * {@code minIdle} must not exceed its {@code maxConnsPerHost} and needs keep-alives, and the entries'
         * {@code minIdle} must add up to at most {@code maxIdleConns} (when that is greater than 0).
         */
        public Builder hosts(List<HostOverride> hosts) {
            this.hosts = hosts;
            return this;
        }

        /**
         * Whether https connections offer {@code h2} by ALPN (besides {@code http/1.1}); the server's choice
         * decides, and a key whose server picks {@code h2} runs its concurrent requests as streams of one
         * connection. Plain http never uses HTTP/2 (no h2c). Default true. Go: {@code ForceAttemptHTTP2}.
         */
        public Builder http2Enabled(boolean enabled) {
            this.http2Enabled = enabled;
            return this;
        }

        /**
         * A connection held by a request for longer than this (checked out, its response body not yet read to the
         * end nor closed) is reported once: a WARN on the {@code System.Logger} {@code dev.httppool.pool} naming
         * the key and how long it was held, with the stack trace of the code that made the request, and
         * {@link TransportListener#leaked} with {@link LeakDetection#THRESHOLD}. The connection is left alone: a
         * slow download is reported, not cut. While it is on, each request captures its stack when it gets a
         * connection (a few microseconds); when off, nothing is captured. Default and 0: off. Beyond Go.
         *
         * <p>Independently of this, a response that becomes unreachable before its body was read to the end or
         * closed always has its connection closed and its slot under {@code maxConnsPerHost} freed
         * ({@link LeakDetection#UNREACHABLE}).
         */
        public Builder leakDetectionThreshold(Duration d) {
            this.leakDetectionThreshold = d;
            return this;
        }

        /**
         * When an HTTP/2 connection carries as many streams as its server allows
         * ({@code SETTINGS_MAX_CONCURRENT_STREAMS}): false (default) dials another connection, within
         * {@code maxConnsPerHost}; true waits for a stream of the existing connection to end. Go:
         * {@code http2.Transport.StrictMaxConcurrentStreams}.
         */
        public Builder http2StrictMaxConcurrentStreams(boolean strict) {
            this.http2StrictMaxConcurrentStreams = strict;
            return this;
        }

        /**
         * How long an HTTP/2 connection may receive no frame before it sends a PING to check that the server is
         * still there. Default 30 s; 0 means never. Go: {@code http2.Transport.ReadIdleTimeout}.
         */
        public Builder http2PingInterval(Duration d) {
            this.http2PingInterval = d;
            return this;
        }

        /**
         * How long a PING sent by {@code http2PingInterval} may wait for its answer; then the connection is closed
         * (close reason {@link CloseReason#PING_TIMEOUT}) and its streams fail. Default 15 s; must be > 0. Go:
         * {@code http2.Transport.PingTimeout}.
         */
        public Builder http2PingTimeout(Duration d) {
            this.http2PingTimeout = d;
            return this;
        }

        /** Validates and builds; an invalid setting throws {@link IllegalArgumentException} naming it, its rule and its value. */
        public TransportConfig build() {
            return new TransportConfig(this);
        }
    }
}
