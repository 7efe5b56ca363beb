package dev.httppool.spring.autoconfigure;

import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.env.Environment;

/**
 * Reports an {@link InvalidHttpPoolPropertyException} as a short start-up failure: which property, its rule, the
 * value given and where it was set.
 */
class InvalidHttpPoolPropertyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidHttpPoolPropertyException> {

    private final Environment environment;

    InvalidHttpPoolPropertyFailureAnalyzer(Environment environment) {
        this.environment = environment;
    }

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidHttpPoolPropertyException cause) {
        StringBuilder description = new StringBuilder("Invalid value for ").append(cause.getProperty()).append(":\n\n")
                .append("    ").append(cause.getMessage()).append('\n');
        String origin = origin(cause.getProperty());
        if (origin != null) {
            description.append("    Origin: ").append(origin).append('\n');
        }
        // A bound reads "to a value >= 0"; a description reads "to an http:// URI ..." or "to lifo or fifo".
        String rule = cause.getRule();
        boolean bound = rule.startsWith("<") || rule.startsWith(">") || rule.startsWith("=");
        String action = "Update your application's configuration: set " + cause.getProperty() + " to "
                + (bound ? "a value " : "") + rule + ".";
        return new FailureAnalysis(description.toString(), action, cause);
    }

    private String origin(String property) {
        if (environment == null || !ConfigurationPropertyName.isValid(property)) {
            return null;
        }
        ConfigurationPropertyName name = ConfigurationPropertyName.of(property);
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            ConfigurationProperty found = source.getConfigurationProperty(name);
            if (found != null) {
                return found.getOrigin() != null ? found.getOrigin().toString() : null;
            }
        }
        return null;
    }
}
