package dev.httppool.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.httppool.Request;
import dev.httppool.Response;
import dev.httppool.Transport;
import dev.httppool.spring.HttpPoolTransports;
import dev.httppool.spring.actuate.HttpPoolEndpoint;
import dev.httppool.spring.metrics.HttpPoolMeterBinder;
import dev.httppool.testing.Async;
import dev.httppool.testing.Http2TestServer;
import dev.httppool.testing.TestTls;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.web.client.RestClient;

/** RestClient over httppool speaks HTTP/2 to a server that offers it, and the views show its streams. */
class HttpPoolHttp2Tests {

    private Http2TestServer server;
    private ApplicationContextRunner runner;

    @BeforeEach
    void start() throws Exception {
        server = Http2TestServer.start();
        runner = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(HttpPoolAutoConfiguration.class,
                        HttpPoolHttpClientAutoConfiguration.class, HttpClientAutoConfiguration.class,
                        ImperativeHttpClientAutoConfiguration.class, SslAutoConfiguration.class,
                        HttpMessageConvertersAutoConfiguration.class, RestClientAutoConfiguration.class))
                .withPropertyValues("spring.ssl.bundle.jks.upstream.truststore.location=file:"
                        + TestTls.get().keyStore(), "spring.ssl.bundle.jks.upstream.truststore.type=PKCS12",
                        "spring.ssl.bundle.jks.upstream.truststore.password=" + TestTls.get().password(),
                        "spring.http.clients.ssl.bundle=upstream");
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void restClientSpeaksHttp2ToAServerThatOffersItWithNothingToConfigure() {
        runner.run((context) -> {
            RestClient client = context.getBean(RestClient.Builder.class).build();
            assertThat(client.get().uri(server.url("/protocol")).retrieve().body(String.class)).isEqualTo("HTTP/2.0");
            assertThat(context.getBean(HttpPoolTransports.class).shared().snapshot().keys()).singleElement()
                    .satisfies((key) -> assertThat(key.idleConnections()).singleElement()
                            .satisfies((c) -> assertThat(c.protocol()).isEqualTo("h2")));
        });
    }

    @Test
    void http2DisabledKeepsRestClientOnHttp11() {
        runner.withPropertyValues("http.pool.http2.enabled=false").run((context) -> {
            RestClient client = context.getBean(RestClient.Builder.class).build();
            assertThat(client.get().uri(server.url("/protocol")).retrieve().body(String.class)).isEqualTo("HTTP/1.1");
        });
    }

    @Test
    void theEndpointAndTheStreamsGaugeCountTheOpenStreamsOfAKey() throws Exception {
        try (Transport transport = Transport.builder().sslContext(TestTls.get().clientContext()).build()) {
            HttpPoolTransports transports = new HttpPoolTransports(transport, transport, null,
                    (shared, dialTimeout, bundle) -> Transport.create());
            MeterRegistry registry = new SimpleMeterRegistry();
            HttpPoolMeterBinder binder = new HttpPoolMeterBinder(transports, true);
            binder.bindTo(registry);
            HttpPoolEndpoint endpoint = new HttpPoolEndpoint(transports);
            String key = "|https|127.0.0.1:" + server.port();
            transport.roundTrip(Request.get(server.url("/hello"))).close(); // the connection first, then 3 streams
            List<CompletableFuture<Response>> held = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                held.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return transport.roundTrip(Request.get(server.url("/hold")));
                    } catch (java.io.IOException e) {
                        throw new RuntimeException(e);
                    }
                }, Async.THREADS));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> server.holding() == 3);

            @SuppressWarnings("unchecked")
            List<Map<String, Object>> keys = (List<Map<String, Object>>) endpoint.pool().get("keys");
            assertThat(keys).singleElement().satisfies((k) -> assertThat(k).containsEntry("streams", 3)
                    .containsEntry("active", 1).containsEntry("connections", 1));
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
                    registry.find("http.pool.streams").tags("key", key).gauge().value()).isEqualTo(3));

            server.release();
            for (CompletableFuture<Response> f : held) {
                try (Response r = f.get(5, TimeUnit.SECONDS)) {
                    assertThat(new String(r.body().readAllBytes())).isEqualTo("held");
                }
            }
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
                    registry.find("http.pool.streams").tags("key", key).gauge().value()).isZero());
            // idle now, it still shows as an HTTP/2 connection with its (no) open streams
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> idleKeys = (List<Map<String, Object>>) endpoint.pool().get("keys");
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> idle = (List<Map<String, Object>>) idleKeys.get(0).get("idleConnections");
            assertThat(idle).singleElement().satisfies((c) -> assertThat(c).containsEntry("protocol", "h2")
                    .containsEntry("streams", 0));
            binder.close();
        }
    }
}
