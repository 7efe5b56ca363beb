package dev.httppool.internal.net;

/**
 * How proxy settings are read. Both modes match requests the same way; they differ only in what they do with a
 * value that breaks a rule.
 */
public enum Mode {

    /**
     * Go's runtime behaviour, for values from the environment ({@code HTTP_PROXY}, {@code NO_PROXY}): a proxy URL
     * that does not parse is ignored (no proxy), and a {@code NO_PROXY} entry that does not parse is kept the way
     * Go keeps it, where it matches no real host ({@code example.com:99999}, {@code 10.0.0.0/33}).
     */
    LENIENT,

    /**
     * Configuration checked at start-up: the first value that breaks a rule throws an
     * {@link dev.httppool.InvalidProxyException} naming the value and the rule, e.g.
     * {@code NO_PROXY entry 'example.com:99999': port must be 1-65535}.
     */
    STRICT
}
