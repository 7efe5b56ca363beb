package dev.httppool.spring.autoconfigure;

/**
 * The syntax of one {@code NO_PROXY} entry, as Go's {@code httpproxy} package reads it: {@code *}; a host or
 * domain ({@code example.com}, {@code .example.com}, {@code *.example.com}), optionally with a port; an IP address
 * (IPv6 optionally in brackets, with a port only in brackets); or a CIDR range ({@code 10.0.0.0/8},
 * {@code fd00::/8}). Checked without any name lookup.
 */
final class NoProxyEntries {

    private NoProxyEntries() {
    }

    static boolean isValid(String entry) {
        if (entry.equals("*")) {
            return true;
        }
        int slash = entry.indexOf('/');
        if (slash >= 0) {
            return isCidr(entry.substring(0, slash), entry.substring(slash + 1));
        }
        if (entry.startsWith("[")) {
            int close = entry.indexOf(']');
            return close > 0 && isIpv6(entry.substring(1, close))
                    && (close == entry.length() - 1 || isPort(entry.substring(close + 1)));
        }
        if (entry.indexOf(':') != entry.lastIndexOf(':')) {
            return isIpv6(entry);
        }
        String host = entry;
        int colon = entry.indexOf(':');
        if (colon >= 0) {
            if (!isPort(entry.substring(colon))) {
                return false;
            }
            host = entry.substring(0, colon);
        }
        return isIpv4(host) || isDomain(host);
    }

    private static boolean isCidr(String address, String prefix) {
        if (prefix.isEmpty() || prefix.length() > 3 || !prefix.chars().allMatch(Character::isDigit)) {
            return false;
        }
        int bits = Integer.parseInt(prefix);
        if (isIpv4(address)) {
            return bits <= 32;
        }
        return isIpv6(address) && bits <= 128;
    }

    private static boolean isPort(String colonPort) {
        if (colonPort.length() < 2 || colonPort.length() > 6 || colonPort.charAt(0) != ':') {
            return false;
        }
        String digits = colonPort.substring(1);
        return digits.chars().allMatch(Character::isDigit) && Integer.parseInt(digits) <= 65535;
    }

    static boolean isIpv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)
                    || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    static boolean isIpv6(String s) {
        if (s.indexOf(':') < 0 || s.length() > 45) {
            return false;
        }
        int doubleColon = s.indexOf("::");
        if (doubleColon >= 0 && s.indexOf("::", doubleColon + 1) >= 0) {
            return false;
        }
        String[] groups = s.split(":", -1);
        int words = 0;
        for (int i = 0; i < groups.length; i++) {
            String g = groups[i];
            if (g.isEmpty()) {
                continue; // part of "::" (or a leading/trailing one belonging to it)
            }
            if (i == groups.length - 1 && g.indexOf('.') >= 0) {
                if (!isIpv4(g)) {
                    return false;
                }
                words += 2;
            } else if (g.length() <= 4 && g.chars().allMatch((c) -> Character.digit(c, 16) >= 0)) {
                words++;
            } else {
                return false;
            }
        }
        return doubleColon >= 0 ? words < 8 : words == 8;
    }

    private static boolean isDomain(String s) {
        String d = s.startsWith("*.") ? s.substring(2) : s.startsWith(".") ? s.substring(1) : s;
        if (d.isEmpty() || d.length() > 253) {
            return false;
        }
        for (String label : d.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
                return false;
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                if (!(Character.isLetterOrDigit(c) || c == '-' || c == '_')) {
                    return false;
                }
            }
        }
        return true;
    }
}
