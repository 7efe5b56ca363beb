package dev.httppool.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class InvalidHttpPoolPropertyFailureAnalyzerTests {

    @Test
    void describesTheRuleTheValueAndWhereItWasSet() {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("test", Map.of("http.pool.max-conns-per-host", -1)));
        InvalidHttpPoolPropertyException failure = new InvalidHttpPoolPropertyException(
                "http.pool.max-conns-per-host", ">= 0 (0 means no limit)", "-1");
        FailureAnalysis analysis = new InvalidHttpPoolPropertyFailureAnalyzer(environment)
                .analyze(new IllegalStateException("wrapped", failure));
        assertThat(analysis.getDescription())
                .contains("http.pool.max-conns-per-host must be >= 0 (0 means no limit), was -1")
                .contains("Origin: \"http.pool.max-conns-per-host\" from property source \"test\"");
        assertThat(analysis.getAction())
                .isEqualTo("Update your application's configuration: set http.pool.max-conns-per-host to a value "
                        + ">= 0 (0 means no limit).");
    }

    @Test
    void anActionForARuleThatDescribesTheValueReadsAsASentence() {
        InvalidHttpPoolPropertyException failure = new InvalidHttpPoolPropertyException("http.pool.proxy.url",
                "an http:// URI with a host, e.g. http://proxy:3128", "ftp://proxy");
        FailureAnalysis analysis = new InvalidHttpPoolPropertyFailureAnalyzer(new StandardEnvironment())
                .analyze(new IllegalStateException("wrapped", failure));
        assertThat(analysis.getAction()).isEqualTo("Update your application's configuration: set http.pool.proxy.url "
                + "to an http:// URI with a host, e.g. http://proxy:3128.");
    }
}
