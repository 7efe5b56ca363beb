package dev.httppool;

import dev.httppool.internal.net.Credentials;

/**
 * Masks credentials in text before it is shown, with the rule the transport uses for its own keys, snapshots and
 * messages: {@code http://user:password@proxy:3128} is shown as {@code http://user:***@proxy:3128}, and userinfo
 * without a password (often a token) as {@code http://***@proxy:3128}. For code that shows URIs or keys it got
 * from elsewhere; what the transport itself shows is masked already.
 */
public final class Redaction {

    private Redaction() {
    }

    /**
     * {@code text} with the userinfo of every {@code scheme://userinfo@} in it masked; null stays null. Works on
     * text that does not parse as a URI (a bad setting quoted in a message) and on text holding several URIs
     * (a pool key such as {@code http://user:***@proxy:3128|https|api.example.com:443}).
     */
    public static String redact(String text) {
        return Credentials.redact(text);
    }
}
