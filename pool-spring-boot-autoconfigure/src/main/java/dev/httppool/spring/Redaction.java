package dev.httppool.spring;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks credentials in URIs before they are shown: the endpoint, meter tags and error messages print a proxy as
 * {@code http://user:***@proxy:3128}. The core already masks proxy credentials in its keys; the Spring side masks
 * again so that nothing it shows depends on that.
 */
public final class Redaction {

    /** {@code scheme://user:password@} or {@code scheme://token@}. */
    private static final Pattern USER_INFO = Pattern.compile("(://)([^/@:]*)(:[^/@]*)?@");

    private Redaction() {
    }

    /** {@code text} with the password (or the user-info token) of every URI in it replaced by {@code ***}. */
    public static String redact(String text) {
        if (text == null || text.indexOf('@') < 0) {
            return text;
        }
        Matcher m = USER_INFO.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement = m.group(3) != null ? m.group(1) + m.group(2) + ":***@" : m.group(1) + "***@";
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }
}
