package dev.httppool;

import java.util.Objects;

/**
 * A proxy setting given as configuration breaks a rule; thrown by {@link ProxyResolver#fixed} and
 * {@link ProxyResolver#validate}. The message names the setting, the value and the rule, e.g.
 * {@code NO_PROXY entry 'example.com:99999': port must be 1-65535} or
 * {@code proxy URL 'ftp://user:***@proxy:21': scheme must be http}. A proxy password never appears in it:
 * {@link #value()} is masked.
 */
public final class InvalidProxyException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** Which setting holds the bad value. */
    public enum Setting {
        /** The proxy URL ({@code HTTP_PROXY} syntax). */
        PROXY_URL("proxy URL"),
        /** One entry of a {@code NO_PROXY} list. */
        NO_PROXY("NO_PROXY entry");

        private final String label;

        Setting(String label) {
            this.label = label;
        }
    }

    private final Setting setting;
    private final String value;
    private final String rule;

    /**
     * @param setting which setting holds the bad value
     * @param value the bad value as it may be shown (a proxy URL with its password masked, or one NO_PROXY entry)
     * @param rule the rule it breaks, e.g. {@code port must be 1-65535}
     */
    public InvalidProxyException(Setting setting, String value, String rule) {
        super(Objects.requireNonNull(setting, "setting").label + " '" + value + "': " + rule);
        this.setting = setting;
        this.value = value;
        this.rule = rule;
    }

    /** Which setting holds the bad value. */
    public Setting setting() {
        return setting;
    }

    /** The bad value as it may be shown: a proxy URL with its password masked, or the one bad NO_PROXY entry. */
    public String value() {
        return value;
    }

    /** The rule the value breaks, e.g. {@code port must be 1-65535}. */
    public String rule() {
        return rule;
    }
}
