package dev.httppool.internal.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A {@code NO_PROXY} list, with Go's rules: comma-separated hosts, domains, IP addresses or CIDR ranges, each
 * optionally with {@code :port}; {@code *} alone matches everything; {@code example.com} matches that host
 * and its subdomains; {@code .example.com} (or {@code *.example.com}) matches subdomains only; matching stops
 * at label boundaries ({@code ample.com} does not match {@code example.com}).
 */
public final class NoProxy {

    private final boolean all;
    private final List<Entry> entries;

    private NoProxy(boolean all, List<Entry> entries) {
        this.all = all;
        this.entries = entries;
    }

    public static NoProxy parse(String list) {
        List<Entry> entries = new ArrayList<>();
        boolean all = false;
        if (list != null) {
            for (String raw : list.split(",")) {
                String p = raw.trim().toLowerCase(Locale.ROOT);
                if (p.isEmpty()) {
                    continue;
                }
                if (p.equals("*")) {
                    all = true;
                    continue;
                }
                entries.add(Entry.parse(p));
            }
        }
        return new NoProxy(all, List.copyOf(entries));
    }

    /** Whether a request to {@code host} (no brackets) on {@code port} bypasses the proxy. */
    public boolean matches(String host, int port) {
        if (all) {
            return true;
        }
        String h = host.toLowerCase(Locale.ROOT);
        for (Entry e : entries) {
            if (e.matches(h, port)) {
                return true;
            }
        }
        return false;
    }

    private static final class Entry {
        final String domain;
        final boolean subdomainsOnly;
        final byte[] network;
        final int prefix;
        final int port;

        private Entry(String domain, boolean subdomainsOnly, byte[] network, int prefix, int port) {
            this.domain = domain;
            this.subdomainsOnly = subdomainsOnly;
            this.network = network;
            this.prefix = prefix;
            this.port = port;
        }

        static Entry parse(String p) {
            int slash = p.indexOf('/');
            if (slash > 0) {
                byte[] net = ipLiteral(p.substring(0, slash));
                if (net != null) {
                    try {
                        return new Entry(null, false, net, Integer.parseInt(p.substring(slash + 1)), 0);
                    } catch (NumberFormatException e) {
                        // not a CIDR; treated as a name below (it will simply never match)
                    }
                }
            }
            String hostPart = p;
            int port = 0;
            if (p.startsWith("[")) {
                int close = p.indexOf(']');
                hostPart = close > 0 ? p.substring(1, close) : p;
                if (close > 0 && close + 1 < p.length() && p.charAt(close + 1) == ':') {
                    port = parsePort(p.substring(close + 2));
                }
            } else if (p.indexOf(':') == p.lastIndexOf(':') && p.indexOf(':') > 0) {
                hostPart = p.substring(0, p.indexOf(':'));
                port = parsePort(p.substring(p.indexOf(':') + 1));
            }
            byte[] ip = ipLiteral(hostPart);
            if (ip != null) {
                return new Entry(null, false, ip, ip.length * 8, port);
            }
            if (hostPart.startsWith("*.")) {
                hostPart = hostPart.substring(1);
            }
            boolean subOnly = hostPart.startsWith(".");
            return new Entry(subOnly ? hostPart.substring(1) : hostPart, subOnly, null, 0, port);
        }

        boolean matches(String host, int requestPort) {
            if (port != 0 && port != requestPort) {
                return false;
            }
            if (network != null) {
                byte[] ip = ipLiteral(host);
                return ip != null && ip.length == network.length && inPrefix(ip);
            }
            if (host.equals(domain)) {
                return !subdomainsOnly;
            }
            return host.endsWith("." + domain);
        }

        private boolean inPrefix(byte[] ip) {
            int bits = Math.min(prefix, ip.length * 8);
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >>> (i % 8);
                if ((ip[i / 8] & mask) != (network[i / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }

        private static int parsePort(String s) {
            try {
                return Integer.parseInt(s);
            } catch (NumberFormatException e) {
                return -1; // never matches
            }
        }
    }

    /** The address bytes of an IPv4 or IPv6 literal, or null for a name (never resolves a name). */
    public static byte[] ipLiteral(String s) {
        if (s.isEmpty()) {
            return null;
        }
        boolean v6 = s.indexOf(':') >= 0;
        if (!v6) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (!(c >= '0' && c <= '9' || c == '.')) {
                    return null;
                }
            }
        } else {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (!(Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                    return null;
                }
            }
        }
        try {
            return InetAddress.getByName(s).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
