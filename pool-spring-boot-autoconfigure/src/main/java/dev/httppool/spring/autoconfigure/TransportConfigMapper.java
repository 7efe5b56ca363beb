package dev.httppool.spring.autoconfigure;

import dev.httppool.HostOverride;
import dev.httppool.InvalidProxyException;
import dev.httppool.LeaseStrategy;
import dev.httppool.ProxyResolver;
import dev.httppool.TransportConfig;
import dev.httppool.Redaction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.util.unit.DataSize;

/**
 * Checks {@link HttpPoolProperties} and maps them, once, into the core's immutable {@link TransportConfig} (and
 * a {@link ProxyResolver}). The
 * core validates too, but names its settings in camelCase; here each rule is checked first so that the message
 * names the property as the user wrote it: {@code http.pool.max-conns-per-host must be >= 0 (0 means no limit),
 * was -1}.
 */
final class TransportConfigMapper {

    private static final String PREFIX = "http.pool.";
    /** A rule of the core's, as it words it: {@code hosts[1].maxConnLifetime must be > maxConnLifetimeJitter ...}. */
    private static final Pattern CORE_RULE = Pattern.compile("(\\S+) must be (.+), was (.*)", Pattern.DOTALL);
    /** A setting's name in the core's messages (camelCase), with an entry's index before it. */
    private static final Pattern SETTING =
            Pattern.compile("\\b((?:hosts\\[[0-9*]+\\]\\.)?)([a-z]+(?:[A-Z][a-z0-9]*)+)\\b");

    private TransportConfigMapper() {
    }

    static TransportConfig map(HttpPoolProperties p) {
        TransportConfig.Builder b = TransportConfig.builder()
                .maxIdleConns(atLeastZero("max-idle-conns", p.getMaxIdleConns(), "0 means no limit"))
                .maxIdleConnsPerHost(maxIdleConnsPerHost("max-idle-conns-per-host", p.getMaxIdleConnsPerHost()))
                .maxConnsPerHost(atLeastZero("max-conns-per-host", p.getMaxConnsPerHost(), "0 means no limit"))
                .idleConnTimeout(atLeastZero("idle-conn-timeout", p.getIdleConnTimeout(), "0 means forever"))
                .connWaitTimeout(atLeastZero("conn-wait-timeout", p.getConnWaitTimeout(), "0 means no limit"))
                .disableKeepAlives(p.isDisableKeepAlives())
                .dialTimeout(positive("dial-timeout", p.getDialTimeout()))
                .tcpKeepAlive(atLeastZero("tcp-keep-alive", p.getTcpKeepAlive(), "0 disables keep-alive probes"))
                .tlsHandshakeTimeout(atLeastZero("tls-handshake-timeout", p.getTlsHandshakeTimeout(),
                        "0 means no limit"))
                .responseHeaderTimeout(atLeastZero("response-header-timeout", p.getResponseHeaderTimeout(),
                        "0 means no limit"))
                .expectContinueTimeout(atLeastZero("expect-continue-timeout", p.getExpectContinueTimeout(),
                        "0 sends the body at once"))
                .maxResponseHeaderBytes(positive("max-response-header-bytes", p.getMaxResponseHeaderBytes(),
                        Long.MAX_VALUE))
                .disableCompression(p.isDisableCompression())
                .readBufferSize((int) positive("read-buffer-size", p.getReadBufferSize(), Integer.MAX_VALUE))
                .writeBufferSize((int) positive("write-buffer-size", p.getWriteBufferSize(), Integer.MAX_VALUE))
                .maxConnLifetime(atLeastZero("max-conn-lifetime", p.getMaxConnLifetime(), "0 means no limit"))
                .maxConnLifetimeJitter(lifetimeJitter(p))
                .maxRequestsPerConn(atLeastZero("max-requests-per-conn", p.getMaxRequestsPerConn(),
                        "0 means no limit"))
                .leaseStrategy(leaseStrategy("lease-strategy", p.getLeaseStrategy()))
                .maxWaitingPerHost(atLeastZero("max-waiting-per-host", p.getMaxWaitingPerHost(), "0 means no limit"))
                .respectServerKeepAlive(p.isRespectServerKeepAlive())
                .leakDetectionThreshold(atLeastZero("leak-detection-threshold", p.getLeakDetectionThreshold(),
                        "0 means off"))
                .hosts(hosts(p))
                .http2Enabled(p.getHttp2().isEnabled())
                .http2StrictMaxConcurrentStreams(p.getHttp2().isStrictMaxConcurrentStreams())
                .http2PingInterval(atLeastZero("http2.ping-interval", p.getHttp2().getPingInterval(), "0 means never"))
                .http2PingTimeout(positive("http2.ping-timeout", p.getHttp2().getPingTimeout()));
        try {
            return b.build();
        } catch (IllegalArgumentException ex) {
            throw inPropertyTerms(ex);
        }
    }

