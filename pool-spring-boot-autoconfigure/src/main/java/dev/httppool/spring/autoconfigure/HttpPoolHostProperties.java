package dev.httppool.spring.autoconfigure;

import java.time.Duration;

/**
 * One entry of {@code http.pool.hosts}: settings for the hosts its {@code match} names, in place of the global
 * {@code http.pool.*} ones. A setting left unset stays global. Mapped into the core's {@code HostOverride}.
 */
public class HttpPoolHostProperties {

    /**
     * Which hosts the entry applies to: "host", "host:port", "*.domain" (any subdomain, not the domain itself) or a
     * base URL "scheme://host[:port]" (http or https, the port defaulted by the scheme). Case does not matter; an
     * internationalised name matches its punycode. The first matching entry wins.
     */
    private String match;

    /** Idle connections kept per host for this entry, "auto" or an integer >= 0. Unset: the global value. */
    private String maxIdleConnsPerHost;

    /** Connections per host for this entry (dialing, active and idle); 0 means no limit. Unset: the global value. */
    private Integer maxConnsPerHost;

    /** Requests that may wait per host for this entry at max-conns-per-host; 0 means no limit. Unset: global. */
    private Integer maxWaitingPerHost;

    /** How long a connection of this entry may stay idle; 0 keeps it forever. Unset: the global value. */
    private Duration idleConnTimeout;

    /** Longest wait for a connection of this entry at max-conns-per-host; 0 means no limit. Unset: global. */
    private Duration connWaitTimeout;

    /**
     * How long a connection of this entry may live since its dial; 0 means no limit. Unset: the global value. The
     * global max-conn-lifetime-jitter applies and must be less than it.
     */
    private Duration maxConnLifetime;

    /** Requests a connection of this entry carries before it is closed; 0 means no limit. Unset: global. */
    private Integer maxRequestsPerConn;

    /** Which idle connection of this entry is handed out next: "lifo" or "fifo". Unset: the global value. */
    private String leaseStrategy;

    /**
     * Connections kept open to the entry's target, dialed in the background at start-up and again whenever one
     * closes (failed dials retried after 100 ms, doubling up to 30 s). Only for a match in base-URL form
     * "scheme://host[:port]"; at most the entry's max-conns-per-host. 0 keeps none.
     */
    private int minIdle = 0;

    public String getMatch() {
        return match;
    }

    public void setMatch(String match) {
        this.match = match;
    }

    public String getMaxIdleConnsPerHost() {
        return maxIdleConnsPerHost;
    }

    public void setMaxIdleConnsPerHost(String maxIdleConnsPerHost) {
        this.maxIdleConnsPerHost = maxIdleConnsPerHost;
    }

    public Integer getMaxConnsPerHost() {
        return maxConnsPerHost;
    }

    public void setMaxConnsPerHost(Integer maxConnsPerHost) {
        this.maxConnsPerHost = maxConnsPerHost;
    }

    public Integer getMaxWaitingPerHost() {
        return maxWaitingPerHost;
    }

    public void setMaxWaitingPerHost(Integer maxWaitingPerHost) {
        this.maxWaitingPerHost = maxWaitingPerHost;
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

    public Duration getMaxConnLifetime() {
        return maxConnLifetime;
    }

    public void setMaxConnLifetime(Duration maxConnLifetime) {
        this.maxConnLifetime = maxConnLifetime;
    }

    public Integer getMaxRequestsPerConn() {
        return maxRequestsPerConn;
    }

    public void setMaxRequestsPerConn(Integer maxRequestsPerConn) {
        this.maxRequestsPerConn = maxRequestsPerConn;
    }

    public String getLeaseStrategy() {
        return leaseStrategy;
    }

    public void setLeaseStrategy(String leaseStrategy) {
        this.leaseStrategy = leaseStrategy;
    }

    public int getMinIdle() {
        return minIdle;
    }

    public void setMinIdle(int minIdle) {
        this.minIdle = minIdle;
    }
}
