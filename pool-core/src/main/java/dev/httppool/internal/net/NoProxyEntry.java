package dev.httppool.internal.net;

import dev.httppool.InvalidProxyException;
import java.util.Arrays;
import java.util.Locale;

/**
 * One {@code NO_PROXY} entry. {@link #parse} reads it as Go's {@code httpproxy} does, in this order: a CIDR range
 * ({@code 10.0.0.0/8}, {@code fd00::/8}); {@code host:port} split as Go's {@code net.SplitHostPort} splits it
 * ({@code [::1]:8080}, {@code api.test:8080}); an IP address ({@code 192.168.1.5}, {@code ::1}); otherwise a
 * domain ({@code example.com}, {@code .example.com}, {@code *.example.com}) in punycode. What does not parse is
 * kept the way Go keeps it, as a domain that no real host has, so it never matches ({@code 10.0.0.0/33},
 * {@code exa mple.com}); a port is compared as text, so {@code example.com:99999} never matches. One deviation:
 * a bracketed IPv6 address without a port ({@code [fd00::1]}) is read as that address, where Go keeps a domain
 * that never matches.
 *
 * <p>{@link #check} is the strict syntax, for configuration: it refuses what Go would silently never match.
 */
final class NoProxyEntry {

    private static final String HOST_RULE = "host must be a domain name (letters, digits, '-', '_' and '.')"
            + " or an IP address";

    /** A CIDR range's network, or the address of an IP entry; null for a domain. */
    private final byte[] ip;
    /** The prefix length of a CIDR range; -1 for an IP entry or a domain. */
    private final int prefix;
    /** A domain as a suffix with its leading dot ({@code .example.com}); null for an IP or CIDR entry. */
    private final String suffix;
    /** Whether a domain entry matches the domain itself too, not only its subdomains. */
    private final boolean matchesDomain;
    /** The port as written, compared as text; empty for any port. */
    private final String port;

    private NoProxyEntry(byte[] ip, int prefix, String suffix, boolean matchesDomain, String port) {
        this.ip = ip;
        this.prefix = prefix;
        this.suffix = suffix;
        this.matchesDomain = matchesDomain;
        this.port = port;
    }

    /** The entry as Go reads it, or null where Go skips it (an empty host before {@code :port}). */
    static NoProxyEntry parse(String entry) {
        String p = entry.toLowerCase(Locale.ROOT);
        int slash = p.indexOf('/');
        if (slash >= 0) {
            byte[] network = IpLiteral.parse(p.substring(0, slash));
            int bits = prefixLength(p.substring(slash + 1));
            if (network != null && bits >= 0 && bits <= network.length * 8) {
                return new NoProxyEntry(network, bits, null, false, "");
            }
        }
        String host = p;
        String port = "";
        String[] split = splitHostPort(p);
        if (split != null) {
            if (split[0].isEmpty()) {
                return null;
            }
            host = split[0];
            port = split[1];
        } else if (p.length() > 2 && p.startsWith("[") && p.endsWith("]")
                && IpLiteral.parse(p.substring(1, p.length() - 1)) != null) {
            host = p.substring(1, p.length() - 1);
        }
        byte[] address = IpLiteral.parse(host);
        if (address != null) {
            return new NoProxyEntry(address, -1, null, false, port);
        }
        if (host.startsWith("*.")) {
            host = host.substring(1);
        }
        boolean matchesDomain = !host.startsWith(".");
        String name = matchesDomain ? host : host.substring(1);
        try {
            name = Hosts.toAscii(name);
        } catch (IllegalArgumentException e) {
            // kept as written, as Go keeps a name IDNA refuses
        }
        return new NoProxyEntry(null, -1, "." + name, matchesDomain, port);
    }

    /** Whether the entry matches a canonical host ({@code ip}: its address when it is a literal, else null). */
    boolean matches(String host, byte[] hostIp, String hostPort) {
        if (suffix != null) {
            boolean hit = host.endsWith(suffix) || matchesDomain && host.equals(suffix.substring(1));
            return hit && (port.isEmpty() || port.equals(hostPort));
        }
        if (hostIp == null || hostIp.length != ip.length) {
            return false;
        }
        if (prefix >= 0) {
            return inPrefix(hostIp);
        }
        return Arrays.equals(ip, hostIp) && (port.isEmpty() || port.equals(hostPort));
    }

