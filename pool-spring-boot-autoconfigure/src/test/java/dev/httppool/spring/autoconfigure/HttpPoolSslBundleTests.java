package dev.httppool.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.httppool.Transport;
import dev.httppool.spring.HttpPoolTransports;
import dev.httppool.spring.actuate.HttpPoolEndpoint;
import dev.httppool.testing.TestServer;
import dev.httppool.testing.TestTls;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientSsl;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

/** Spring Boot SSL bundles over HTTPS on 127.0.0.1, with a certificate that the JVM's trust store does not know. */
@SuppressWarnings("unchecked")
class HttpPoolSslBundleTests {

    private ApplicationContextRunner runner;
    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.startHttps();
        server.text("/secure", "over tls");
        runner = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(HttpPoolAutoConfiguration.class,
                        HttpPoolHttpClientAutoConfiguration.class, HttpClientAutoConfiguration.class,
                        ImperativeHttpClientAutoConfiguration.class, SslAutoConfiguration.class,
                        HttpMessageConvertersAutoConfiguration.class, RestClientAutoConfiguration.class))
                .withPropertyValues("spring.ssl.bundle.jks.upstream.truststore.location=file:"
                        + TestTls.get().keyStore(), "spring.ssl.bundle.jks.upstream.truststore.type=PKCS12",
                        "spring.ssl.bundle.jks.upstream.truststore.password=" + TestTls.get().password());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aClientWithItsOwnBundleGetsATransportOfItsOwn() {
        runner.run((context) -> {
            RestClient client = context.getBean(RestClient.Builder.class)
                    .apply(context.getBean(RestClientSsl.class).fromBundle("upstream")).build();
            assertThat(client.get().uri(server.url("/secure")).retrieve().body(String.class)).isEqualTo("over tls");
            assertThat(client.get().uri(server.url("/secure")).retrieve().body(String.class)).isEqualTo("over tls");
            HttpPoolTransports transports = context.getBean(HttpPoolTransports.class);
            assertThat(transports.all()).hasSize(2);
            Transport derived = transports.all().get(1);
            assertThat(derived.snapshot().stats().dials()).isEqualTo(1);
            assertThat(derived.snapshot().stats().reused()).isEqualTo(1);
            assertThat(transports.shared().snapshot().stats().dials()).isZero();
        });
    }

    @Test
    void theTransportOfABundleIsNamedAfterItInTheEndpointWithItsKeysAndTotals() {
        runner.withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class,
                HttpPoolEndpointAutoConfiguration.class))
                .withPropertyValues("management.endpoints.web.exposure.include=httppool").run((context) -> {
                    RestClient client = context.getBean(RestClient.Builder.class)
                            .apply(context.getBean(RestClientSsl.class).fromBundle("upstream")).build();
                    assertThat(client.get().uri(server.url("/secure")).retrieve().body(String.class))
                            .isEqualTo("over tls");

                    assertThat(context.getBean(HttpPoolTransports.class).named())
                            .containsOnlyKeys("default", "ssl-bundle=upstream");
                    Map<String, Object> json = context.getBean(HttpPoolEndpoint.class).pool();
                    assertThat((List<Map<String, Object>>) json.get("keys")).singleElement()
                            .satisfies((key) -> assertThat(key).containsEntry("transport", "ssl-bundle=upstream")
                                    .containsEntry("key", "|https|" + server.address()).containsEntry("idle", 1));
                    assertThat((Map<String, Object>) json.get("totals")).containsEntry("idle", 1);
                    assertThat((Map<String, Object>) json.get("stats")).containsEntry("dials", 1L);
                });
    }

    @Test
    void theSharedTransportUsesTheGlobalBundle() {
        runner.withPropertyValues("spring.http.clients.ssl.bundle=upstream").run((context) -> {
            RestClient client = context.getBean(RestClient.Builder.class).build();
            assertThat(client.get().uri(server.url("/secure")).retrieve().body(String.class)).isEqualTo("over tls");
            HttpPoolTransports transports = context.getBean(HttpPoolTransports.class);
            assertThat(transports.all()).hasSize(1);
            assertThat(transports.shared().snapshot().keys()).singleElement()
                    .satisfies((key) -> assertThat(key.key()).isEqualTo("|https|" + server.address()));
        });
    }

    @Test
    void withoutTheBundleTheCertificateIsNotTrusted() {
        runner.run((context) -> {
            RestClient client = context.getBean(RestClient.Builder.class).build();
            assertThatExceptionOfType(ResourceAccessException.class)
                    .isThrownBy(() -> client.get().uri(server.url("/secure")).retrieve().body(String.class))
                    .satisfies((ex) -> assertThat(ex).hasStackTraceContaining("SSLHandshakeException")
                            .hasStackTraceContaining("PKIX path building failed"));
        });
    }
}
