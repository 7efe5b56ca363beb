package dev.httppool.spring.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the shared pooled transport, named after the fields of Go's {@code http.Transport}. They are
 * checked and mapped once, at start-up, into the core's immutable {@code TransportConfig}; a value out of range
 * stops the application with a message naming the property, the rule and the value.
 */
@ConfigurationProperties("http.pool")
public class HttpPoolProperties {

    /**
     * Whether to auto-configure the shared pooled transport and send the HTTP clients built by Spring Boot's
     * auto-configured builders through it. When off, Spring Boot picks its request factory as usual.
     */
    private boolean enabled = true;

    /**
     * Maximum number of idle connections kept across all hosts; when exceeded, the least recently used idle
     * connection is closed. 0 means no limit. Go: MaxIdleConns.
     */
    private int maxIdleConns = 100;

    /**
     * Maximum number of idle connections kept per host (pool key), "auto" or an integer >= 0. "auto" keeps as
     * many as the host had in use at once during the last idle-conn-timeout (90s when that is 0), at least 2 and
     * at most max-idle-conns, so bursts reuse connections instead of closing and re-dialing them. An integer keeps
     * Go's meaning: a connection returned to a full list is closed, and 0 keeps none. Go: MaxIdleConnsPerHost
     * (whose default is 2).
     */
    private String maxIdleConnsPerHost = "auto";

    /**
     * Maximum number of connections per host (pool key), counting dialing, active and idle ones; requests over the
     * limit wait in a first-in first-out queue. 0 means no limit. Go: MaxConnsPerHost.
     */
    private int maxConnsPerHost = 0;

    /** How long a connection may stay idle before it is closed. 0 keeps idle connections forever. Go: IdleConnTimeout. */
    private Duration idleConnTimeout = Duration.ofSeconds(90);

    /**
     * Longest wait for a connection once max-conns-per-host is reached; on expiry the request fails with an error
     * that names the host and shows the pool's counts. 0 means no limit.
     */
    private Duration connWaitTimeout = Duration.ZERO;

    /** Whether to use each connection for one request only, sending "Connection: close". Go: DisableKeepAlives. */
    private boolean disableKeepAlives = false;

    /**
     * TCP connect timeout of each dial; must be positive. When "spring.http.clients.connect-timeout" is set, that
     * value is the shared transport's dial timeout instead, since Spring Boot's HTTP clients send through it. Go:
     * net.Dialer.Timeout.
     */
    private Duration dialTimeout = Duration.ofSeconds(30);

    /** Interval of TCP keep-alive probes on open connections. 0 disables the probes. Go: net.Dialer.KeepAlive. */
    private Duration tcpKeepAlive = Duration.ofSeconds(30);

    /** Limit on the TLS handshake of a new connection. 0 means no limit. Go: TLSHandshakeTimeout. */
    private Duration tlsHandshakeTimeout = Duration.ofSeconds(10);

    /**
     * Limit on the wait for a response's headers once the request has been written. 0 means no limit. Go:
     * ResponseHeaderTimeout.
     */
    private Duration responseHeaderTimeout = Duration.ZERO;

    /**
     * For requests that send "Expect: 100-continue", how long to wait for "100 Continue" before sending the body
     * anyway. 0 sends the body at once. Go: ExpectContinueTimeout.
     */
    private Duration expectContinueTimeout = Duration.ofSeconds(1);

    /** Limit on the size of a response's status line and headers; must be positive. Go: MaxResponseHeaderBytes. */
    private DataSize maxResponseHeaderBytes = DataSize.ofMegabytes(10);

    /**
     * Whether to leave compression to the caller. When off, "Accept-Encoding: gzip" is added to requests that set
     * no Accept-Encoding, and gzip responses to them are decoded transparently. Go: DisableCompression.
     */
    private boolean disableCompression = false;