    private boolean inPrefix(byte[] address) {
        for (int i = 0; i < prefix; i++) {
            int mask = 0x80 >>> (i % 8);
            if ((address[i / 8] & mask) != (ip[i / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The strict syntax: {@code *}; a CIDR range with a prefix of 0-32 (IPv4) or 0-128 (IPv6); an IPv6 address,
     * bare or in brackets, in brackets optionally with {@code :port}; an IPv4 address or a domain name, optionally
     * with {@code :port}; ports 1-65535.
     *
     * @throws InvalidProxyException naming the entry and the rule it breaks
     */
    static void check(String entry) {
        String rule = problem(entry);
        if (rule != null) {
            throw new InvalidProxyException(InvalidProxyException.Setting.NO_PROXY, entry, rule);
        }
    }

    private static String problem(String entry) {
        String e = entry.toLowerCase(Locale.ROOT);
        if (e.equals("*")) {
            return null;
        }
        int slash = e.indexOf('/');
        if (slash >= 0) {
            byte[] network = IpLiteral.parse(e.substring(0, slash));
            if (network == null) {
                return "a CIDR range must be an IP address, '/' and a prefix length";
            }
            int bits = prefixLength(e.substring(slash + 1));
            return bits >= 0 && bits <= network.length * 8 ? null : "prefix length must be 0-" + network.length * 8;
        }
        if (e.startsWith("[")) {
            int close = e.indexOf(']');
            String inside = close < 0 ? "" : e.substring(1, close);
            if (inside.indexOf(':') < 0 || IpLiteral.parse(inside) == null) {
                return "brackets must hold an IPv6 address";
            }
            return close == e.length() - 1 ? null : portProblem(e.substring(close + 1));
        }
        int colon = e.indexOf(':');
        if (colon >= 0 && e.indexOf(':', colon + 1) >= 0) {
            return IpLiteral.parse(e) != null ? null : "must be an IPv6 address (with a port: [address]:port)";
        }
        if (colon >= 0 && Ports.parse(e.substring(colon + 1)) < 0) {
            return "port must be 1-65535";
        }
        if (colon == 0) {
            return "must name a host before ':port'";
        }
        String host = colon >= 0 ? e.substring(0, colon) : e;
        return IpLiteral.parse(host) != null ? null : domainProblem(host);
    }

    private static String portProblem(String colonPort) {
        return colonPort.startsWith(":") && Ports.parse(colonPort.substring(1)) > 0 ? null : "port must be 1-65535";
    }

    private static String domainProblem(String host) {
        String name = host.startsWith("*.") ? host.substring(2) : host.startsWith(".") ? host.substring(1) : host;
        String ascii;
        try {
            ascii = Hosts.toAscii(name);
        } catch (IllegalArgumentException ex) {
            return HOST_RULE;
        }
        if (ascii.isEmpty() || ascii.length() > 253) {
            return HOST_RULE;
        }
        boolean numeric = true;
        for (String label : ascii.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
                return HOST_RULE;
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                    return HOST_RULE;
                }
                numeric &= c >= '0' && c <= '9';
            }
        }
        return numeric ? "'" + host + "' is not an IPv4 address (four numbers 0-255)" : null;
    }

    /** A CIDR prefix length written as 1-3 digits, or -1. */
    private static int prefixLength(String s) {
        if (s.isEmpty() || s.length() > 3) {
            return -1;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return -1;
            }
        }
        return Integer.parseInt(s);
    }

    /** Go's {@code net.SplitHostPort}: {host, port}, or null where Go returns an error. The port is not checked. */
    private static String[] splitHostPort(String s) {
        int i = s.lastIndexOf(':');
        if (i < 0) {
            return null;
        }
        String host;
        int j = 0;
        int k = 0;
        if (s.startsWith("[")) {
            int end = s.indexOf(']');
            if (end < 0 || end + 1 != i) {
                return null; // missing ']', missing port, or too many colons
            }
            host = s.substring(1, end);
            j = 1;
            k = end + 1;
        } else {
            host = s.substring(0, i);
            if (host.indexOf(':') >= 0) {
                return null; // too many colons
            }
        }
        if (s.indexOf('[', j) >= 0 || s.indexOf(']', k) >= 0) {
            return null;
        }
        return new String[] {host, s.substring(i + 1)};
    }
}
