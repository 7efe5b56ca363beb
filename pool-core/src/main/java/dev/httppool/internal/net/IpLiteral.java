package dev.httppool.internal.net;

/**
 * IP address literals, read as Go's {@code net.ParseIP} reads them and never by a name lookup: IPv4 as four
 * decimal numbers 0-255 without leading zeros ({@code 10.0.0.1}, not {@code 010.0.0.1} or {@code 10.1}); IPv6 in
 * RFC 4291 text form, with at most one {@code ::} and an optional IPv4 tail ({@code ::ffff:10.0.0.1}).
 */
public final class IpLiteral {

    private IpLiteral() {
    }

    /** The 4 (IPv4) or 16 (IPv6) address bytes of a literal without brackets or zone, or null for anything else. */
    public static byte[] parse(String s) {
        if (s == null || s.isEmpty()) {
            return null;
        }
        return s.indexOf(':') >= 0 ? parseV6(s) : parseV4(s);
    }

    /**
     * Whether a host as it appears in a URI or a pool key is an IP literal rather than a name: an address as
     * {@link #parse} reads it, also in brackets ({@code [::1]}) or with an IPv6 zone ({@code fe80::1%eth0}).
     */
    public static boolean isLiteral(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        int zone = h.indexOf('%');
        if (zone > 0 && h.indexOf(':') >= 0) {
            h = h.substring(0, zone);
        }
        return parse(h) != null;
    }

    /** Whether the address is a loopback address: 127.0.0.0/8 or ::1. */
    public static boolean isLoopback(byte[] ip) {
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

    private static byte[] parseV4(String s) {
        byte[] out = new byte[4];
        int part = 0;
        int start = 0;
        for (int i = 0; i <= s.length(); i++) {
            if (i < s.length() && s.charAt(i) != '.') {
                continue;
            }
            if (part == 4) {
                return null;
            }
            int value = octet(s, start, i);
            if (value < 0) {
                return null;
            }
            out[part++] = (byte) value;
            start = i + 1;
        }
        return part == 4 ? out : null;
    }

    private static int octet(String s, int start, int end) {
        int length = end - start;
        if (length < 1 || length > 3 || length > 1 && s.charAt(start) == '0') {
            return -1;
        }
        int value = 0;
        for (int i = start; i < end; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value <= 255 ? value : -1;
    }

    private static byte[] parseV6(String s) {
        int ellipsis = s.indexOf("::");
        if (ellipsis >= 0 && s.indexOf("::", ellipsis + 1) >= 0) {
            return null;
        }
        int[] words = new int[8];
        int n;
        if (ellipsis < 0) {
            n = groups(s, words, true);
            return n == 8 ? toBytes(words) : null;
        }
        int[] tail = new int[8];
        int head = groups(s.substring(0, ellipsis), words, false);
        int after = head < 0 ? -1 : groups(s.substring(ellipsis + 2), tail, true);
        if (after < 0 || head + after > 7) {
            return null; // "::" stands for at least one zero group
        }
        System.arraycopy(tail, 0, words, 8 - after, after);
        return toBytes(words);
    }

    /** Reads colon-separated hex groups into {@code words}; the count, or -1 when malformed. Empty text is 0 groups. */
    private static int groups(String s, int[] words, boolean ipv4TailAllowed) {
        if (s.isEmpty()) {
            return 0;
        }
        int n = 0;
        int start = 0;
        while (true) {
            int colon = s.indexOf(':', start);
            int end = colon < 0 ? s.length() : colon;
            String group = s.substring(start, end);
            if (colon < 0 && ipv4TailAllowed && group.indexOf('.') >= 0) {
                byte[] v4 = parseV4(group);
                if (v4 == null || n > 6) {
                    return -1;
                }
                words[n++] = (v4[0] & 0xff) << 8 | v4[1] & 0xff;
                words[n++] = (v4[2] & 0xff) << 8 | v4[3] & 0xff;
                return n;
            }
            int word = hexGroup(group);
            if (word < 0 || n == 8) {
                return -1;
            }
            words[n++] = word;
            if (colon < 0) {
                return n;
            }
            start = colon + 1;
        }
    }

    private static int hexGroup(String g) {
        if (g.isEmpty() || g.length() > 4) {
            return -1;
        }
        int value = 0;
        for (int i = 0; i < g.length(); i++) {
            int d = Character.digit(g.charAt(i), 16);
            if (d < 0 || g.charAt(i) > 'f') {
                return -1;
            }
            value = value << 4 | d;
        }
        return value;
    }

    private static byte[] toBytes(int[] words) {
        byte[] out = new byte[16];
        for (int i = 0; i < 8; i++) {
            out[2 * i] = (byte) (words[i] >>> 8);
            out[2 * i + 1] = (byte) words[i];
        }
        return out;
    }
}
