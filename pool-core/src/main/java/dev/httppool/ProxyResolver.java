package dev.httppool;

import dev.httppool.internal.net.Hosts;
import dev.httppool.internal.net.Mode;
import dev.httppool.internal.net.NoProxy;
import dev.httppool.internal.net.Ports;
import dev.httppool.internal.net.ProxyUrl;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * Chooses the proxy for a request, Go's {@code Transport.Proxy}: the proxy's URI (which may carry
 * {@code user:password} for Basic proxy authentication), or null for a direct connection. Only {@code http}
 * proxies are supported: plain-http targets are sent to them in absolute form, https targets through a
 * {@code CONNECT} tunnel.
 */
@FunctionalInterface
public interface ProxyResolver {

    /** The proxy for a request to {@code target}, or null to connect directly. */
    URI proxyFor(URI target);

    /** Always direct. */
    static ProxyResolver direct() {
        return target -> null;
    }

    /**
     * Every request through {@code proxyUrl} (scheme defaults to http), except targets matching
     * {@code noProxy} (NO_PROXY syntax; may be null). Loopback targets are proxied too, as asked. Both values
     * are configuration, so both are checked strictly, as {@link #validate} checks them.
     *
     * @throws InvalidProxyException naming the bad value (password masked) and the rule it breaks
     */
    static ProxyResolver fixed(String proxyUrl, String noProxy) {
        URI proxy = ProxyUrl.parse(Objects.requireNonNull(proxyUrl, "proxyUrl"), Mode.STRICT);
        NoProxy bypass = NoProxy.parse(noProxy, Mode.STRICT);
        return target -> bypass.matches(target.getHost(), Ports.of(target)) ? null : proxy;
    }

    /**
     * Checks proxy settings given as configuration without building a resolver, for start-up validation:
     * {@code proxyUrl} must be an {@code http} URI (a value without a scheme means {@code http://}) with a host
     * and, if it names one, a port of 1-65535; every {@code noProxy} entry must be {@code *}, a domain
     * ({@code example.com}, {@code .example.com}, {@code *.example.com}) or IPv4 address optionally with
     * {@code :port}, an IPv6 address (with a port only in brackets: {@code [::1]:8080}) or a CIDR range with a
     * prefix of 0-32 or 0-128. Either may be null (not set). {@link #fromEnvironment} reads the same syntax
     * leniently, as Go does: an entry that breaks these rules is kept and never matches.
     *
     * @throws InvalidProxyException for the first bad value: the proxy URL first, then the NO_PROXY entries in
     *     order, e.g. {@code NO_PROXY entry 'example.com:99999': port must be 1-65535}
     */
    static void validate(String proxyUrl, String noProxy) {
        if (proxyUrl != null) {
            ProxyUrl.parse(proxyUrl, Mode.STRICT);
        }
        NoProxy.parse(noProxy, Mode.STRICT);
    }

    /**
     * Go's {@code ProxyFromEnvironment} over the given variables: {@code HTTP_PROXY} for http targets and
     * {@code HTTPS_PROXY} for https targets (lower-case variants too; a value without a scheme means
     * {@code http://}), minus {@code NO_PROXY}; {@code localhost} and loopback addresses are never proxied.
     * Values are read as Go reads them: a proxy value that is not a URI is ignored, and a {@code NO_PROXY}
     * entry that does not parse never matches. A proxy URI this library cannot use (not {@code http}, no host,
     * a port out of range) is refused with an {@link InvalidProxyException} rather than ignored.
     */
    static ProxyResolver fromEnvironment(Map<String, String> env) {
        URI http = envProxy(env, "HTTP_PROXY");
        URI https = envProxy(env, "HTTPS_PROXY");
        NoProxy bypass = NoProxy.parse(envValue(env, "NO_PROXY"), Mode.LENIENT);
        if (http == null && https == null) {
            return direct();
        }
        return target -> {
            String host = target.getHost();
            if (Hosts.isLoopback(host) || bypass.matches(host, Ports.of(target))) {
                return null;
            }
            return "https".equalsIgnoreCase(target.getScheme()) ? https : http;
        };
    }

    /**
     * The JVM's proxy properties: {@code http.proxyHost}/{@code http.proxyPort} (default 80) for http targets,
     * {@code https.proxyHost}/{@code https.proxyPort} (default 443) for https targets, and
     * {@code http.nonProxyHosts} ({@code |}-separated, {@code *} wildcards at either end; by default
     * localhost and loopback addresses) for both.
     */
    static ProxyResolver fromSystemProperties(Properties props) {
        URI http = propProxy(props, "http");
        URI https = propProxy(props, "https");
        if (http == null && https == null) {
            return direct();
        }
        String nonProxy = props.getProperty("http.nonProxyHosts", "localhost|127.*|[::1]|0.0.0.0|[::0]");
        List<String> patterns = new ArrayList<>();
        for (String p : nonProxy.split("\\|")) {
            String t = p.trim().toLowerCase(Locale.ROOT);
            if (!t.isEmpty()) {
                patterns.add(t.startsWith("[") && t.endsWith("]") ? t.substring(1, t.length() - 1) : t);
            }
        }
        return target -> {
            String host = Hosts.hostOf(target);
            for (String p : patterns) {
                if (wildcardMatches(p, host)) {
                    return null;
                }
            }
            return "https".equalsIgnoreCase(target.getScheme()) ? https : http;
        };
    }

    /**
     * The default: the JVM's proxy properties when {@code http.proxyHost} or {@code https.proxyHost} is set,
     * otherwise the process environment (Go's rules), otherwise direct. Read once, when called.
     */
    static ProxyResolver system() {
        Properties props = System.getProperties();
        if (props.getProperty("http.proxyHost") != null || props.getProperty("https.proxyHost") != null) {
            return fromSystemProperties(props);
        }
        return fromEnvironment(System.getenv());
    }

    private static URI envProxy(Map<String, String> env, String name) {
        String v = envValue(env, name);
        return v == null ? null : ProxyUrl.parse(v, Mode.LENIENT);
    }

    private static String envValue(Map<String, String> env, String name) {
        String v = env.get(name);
        return v != null && !v.isEmpty() ? v : env.get(name.toLowerCase(Locale.ROOT));
    }

    private static URI propProxy(Properties props, String scheme) {
        String host = props.getProperty(scheme + ".proxyHost");
        if (host == null || host.isBlank()) {
            return null;
        }
        String port = props.getProperty(scheme + ".proxyPort", Integer.toString(Ports.defaultPort(scheme)));
        return ProxyUrl.parse("http://" + host.trim() + ":" + port.trim(), Mode.STRICT);
    }

    private static boolean wildcardMatches(String pattern, String host) {
        if (pattern.equals("*")) {
            return true;
        }
        if (pattern.startsWith("*")) {
            return host.endsWith(pattern.substring(1));
        }
        if (pattern.endsWith("*")) {
            return host.startsWith(pattern.substring(0, pattern.length() - 1));
        }
        return host.equals(pattern);
    }
}