    /** Size of each connection's read buffer; must be positive. */
    private DataSize readBufferSize = DataSize.ofKilobytes(4);

    /** Size of each connection's write buffer; must be positive. */
    private DataSize writeBufferSize = DataSize.ofKilobytes(4);

    /**
     * How long a connection may live, counted from its dial: past it, the connection is never handed out again;
     * one in use finishes its response and is closed on return, one lying idle is closed in the background. So
     * traffic moves to new servers after a DNS change, a blue-green switch or a scale-out. 0 means no limit.
     */
    private Duration maxConnLifetime = Duration.ZERO;

    /**
     * Each connection's lifetime is max-conn-lifetime minus a random amount up to this, drawn once per connection,
     * so that connections dialed together do not all reconnect at once. Must be less than max-conn-lifetime when
     * both are set. 0 means none.
     */
    private Duration maxConnLifetimeJitter = Duration.ZERO;

    /**
     * Maximum number of requests a connection carries; one that has carried this many is closed when its response
     * is done. 0 means no limit.
     */
    private int maxRequestsPerConn = 0;

    /**
     * Which idle connection of a host is handed out next: "lifo" (Go's: the most recently used) or "fifo" (the
     * least recently used, which spreads requests over every idle connection, e.g. over the servers behind a load
     * balancer that each connection landed on).
     */
    private String leaseStrategy = "lifo";

    /**
     * Maximum number of requests that wait per host while it is at max-conns-per-host; one more fails at once with
     * PoolExhaustedException instead of queueing. 0 means no limit (an unbounded queue, as in Go).
     */
    private int maxWaitingPerHost = 0;

    /**
     * Whether a response header "Keep-Alive: timeout=N" caps that connection's idle time at N seconds minus 1
     * (N of 1 or less: not kept idle) and "max=M" closes it after M more requests, so that no request is sent on a
     * connection the server is about to close. False ignores the header, as Go does.
     */
    private boolean respectServerKeepAlive = true;

    /**
     * A connection held by a request for longer than this (its response body neither read to the end nor closed)
     * is reported once: a WARN naming the host and how long it was held, with the stack trace of the code that
     * made the request, and the http.pool.leaks meter. The stack is captured only while this is set. 0 means off.
     * Independently of it, a response dropped without its body being read or closed always has its connection
     * closed and its place under max-conns-per-host freed.
     */
    private Duration leakDetectionThreshold = Duration.ZERO;

    /**
     * Per-host overrides, a list: each entry's "match" ("host", "host:port", "*.domain" or a base URL
     * "scheme://host[:port]") picks the hosts that take its settings instead of the global ones:
     * max-idle-conns-per-host, max-conns-per-host, max-waiting-per-host, idle-conn-timeout, conn-wait-timeout,
     * max-conn-lifetime, max-requests-per-conn, lease-strategy, and min-idle (connections kept open to a base URL's
     * target, dialed at start-up and again when they close). The first matching entry wins; settings an entry
     * leaves unset stay global.
     */
    private final List<HttpPoolHostProperties> hosts = new ArrayList<>();

    private final Proxy proxy = new Proxy();

    private final Metrics metrics = new Metrics();

    private final Http2 http2 = new Http2();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public int getMaxIdleConns() {
        return maxIdleConns;
    }

    public void setMaxIdleConns(int maxIdleConns) {
        this.maxIdleConns = maxIdleConns;
    }

    public String getMaxIdleConnsPerHost() {
        return maxIdleConnsPerHost;
    }

    public void setMaxIdleConnsPerHost(String maxIdleConnsPerHost) {
        this.maxIdleConnsPerHost = maxIdleConnsPerHost;
    }

    public int getMaxConnsPerHost() {
        return maxConnsPerHost;
    }

    public void setMaxConnsPerHost(int maxConnsPerHost) {
        this.maxConnsPerHost = maxConnsPerHost;
    }

    public Duration getIdleConnTimeout() {
        return idleConnTimeout;
    }

