package dev.httppool;

import dev.httppool.internal.net.NoProxy;
import dev.httppool.internal.net.Proxies;

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
     * {@code noProxy} (NO_PROXY syntax; may be null). Loopback targets are proxied too, as asked.
     */
    static ProxyResolver fixed(String proxyUrl, String noProxy) {
        URI proxy = Proxies.parse(Objects.requireNonNull(proxyUrl, "proxyUrl"));
        NoProxy bypass = NoProxy.parse(noProxy);
        return target -> bypass.matches(hostOf(target), portOf(target)) ? null : proxy;
    }

    /**
     * Go's {@code ProxyFromEnvironment} over the given variables: {@code HTTP_PROXY} for http targets and
     * {@code HTTPS_PROXY} for https targets (lower-case variants too; a value without a scheme means
     * {@code http://}), minus {@code NO_PROXY}; {@code localhost} and loopback addresses are never proxied.
     */
    static ProxyResolver fromEnvironment(Map<String, String> env) {
        URI http = envProxy(env, "HTTP_PROXY");
        URI https = envProxy(env, "HTTPS_PROXY");
        NoProxy bypass = NoProxy.parse(envValue(env, "NO_PROXY"));
        if (http == null && https == null) {
            return direct();
        }
        return target -> {
            String host = hostOf(target);
            if (isLoopback(host) || bypass.matches(host, portOf(target))) {
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
        URI http = propProxy(props, "http", 80);
        URI https = propProxy(props, "https", 443);
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
            String host = hostOf(target).toLowerCase(Locale.ROOT);
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
        return v == null || v.isBlank() ? null : Proxies.parse(v);
    }

    private static String envValue(Map<String, String> env, String name) {
        String v = env.get(name);
        return v != null && !v.isEmpty() ? v : env.get(name.toLowerCase(Locale.ROOT));
    }

    private static URI propProxy(Properties props, String scheme, int defaultPort) {
        String host = props.getProperty(scheme + ".proxyHost");
        if (host == null || host.isBlank()) {
            return null;
        }
        String port = props.getProperty(scheme + ".proxyPort", Integer.toString(defaultPort));
        return Proxies.parse("http://" + host.trim() + ":" + port.trim());
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

    private static String hostOf(URI target) {
        String h = target.getHost();
        return h.startsWith("[") ? h.substring(1, h.length() - 1) : h;
    }

    private static int portOf(URI target) {
        int p = target.getPort();
        return p >= 0 ? p : "https".equalsIgnoreCase(target.getScheme()) ? 443 : 80;
    }

    private static boolean isLoopback(String host) {
        if (host.equalsIgnoreCase("localhost") || host.toLowerCase(Locale.ROOT).endsWith(".localhost")) {
            return true;
        }
        byte[] ip = NoProxy.ipLiteral(host);
        if (ip == null) {
            return false;
        }
        if (ip.length == 4) {
            return ip[0] == 127;
        }
        for (int i = 0; i < 15; i++) {
            if (ip[i] != 0) {
                return false;
            }
        }
        return ip[15] == 1;
    }
}