    /**
     * A rule between settings that only the core checks (the other rules are checked above), said in property
     * terms, so start-up stops naming the property as for the others:
     * {@code http.pool.hosts[1].max-conn-lifetime must be > http.pool.max-conn-lifetime-jitter (PT30S), was PT10S}.
     */
    static IllegalArgumentException inPropertyTerms(IllegalArgumentException ex) {
        String message = ex.getMessage() == null ? "" : ex.getMessage();
        Matcher rule = CORE_RULE.matcher(message);
        if (!rule.matches()) {
            return new IllegalArgumentException("invalid http.pool settings: " + message, ex);
        }
        return new InvalidHttpPoolPropertyException(properties(rule.group(1)), properties(rule.group(2)),
                rule.group(3));
    }

    /** Each setting named in {@code text} as its property: {@code maxIdleConns} as {@code http.pool.max-idle-conns}. */
    private static String properties(String text) {
        Matcher m = SETTING.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String kebab = m.group(2).replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
            m.appendReplacement(out, Matcher.quoteReplacement(PREFIX + m.group(1) + kebab));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * The proxy chosen by {@code http.pool.proxy.*}, or null when {@code url} is unset or empty (the transport
     * then uses the JVM's proxy properties, else Go's environment variables, else direct connections). Both
     * properties are checked by the core's strict rules ({@link ProxyResolver#validate}), {@code no-proxy} also
     * when {@code url} is unset; a bad value stops start-up naming the property, the proxy URL with its password
     * masked. The URL is bound as text and read by the core alone, so no other parser (Spring's conversion to
     * {@code URI}) can fail on it first with a message that repeats the password.
     */
    static ProxyResolver proxyResolver(HttpPoolProperties.Proxy proxy) {
        String url = proxy.getUrl() == null || proxy.getUrl().isBlank() ? null : proxy.getUrl();
        String noProxy = proxy.getNoProxy();
        try {
            ProxyResolver.validate(url, noProxy);
        } catch (InvalidProxyException ex) {
            if (ex.setting() == InvalidProxyException.Setting.NO_PROXY) {
                throw new InvalidHttpPoolPropertyException(PREFIX + "proxy.no-proxy",
                        "a comma-separated list of hosts, domains, IP addresses or CIDR ranges", "'" + ex.value() + "'");
            }
            throw new InvalidHttpPoolPropertyException(PREFIX + "proxy.url",
                    "an http:// URI with a host, e.g. http://proxy:3128", ex.value());
        }
        return url == null ? null : ProxyResolver.fixed(url, noProxy);
    }

    /** The jitter, shorter than the lifetime when both are set (checked after the lifetime itself). */
    private static Duration lifetimeJitter(HttpPoolProperties p) {
        Duration jitter = atLeastZero("max-conn-lifetime-jitter", p.getMaxConnLifetimeJitter(), "0 means none");
        Duration lifetime = p.getMaxConnLifetime();
        if (!lifetime.isZero() && !jitter.isZero() && jitter.compareTo(lifetime) >= 0) {
            throw new InvalidHttpPoolPropertyException(PREFIX + "max-conn-lifetime-jitter",
                    "< " + PREFIX + "max-conn-lifetime (" + format(lifetime) + ")", format(jitter));
        }
        return jitter;
    }

    /**
     * The {@code http.pool.hosts} entries, each checked with its index in the property names:
     * {@code http.pool.hosts[1].max-conns-per-host must be >= 0 (0 means no limit), was -1}. The match and the
     * min-idle rule are the core's ({@link HostOverride}); a bad match is reported naming the forms.
     */
    private static List<HostOverride> hosts(HttpPoolProperties p) {
        List<HostOverride> hosts = new ArrayList<>(p.getHosts().size());
        for (int i = 0; i < p.getHosts().size(); i++) {
            hosts.add(host("hosts[" + i + "].", p.getHosts().get(i), p.getMaxConnsPerHost()));
        }
        return hosts;
    }

    private static HostOverride host(String name, HttpPoolHostProperties h, int globalMaxConnsPerHost) {
        String match = h.getMatch() == null ? "" : h.getMatch().trim();
        try {
            HostOverride.builder(match).build();
        } catch (IllegalArgumentException ex) {
            throw new InvalidHttpPoolPropertyException(PREFIX + name + "match",
                    "host, host:port, *.domain or scheme://host[:port]",
                    match.isEmpty() ? "nothing (the property is empty)" : "'" + Redaction.redact(match) + "'");
        }
        HostOverride.Builder b = HostOverride.builder(match);
        if (h.getMaxIdleConnsPerHost() != null) {
            b.maxIdleConnsPerHost(maxIdleConnsPerHost(name + "max-idle-conns-per-host", h.getMaxIdleConnsPerHost()));
        }
        if (h.getMaxConnsPerHost() != null) {
            b.maxConnsPerHost(atLeastZero(name + "max-conns-per-host", h.getMaxConnsPerHost(), "0 means no limit"));
        }
        if (h.getMaxWaitingPerHost() != null) {
            b.maxWaitingPerHost(atLeastZero(name + "max-waiting-per-host", h.getMaxWaitingPerHost(),
                    "0 means no limit"));
        }
        if (h.getIdleConnTimeout() != null) {
            b.idleConnTimeout(atLeastZero(name + "idle-conn-timeout", h.getIdleConnTimeout(), "0 means forever"));
        }
        if (h.getConnWaitTimeout() != null) {
            b.connWaitTimeout(atLeastZero(name + "conn-wait-timeout", h.getConnWaitTimeout(), "0 means no limit"));
        }
        if (h.getMaxConnLifetime() != null) {
            b.maxConnLifetime(atLeastZero(name + "max-conn-lifetime", h.getMaxConnLifetime(), "0 means no limit"));
        }
        if (h.getMaxRequestsPerConn() != null) {
            b.maxRequestsPerConn(atLeastZero(name + "max-requests-per-conn", h.getMaxRequestsPerConn(),
                    "0 means no limit"));
        }
        if (h.getLeaseStrategy() != null) {
            b.leaseStrategy(leaseStrategy(name + "lease-strategy", h.getLeaseStrategy()));
        }
        int minIdle = atLeastZero(name + "min-idle", h.getMinIdle(), "0 keeps none");
        if (minIdle > 0) {
            try {
                HostOverride.builder(match).minIdle(minIdle).build();
            } catch (IllegalArgumentException ex) {
                throw new InvalidHttpPoolPropertyException(PREFIX + name + "min-idle",
                        "0 unless match is a base URL scheme://host[:port] (a target to dial)",
                        Integer.toString(minIdle));
            }
            int maxConns = h.getMaxConnsPerHost() != null ? h.getMaxConnsPerHost() : globalMaxConnsPerHost;
            if (maxConns > 0 && minIdle > maxConns) {
                throw new InvalidHttpPoolPropertyException(PREFIX + name + "min-idle",
                        "<= max-conns-per-host (" + maxConns + ")", Integer.toString(minIdle));
            }
        }
        return b.minIdle(minIdle).build();
    }

    /** {@code lifo} or {@code fifo}, in any case. */
    private static LeaseStrategy leaseStrategy(String name, String value) {
        String v = value == null ? "" : value.trim();
        for (LeaseStrategy strategy : LeaseStrategy.values()) {
            if (strategy.tag().equalsIgnoreCase(v)) {
                return strategy;
            }
        }
        throw new InvalidHttpPoolPropertyException(PREFIX + name, "lifo or fifo",
                v.isEmpty() ? "nothing (the property is empty)" : v);
    }

    /** {@code auto} (the core's {@link TransportConfig#AUTO_IDLE_CONNS_PER_HOST}) or an integer >= 0. */
    private static int maxIdleConnsPerHost(String name, String value) {
        String v = value == null ? "" : value.trim();
        if (v.equalsIgnoreCase("auto")) {
            return TransportConfig.AUTO_IDLE_CONNS_PER_HOST;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException ex) {
            // reported below
        }
        throw new InvalidHttpPoolPropertyException(PREFIX + name,
                ">= 0 (0 means keep none) or auto", v.isEmpty() ? "nothing (the property is empty)" : v);
    }

    private static int atLeastZero(String name, int value, String meaning) {
        if (value < 0) {
            throw new InvalidHttpPoolPropertyException(PREFIX + name, ">= 0 (" + meaning + ")", Integer.toString(value));
        }
        return value;
    }

    private static Duration atLeastZero(String name, Duration value, String meaning) {
        if (value == null || value.isNegative()) {
            throw new InvalidHttpPoolPropertyException(PREFIX + name, ">= 0 (" + meaning + ")", format(value));
        }
        return value;
    }

    private static Duration positive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new InvalidHttpPoolPropertyException(PREFIX + name, "> 0", format(value));
        }
        return value;
    }

    private static long positive(String name, DataSize value, long max) {
        if (value == null || value.toBytes() <= 0) {
            throw new InvalidHttpPoolPropertyException(PREFIX + name, "> 0", String.valueOf(value));
        }
        if (value.toBytes() > max) {
            throw new InvalidHttpPoolPropertyException(PREFIX + name, "at most " + max + "B", value.toString());
        }
        return value.toBytes();
    }

    /** A duration as a user would write it in application.yml: {@code -1s}, {@code 250ms}, {@code 90s}. */
    static String format(Duration d) {
        if (d == null) {
            return "nothing (the property is empty)";
        }
        if (d.getNano() % 1_000_000 != 0) {
            return d.toString();
        }
        long ms = d.toMillis();
        if (ms == 0) {
            return "0s";
        }
        long[] sizes = { 86_400_000L, 3_600_000L, 60_000L, 1_000L };
        String[] units = { "d", "h", "m", "s" };
        for (int i = 0; i < sizes.length; i++) {
            if (ms % sizes[i] == 0) {
                return ms / sizes[i] + units[i];
            }
        }
        return ms + "ms";
    }
}