    public void setIdleConnTimeout(Duration idleConnTimeout) {
        this.idleConnTimeout = idleConnTimeout;
    }

    public Duration getConnWaitTimeout() {
        return connWaitTimeout;
    }

    public void setConnWaitTimeout(Duration connWaitTimeout) {
        this.connWaitTimeout = connWaitTimeout;
    }

    public boolean isDisableKeepAlives() {
        return disableKeepAlives;
    }

    public void setDisableKeepAlives(boolean disableKeepAlives) {
        this.disableKeepAlives = disableKeepAlives;
    }

    public Duration getDialTimeout() {
        return dialTimeout;
    }

    public void setDialTimeout(Duration dialTimeout) {
        this.dialTimeout = dialTimeout;
    }

    public Duration getTcpKeepAlive() {
        return tcpKeepAlive;
    }

    public void setTcpKeepAlive(Duration tcpKeepAlive) {
        this.tcpKeepAlive = tcpKeepAlive;
    }

    public Duration getTlsHandshakeTimeout() {
        return tlsHandshakeTimeout;
    }

    public void setTlsHandshakeTimeout(Duration tlsHandshakeTimeout) {
        this.tlsHandshakeTimeout = tlsHandshakeTimeout;
    }

    public Duration getResponseHeaderTimeout() {
        return responseHeaderTimeout;
    }

    public void setResponseHeaderTimeout(Duration responseHeaderTimeout) {
        this.responseHeaderTimeout = responseHeaderTimeout;
    }

    public Duration getExpectContinueTimeout() {
        return expectContinueTimeout;
    }

    public void setExpectContinueTimeout(Duration expectContinueTimeout) {
        this.expectContinueTimeout = expectContinueTimeout;
    }

    public DataSize getMaxResponseHeaderBytes() {
        return maxResponseHeaderBytes;
    }

    public void setMaxResponseHeaderBytes(DataSize maxResponseHeaderBytes) {
        this.maxResponseHeaderBytes = maxResponseHeaderBytes;
    }

    public boolean isDisableCompression() {
        return disableCompression;
    }

    public void setDisableCompression(boolean disableCompression) {
        this.disableCompression = disableCompression;
    }

    public DataSize getReadBufferSize() {
        return readBufferSize;
    }

    public void setReadBufferSize(DataSize readBufferSize) {
        this.readBufferSize = readBufferSize;
    }

    public DataSize getWriteBufferSize() {
        return writeBufferSize;
    }

    public void setWriteBufferSize(DataSize writeBufferSize) {
        this.writeBufferSize = writeBufferSize;
    }

    public Duration getMaxConnLifetime() {
        return maxConnLifetime;
    }

    public void setMaxConnLifetime(Duration maxConnLifetime) {
        this.maxConnLifetime = maxConnLifetime;
    }

    public Duration getMaxConnLifetimeJitter() {
        return maxConnLifetimeJitter;
    }

    public void setMaxConnLifetimeJitter(Duration maxConnLifetimeJitter) {
        this.maxConnLifetimeJitter = maxConnLifetimeJitter;
    }

    public int getMaxRequestsPerConn() {
        return maxRequestsPerConn;
    }

    public void setMaxRequestsPerConn(int maxRequestsPerConn) {
        this.maxRequestsPerConn = maxRequestsPerConn;
    }

    public String getLeaseStrategy() {
        return this.leaseStrategy;
    }

    public void setLeaseStrategy(String leaseStrategy) {
        this.leaseStrategy = leaseStrategy;
    }

    public int getMaxWaitingPerHost() {
        return this.maxWaitingPerHost;
    }

    public void setMaxWaitingPerHost(int maxWaitingPerHost) {
        this.maxWaitingPerHost = maxWaitingPerHost;
    }

    public boolean isRespectServerKeepAlive() {
        return this.respectServerKeepAlive;
    }

