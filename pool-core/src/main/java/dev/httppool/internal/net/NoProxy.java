package dev.httppool.internal.net;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@code NO_PROXY} list, read with Go's {@code httpproxy} rules: comma-separated entries, each a host or domain,
 * an IP address or a CIDR range, a host or address optionally with {@code :port} (an IPv6 address with a port in
 * brackets); {@code *} alone matches everything. {@code example.com} matches that host and its subdomains,
 * {@code .example.com} and {@code *.example.com} subdomains only, at label boundaries ({@code ample.com} does
 * not match {@code example.com}). Names are compared in lower case and punycode. See {@link NoProxyEntry} for
 * each entry's syntax and {@link Mode} for what happens to an entry that breaks it.
 */
public final class NoProxy {

    private static final NoProxy NONE = new NoProxy(false, List.of());

    private final boolean all;
    private final List<NoProxyEntry> entries;

    private NoProxy(boolean all, List<NoProxyEntry> entries) {
        this.all = all;
        this.entries = entries;
    }

    /**
     * Reads a list (null or blank: no entries).
     *
     * @throws dev.httppool.InvalidProxyException in {@link Mode#STRICT}, naming the first bad entry and its rule
     */
    public static NoProxy parse(String list, Mode mode) {
        if (list == null || list.isBlank()) {
            return NONE;
        }
        List<NoProxyEntry> entries = new ArrayList<>();
        boolean all = false;
        for (String raw : list.split(",")) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            if (mode == Mode.STRICT) {
                NoProxyEntry.check(entry);
            }
            if (entry.equals("*")) {
                all = true;
                continue;
            }
            NoProxyEntry e = NoProxyEntry.parse(entry);
            if (e != null) {
                entries.add(e);
            }
        }
        return new NoProxy(all, List.copyOf(entries));
    }

    /** Whether a request to {@code host} (as in a URI: any case, IDN or punycode, brackets allowed) bypasses the proxy. */
    public boolean matches(String host, int port) {
        if (all) {
            return true;
        }
        if (entries.isEmpty()) {
            return false;
        }
        String h = Hosts.canonical(host);
        byte[] ip = IpLiteral.parse(h);
        String p = Integer.toString(port);
        for (NoProxyEntry e : entries) {
            if (e.matches(h, ip, p)) {
                return true;
            }
        }
        return false;
    }
}
