package dev.httppool.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.httppool.spring.actuate.HttpPoolEndpoint;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class HttpPoolEndpointAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class, HttpPoolAutoConfiguration.class,
                    HttpPoolEndpointAutoConfiguration.class));

    @Test
    void isNotAvailableUntilExposed() {
        runner.run((context) -> assertThat(context).doesNotHaveBean(HttpPoolEndpoint.class));
    }

    @Test
    void isAvailableWhenExposedOverTheWeb() {
        runner.withPropertyValues("management.endpoints.web.exposure.include=httppool")
                .run((context) -> assertThat(context).hasSingleBean(HttpPoolEndpoint.class));
    }

    @Test
    @SuppressWarnings("unchecked")
    void showsEverySettingFromThePropertiesWithTheProxyPasswordMasked() {
        runner.withPropertyValues("management.endpoints.web.exposure.include=httppool",
                "http.pool.response-header-timeout=5s", "http.pool.read-buffer-size=8KB",
                "http.pool.proxy.url=http://user:s3cret@proxy.test:3128", "http.pool.proxy.no-proxy=localhost")
                .run((context) -> {
                    Map<String, Object> settings = (Map<String, Object>) context.getBean(HttpPoolEndpoint.class).pool()
                            .get("settings");
                    assertThat(settings).containsEntry("responseHeaderTimeout", "PT5S")
                            .containsEntry("readBufferSize", 8192).containsEntry("maxIdleConnsPerHost", "auto")
                            .containsEntry("proxy", "http://user:***@proxy.test:3128")
                            .containsEntry("noProxy", "localhost");
                });
    }

    @Test
    void isAvailableWhenExposedOverJmx() {
        runner.withPropertyValues("spring.jmx.enabled=true", "management.endpoints.jmx.exposure.include=httppool")
                .run((context) -> assertThat(context).hasSingleBean(HttpPoolEndpoint.class));
    }

    @Test
    void isNotAvailableWhenAccessIsNone() {
        runner.withPropertyValues("management.endpoints.web.exposure.include=httppool",
                "management.endpoint.httppool.access=NONE")
                .run((context) -> assertThat(context).doesNotHaveBean(HttpPoolEndpoint.class));
    }

    @Test
    void backsOffWhenThePoolIsDisabled() {
        runner.withPropertyValues("management.endpoints.web.exposure.include=httppool", "http.pool.enabled=false")
                .run((context) -> assertThat(context).doesNotHaveBean(HttpPoolEndpoint.class));
    }

    @Test
    void doesNotReplaceUserProvidedEndpoint() {
        runner.withPropertyValues("management.endpoints.web.exposure.include=httppool")
                .withBean("myEndpoint", HttpPoolEndpoint.class,
                        () -> new HttpPoolEndpoint(new dev.httppool.spring.HttpPoolTransports(
                                dev.httppool.Transport.create(), (request) -> null, null, (s, d, b) -> s)))
                .run((context) -> assertThat(context).hasSingleBean(HttpPoolEndpoint.class).hasBean("myEndpoint"));
    }
}
