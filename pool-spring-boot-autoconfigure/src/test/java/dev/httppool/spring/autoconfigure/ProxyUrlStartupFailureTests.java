package dev.httppool.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

/**
 * A bad {@code http.pool.proxy.url} stops start-up with a report that names the property and the rule, and
 * shows the value with its password masked, whatever the password holds and whether or not the value is a URI
 * at all: neither the exception chain (as DEBUG logging prints it) nor the failure analysis shows it. The
 * password is S3C + one character or more + R3T, so neither half may appear.
 */
@ExtendWith(OutputCaptureExtension.class)
class ProxyUrlStartupFailureTests {

    @ParameterizedTest
    @ValueSource(strings = {"http://user:S3C/R3T@proxy:3128", "http://user:S3C@R3T@proxy:3128",
            "http://user:S3CR3T@proxy:99999", "ftp://user:S3CR3T@proxy", "http://user:S3CR3T@[bad:3128",
            "http://user:S3C://R3T@proxy", "http://user:S3C|R3T@[::1", "user:S3C/R3T@proxy:99999"})
    void aBadProxyUrlStopsStartUpWithoutShowingItsPassword(String url, CapturedOutput output) {
        SpringApplication application = new SpringApplication(Application.class);
        application.setWebApplicationType(WebApplicationType.NONE);

        Throwable failure = catchThrowable(() -> application.run("--http.pool.proxy.url=" + url,
                "--spring.main.banner-mode=off", "--logging.level.org.springframework.boot.diagnostics=debug"));

        assertThat(failure).isNotNull();
        StringWriter trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        assertThat(failure).rootCause().isInstanceOf(InvalidHttpPoolPropertyException.class)
                .hasMessageStartingWith("http.pool.proxy.url must be an http:// URI with a host, e.g. "
                        + "http://proxy:3128, was ")
                .hasMessageContaining("user:***@");
        assertThat(output.getAll()).as("the failure analysis")
                .contains("Invalid value for http.pool.proxy.url").contains("user:***@");
        for (String shown : new String[] {trace.toString(), output.getAll()}) {
            assertThat(shown).doesNotContain("S3C").doesNotContain("R3T");
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(HttpPoolAutoConfiguration.class)
    static class Application {
    }
}
