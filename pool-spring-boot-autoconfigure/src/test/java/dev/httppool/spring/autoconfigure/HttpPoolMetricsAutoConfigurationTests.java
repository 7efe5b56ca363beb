package dev.httppool.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.httppool.Request;
import dev.httppool.Response;
import dev.httppool.Transport;
import dev.httppool.spring.metrics.HttpPoolMeterBinder;
import dev.httppool.testing.TestServer;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class HttpPoolMetricsAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
                    SimpleMetricsExportAutoConfiguration.class, HttpPoolAutoConfiguration.class,
                    HttpPoolMetricsAutoConfiguration.class));

    @Test
    void bindsThePoolMetersToTheRegistry() throws Exception {
        try (TestServer server = TestServer.start()) {
            server.text("/hello", "hi");
            runner.run((context) -> {
                assertThat(context).hasSingleBean(HttpPoolMeterBinder.class);
                get(context.getBean(Transport.class), server.url("/hello"));
                MeterRegistry registry = context.getBean(MeterRegistry.class);
                assertThat(registry.get("http.pool.dials")
                        .tags("key", "|http|" + server.address(), "outcome", "success").counter().count())
                        .isEqualTo(1);
            });
        }
    }

    @Test
    void timesDialsAndCountsRejectedRequestsWithTheDiagnosisMeters() throws Exception {
        try (TestServer server = TestServer.start()) {
            server.text("/hello", "hi");
            runner.withPropertyValues("http.pool.max-conns-per-host=1", "http.pool.conn-wait-timeout=100ms")
                    .run((context) -> {
                        Transport transport = context.getBean(Transport.class);
                        try (Response held = transport.roundTrip(Request.get(server.url("/hello")))) {
                            assertThat(org.assertj.core.api.Assertions.catchThrowable(
                                    () -> get(transport, server.url("/hello"))))
                                    .isInstanceOf(dev.httppool.ConnWaitTimeoutException.class);
                            held.body().readAllBytes();
                        }
                        MeterRegistry registry = context.getBean(MeterRegistry.class);
                        String key = "|http|" + server.address();
                        assertThat(registry.get("http.pool.dial.duration").tags("key", key, "outcome", "success")
                                .timer().count()).isEqualTo(1);
                        assertThat(registry.get("http.pool.wait.duration").tags("key", key).timer().count())
                                .isEqualTo(1);
                        assertThat(registry.get("http.pool.rejected").tags("key", key, "reason", "wait-timeout")
                                .counter().count()).isEqualTo(1);
                    });
        }
    }

    @Test
    void dropsTheKeyTagWhenPerKeyIsOff() throws Exception {
        try (TestServer server = TestServer.start()) {
            server.text("/hello", "hi");
            runner.withPropertyValues("http.pool.metrics.per-key=false").run((context) -> {
                get(context.getBean(Transport.class), server.url("/hello"));
                MeterRegistry registry = context.getBean(MeterRegistry.class);
                assertThat(registry.get("http.pool.dials").tags("outcome", "success").counter().getId().getTag("key"))
                        .isNull();
                assertThat(registry.get("http.pool.connections").tags("state", "idle").gauge().value()).isEqualTo(1);
            });
        }
    }

    @Test
    void countsTheEventsOfAUserDefinedTransportBeanToo() throws Exception {
        try (TestServer server = TestServer.start()) {
            server.text("/hello", "hi");
            runner.withBean(Transport.class, () -> Transport.builder().build(), (bean) -> bean.setDestroyMethodName("close")).run((context) -> {
                get(context.getBean(Transport.class), server.url("/hello"));
                MeterRegistry registry = context.getBean(MeterRegistry.class);
                assertThat(registry.get("http.pool.dials")
                        .tags("key", "|http|" + server.address(), "outcome", "success").counter().count())
                        .isEqualTo(1);
            });
        }
    }

    @Test
    void backsOffWhenDisabled() {
        runner.withPropertyValues("http.pool.enabled=false")
                .run((context) -> assertThat(context).doesNotHaveBean(HttpPoolMeterBinder.class));
    }

    private static void get(Transport transport, String url) throws Exception {
        try (Response response = transport.roundTrip(Request.get(url))) {
            response.body().readAllBytes();
        }
    }
}