    public void setRespectServerKeepAlive(boolean respectServerKeepAlive) {
        this.respectServerKeepAlive = respectServerKeepAlive;
    }

    public Duration getLeakDetectionThreshold() {
        return leakDetectionThreshold;
    }

    public void setLeakDetectionThreshold(Duration leakDetectionThreshold) {
        this.leakDetectionThreshold = leakDetectionThreshold;
    }

    public List<HttpPoolHostProperties> getHosts() {
        return hosts;
    }

    public Proxy getProxy() {
        return proxy;
    }

    public Metrics getMetrics() {
        return metrics;
    }

    public Http2 getHttp2() {
        return http2;
    }

    /** HTTP/2, which https servers that offer it by ALPN are spoken to in, with nothing else to configure. */
    public static class Http2 {

        /**
         * Whether https connections offer "h2" by ALPN besides "http/1.1"; the server's choice decides, and a host
         * that picks HTTP/2 runs its concurrent requests as streams of one connection. Plain http never uses
         * HTTP/2. Go: ForceAttemptHTTP2.
         */
        private boolean enabled = true;

        /**
         * When an HTTP/2 connection carries as many streams as its server allows: false dials another connection
         * (within max-conns-per-host), true waits for a stream to end. Go: StrictMaxConcurrentStreams.
         */
        private boolean strictMaxConcurrentStreams = false;

        /**
         * How long an HTTP/2 connection may receive nothing before a PING checks that the server is still there. 0
         * means never. Go: ReadIdleTimeout.
         */
        private Duration pingInterval = Duration.ofSeconds(30);

        /**
         * How long that PING may go unanswered before the connection is closed (close reason "ping-timeout") and
         * its requests fail; must be positive. Go: PingTimeout.
         */
        private Duration pingTimeout = Duration.ofSeconds(15);

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public boolean isStrictMaxConcurrentStreams() {
            return strictMaxConcurrentStreams;
        }

        public void setStrictMaxConcurrentStreams(boolean strictMaxConcurrentStreams) {
            this.strictMaxConcurrentStreams = strictMaxConcurrentStreams;
        }

        public Duration getPingInterval() {
            return pingInterval;
        }

        public void setPingInterval(Duration pingInterval) {
            this.pingInterval = pingInterval;
        }

        public Duration getPingTimeout() {
            return pingTimeout;
        }

        public void setPingTimeout(Duration pingTimeout) {
            this.pingTimeout = pingTimeout;
        }
    }

    /** The proxy for outgoing requests. */
    public static class Proxy {

        /**
         * Proxy for all requests, for example "http://user:secret@proxy:3128" (only http proxies; https targets are
         * tunnelled with CONNECT). When unset: the JVM's proxy system properties if set, else HTTP_PROXY,
         * HTTPS_PROXY and NO_PROXY as Go's ProxyFromEnvironment reads them, else direct connections. Credentials
         * are never shown, also not when the value is invalid. A password with characters that are not allowed in
         * a URI must be percent-encoded ("p%40ss" for "p@ss").
         */
        private String url;

        /**
         * Comma-separated hosts, domains, IP addresses or CIDR ranges that bypass "http.pool.proxy.url" (NO_PROXY
         * syntax).
         */
        private String noProxy;

        public String getUrl() {
            return url;
        }

        public void setUrl(String url) {
            this.url = url;
        }

        public String getNoProxy() {
            return noProxy;
        }

        public void setNoProxy(String noProxy) {
            this.noProxy = noProxy;
        }
    }

    /** The http.pool.* meters. */
    public static class Metrics {

        /**
         * Whether meters carry the "key" tag (one series per host). Turn off for applications that call an
         * unbounded number of hosts.
         */
        private boolean perKey = true;

        public boolean isPerKey() {
            return perKey;
        }

        public void setPerKey(boolean perKey) {
            this.perKey = perKey;
        }
    }
}
