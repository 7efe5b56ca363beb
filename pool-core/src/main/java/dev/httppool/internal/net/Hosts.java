package dev.httppool.internal.net;

import java.net.IDN;
import java.net.URI;
import java.util.Locale;

/**
 * Host names and addresses as the transport uses them: in ASCII (an internationalised name in punycode), the
 * canonical {@code host:port} of pool keys and dials (Go's {@code canonicalAddr}), and the {@code Host} header's
 * authority. Nothing here looks a name up.
 */
public final class Hosts {

    private Hosts() {
    }

    /**
     * The host in ASCII, without brackets: an internationalised domain name converted to punycode
     * ({@code гофер.го} becomes {@code xn--c1ae0ajs.xn--c1aw}); ASCII names and IP literals unchanged.
     *
     * @throws IllegalArgumentException when the name cannot be converted (IDNA rejects it)
     */
    public static String toAscii(String host) {
        String h = unbracketed(host);
        return isAscii(h) ? h : IDN.toASCII(h, IDN.ALLOW_UNASSIGNED);
    }

    /** The host as keys, dials and NO_PROXY compare it: {@link #toAscii} and lower-cased, without brackets. */
    public static String canonical(String host) {
        return toAscii(host).toLowerCase(Locale.ROOT);
    }

    /** The canonical host of a URI, without brackets. */
    public static String hostOf(URI uri) {
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("URI has no host: " + Credentials.redactUserInfo(uri));
        }
        return canonical(host);
    }

    /**
     * Refuses a host written with a trailing dot ({@code localhost.}, a fully qualified name). Go accepts it; here
     * the JVM's resolver does not find such a name in the hosts file and TLS cannot send it as the server name,
     * so it would fail only after a connection was asked for. Refused at once instead, saying what to write.
     *
     * @throws IllegalArgumentException when {@code host} ends with a dot
     */
    public static void requireNoTrailingDot(String host) {
        if (host.length() > 1 && host.endsWith(".")) {
            throw new IllegalArgumentException("host '" + host + "' ends with a dot: names with a trailing dot are "
                    + "not supported, write '" + host.substring(0, host.length() - 1) + "'");
        }
    }

    /** {@code host:port}, an IPv6 host in brackets (Go's {@code net.JoinHostPort}). */
    public static String joinHostPort(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** The canonical {@code host:port} of a URI: the host as {@link #canonical}, the port defaulted by scheme. */
    public static String canonicalAddress(URI uri) {
        return joinHostPort(hostOf(uri), Ports.of(uri));
    }

    /**
     * The {@code Host} header (and absolute-form authority) of a request to {@code uri}: the host in ASCII with
     * its case kept, an IPv6 host in brackets, the port only when it is not the scheme's default, no userinfo.
     */
    public static String hostHeader(URI uri) {
        String host = toAscii(uri.getHost());
        String authority = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        int port = uri.getPort();
        return port < 0 || Ports.isDefault(uri.getScheme(), port) ? authority : authority + ":" + port;
    }

    /** Whether the target is this machine by name or address: {@code localhost}, {@code *.localhost}, loopback IPs. */
    public static boolean isLoopback(String host) {
        String h = canonical(host);
        if (h.equals("localhost") || h.endsWith(".localhost")) {
            return true;
        }
        byte[] ip = IpLiteral.parse(h);
        return ip != null && IpLiteral.isLoopback(ip);
    }

    static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static String unbracketed(String host) {
        return host.length() > 1 && host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1)
                : host;
    }
}
