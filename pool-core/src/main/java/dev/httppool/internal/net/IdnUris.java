package dev.httppool.internal.net;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Absolute URLs with non-ASCII characters, made ASCII as they must be on the wire. {@link URI} does not read an
 * internationalised host (it keeps the authority but its host is null), so the host is converted to punycode
 * before the URI is built: {@code http://гофер.го:8080/} becomes {@code http://xn--c1ae0ajs.xn--c1aw:8080/}.
 * Non-ASCII characters anywhere else (path, query, userinfo, fragment) are percent-encoded as UTF-8, as browsers
 * do: {@code /päth?q=ü} becomes {@code /p%C3%A4th?q=%C3%BC}. Everything else of the URL is left as written.
 */
public final class IdnUris {

    private IdnUris() {
    }

    /**
     * {@link URI#create} after converting an internationalised host to punycode.
     *
     * @throws IllegalArgumentException when the text is not a URI or its host is not a valid domain name; the
     *     message shows the text with its userinfo masked ({@link Credentials#redactUrl}), and has no cause,
     *     whose message would repeat the password
     */
    public static URI parse(String url) {
        String ascii = asciiHost(url);
        try {
            return new URI(ascii);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(e.getReason() + " at index " + e.getIndex() + ": "
                    + Credentials.redactUrl(url));
        }
    }

    /** The URI itself when its host was read; otherwise, when its authority holds an internationalised name, the
     *  URI with that name in punycode. */
    public static URI withAsciiHost(URI uri) {
        if (uri.getHost() != null || uri.getRawAuthority() == null || Hosts.isAscii(uri.getRawAuthority())) {
            return uri;
        }
        return parse(uri.toString());
    }

    /**
     * The URI in ASCII: its host as {@link #withAsciiHost}, and every other non-ASCII character percent-encoded
     * as UTF-8. An ASCII URI is returned as it is (the check allocates nothing).
     *
     * @throws IllegalArgumentException when its internationalised host is not a valid domain name
     */
    public static URI toAscii(URI uri) {
        URI u = withAsciiHost(uri);
        String text = u.toString();
        String ascii = u.toASCIIString(); // the same string when there is nothing to encode
        return ascii.equals(text) ? u : URI.create(ascii);
    }

    /** The URL text with the host between {@code ://} (and any userinfo) and the port or path in punycode. */
    static String asciiHost(String url) {
        int schemeEnd = url.indexOf("://");
        if (schemeEnd < 0 || Hosts.isAscii(url)) {
            return url;
        }
        int start = schemeEnd + 3;
        int end = start;
        while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
            end++;
        }
        int at = url.lastIndexOf('@', end - 1);
        int hostStart = at >= start ? at + 1 : start;
        if (hostStart < end && url.charAt(hostStart) == '[') {
            return url; // an IPv6 literal
        }
        int colon = url.lastIndexOf(':', end - 1);
        int hostEnd = colon >= hostStart ? colon : end;
        String host = url.substring(hostStart, hostEnd);
        if (Hosts.isAscii(host)) {
            return url;
        }
        String ascii;
        try {
            ascii = Hosts.toAscii(host);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid host '" + host + "' in URL: " + e.getMessage(), e);
        }
        return url.substring(0, hostStart) + ascii + url.substring(hostEnd);
    }
}
