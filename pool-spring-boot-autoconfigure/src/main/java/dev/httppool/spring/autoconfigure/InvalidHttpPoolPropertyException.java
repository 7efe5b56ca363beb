package dev.httppool.spring.autoconfigure;

/**
 * An {@code http.pool.*} property has a value outside its range. The message names the property, the rule and
 * the value given, e.g. {@code http.pool.max-conns-per-host must be >= 0 (0 means no limit), was -1}.
 */
public class InvalidHttpPoolPropertyException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String property;
    private final String rule;
    private final String value;

    /**
     * @param property the full property name, e.g. {@code http.pool.max-conns-per-host}
     * @param rule what a valid value is, e.g. {@code >= 0 (0 means no limit)}
     * @param value the value given, as shown to the user (credentials masked)
     */
    public InvalidHttpPoolPropertyException(String property, String rule, String value) {
        super(property + " must be " + rule + ", was " + value);
        this.property = property;
        this.rule = rule;
        this.value = value;
    }

    /** The full property name, e.g. {@code http.pool.max-conns-per-host}. */
    public String getProperty() {
        return property;
    }

    /** What a valid value is, e.g. {@code >= 0 (0 means no limit)}. */
    public String getRule() {
        return rule;
    }

    /** The value given, as shown to the user. */
    public String getValue() {
        return value;
    }
}
