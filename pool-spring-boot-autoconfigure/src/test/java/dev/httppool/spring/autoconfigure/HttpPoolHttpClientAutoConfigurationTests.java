package dev.httppool.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.httppool.Transport;
import dev.httppool.spring.HttpPoolTransports;
import dev.httppool.spring.client.HttpPoolClientHttpRequestFactory;
import dev.httppool.spring.client.HttpPoolClientHttpRequestFactoryBuilder;
import dev.httppool.testing.TestServer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.autoconfigure.ClientHttpRequestFactoryBuilderCustomizer;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.service.HttpServiceClientPropertiesAutoConfiguration;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.restclient.RestTemplateBuilder;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestTemplateAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.service.HttpServiceClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.web.client.RestClient;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.registry.ImportHttpServices;

class HttpPoolHttpClientAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(HttpPoolAutoConfiguration.class,
                    HttpPoolHttpClientAutoConfiguration.class, HttpClientAutoConfiguration.class,
                    ImperativeHttpClientAutoConfiguration.class, SslAutoConfiguration.class,
                    HttpMessageConvertersAutoConfiguration.class, RestClientAutoConfiguration.class,
                    RestTemplateAutoConfiguration.class));

    private TestServer server;

    @BeforeEach
    void startServer() throws Exception {
        server = TestServer.start();
        server.text("/hello", "hello from upstream");
        server.on("/moved", (exchange, body) -> TestServer.redirect(exchange, 302, "/hello"));
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void replacesSpringBootsRequestFactoryDetection() {
        runner.run((context) -> {
            assertThat(context).hasSingleBean(ClientHttpRequestFactoryBuilder.class);
            assertThat(context.getBean(ClientHttpRequestFactoryBuilder.class))
                    .isInstanceOf(HttpPoolClientHttpRequestFactoryBuilder.class);
            assertThat(context.getBean(ClientHttpRequestFactory.class))
                    .isInstanceOf(HttpPoolClientHttpRequestFactory.class);
        });
    }

    @Test
    void restClientBuilderSendsThroughTheSharedTransport() {
        runner.run((context) -> {
            RestClient client = context.getBean(RestClient.Builder.class).build();
            assertThat(client.get().uri(server.url("/hello")).retrieve().body(String.class))
                    .isEqualTo("hello from upstream");
            assertThat(client.get().uri(server.url("/hello")).retrieve().body(String.class))
                    .isEqualTo("hello from upstream");
            Transport transport = context.getBean(Transport.class);
            assertThat(transport.snapshot().stats().dials()).isEqualTo(1);
            assertThat(transport.snapshot().stats().reused()).isEqualTo(1);
            assertThat(transport.snapshot().keys()).singleElement()
                    .satisfies((key) -> assertThat(key.key()).isEqualTo("|http|" + server.address()));
        });
    }

    @Test
    void restClientMovesToANewConnectionOnceMaxConnLifetimeHasPassed() {
        runner.withPropertyValues("http.pool.max-conn-lifetime=300ms", "http.pool.max-conn-lifetime-jitter=100ms")
                .run((context) -> {
                    RestClient client = context.getBean(RestClient.Builder.class).build();
                    Transport transport = context.getBean(Transport.class);
                    assertThat(client.get().uri(server.url("/hello")).retrieve().body(String.class))
                            .isEqualTo("hello from upstream");
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                    while (transport.snapshot().totals().connections() > 0) { // the idle one is closed in the background
                        assertThat(System.nanoTime() - deadline).as("closed within 5 s").isNegative();
                        TimeUnit.MILLISECONDS.sleep(5); // poll interval, not synchronisation
                    }

                    assertThat(client.get().uri(server.url("/hello")).retrieve().body(String.class))
                            .isEqualTo("hello from upstream");

                    assertThat(server.distinctClientConnections()).isEqualTo(2);
                    assertThat(transport.snapshot().stats().closed()).containsEntry("max-lifetime", 1L);
                });
    }

    @Test
    void restClientUsesEachConnectionForAtMostMaxRequestsPerConnRequests() {
        runner.withPropertyValues("http.pool.max-requests-per-conn=2").run((context) -> {
            RestClient client = context.getBean(RestClient.Builder.class).build();
            for (int i = 0; i < 5; i++) {
                assertThat(client.get().uri(server.url("/hello")).retrieve().body(String.class))
                        .isEqualTo("hello from upstream");
            }

            assertThat(server.distinctClientConnections()).isEqualTo(3);
            assertThat(context.getBean(Transport.class).snapshot().stats().closed())
                    .containsEntry("max-requests", 2L);
        });
    }

    @Test
    void restTemplateBuilderSendsThroughTheSharedTransport() {
        runner.run((context) -> {
            String body = context.getBean(RestTemplateBuilder.class).build()
                    .getForObject(server.url("/hello"), String.class);
            assertThat(body).isEqualTo("hello from upstream");
            assertThat(context.getBean(Transport.class).snapshot().stats().dials()).isEqualTo(1);
        });
    }

    @Test
    void sendsThroughTheApplicationRoundTripper() {
        runner.withUserConfiguration(HttpPoolAutoConfigurationTests.WrapperConfiguration.class).run((context) -> {
            HttpPoolClientHttpRequestFactory factory = (HttpPoolClientHttpRequestFactory) context
                    .getBean(ClientHttpRequestFactoryBuilder.class).build();
            assertThat(factory.getRoundTripper()).isSameAs(context.getBean("loggingRoundTripper"));
        });
    }

    @Test
    void honoursSpringHttpClientsRedirectsAndReadTimeout() {
        runner.withPropertyValues("spring.http.clients.redirects=dont-follow", "spring.http.clients.read-timeout=3s")
                .run((context) -> {
                    HttpPoolClientHttpRequestFactory factory = (HttpPoolClientHttpRequestFactory) context
                            .getBean(ClientHttpRequestFactoryBuilder.class).build(context.getBean(HttpClientSettings.class));
                    assertThat(factory.getReadTimeout()).isEqualTo(Duration.ofSeconds(3));
                    assertThat(factory.isFollowRedirects()).isFalse();
                    RestClient client = context.getBean(RestClient.Builder.class).build();
                    ResponseEntity<String> entity = client.get().uri(server.url("/moved")).retrieve()
                            .onStatus((status) -> true, (request, response) -> { })
                            .toEntity(String.class);
                    assertThat(entity.getStatusCode().value()).isEqualTo(302);
                });
    }

    @Test
    void followsRedirectsByDefault() {
        runner.run((context) -> {
            RestClient client = context.getBean(RestClient.Builder.class).build();
            assertThat(client.get().uri(server.url("/moved")).retrieve().body(String.class))
                    .isEqualTo("hello from upstream");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = { "follow", "follow-when-possible" })
    void followsRedirectsForEverySpringHttpClientsRedirectsValueButDontFollow(String redirects) {
        runner.withPropertyValues("spring.http.clients.redirects=" + redirects).run((context) -> {
            HttpPoolClientHttpRequestFactory factory = (HttpPoolClientHttpRequestFactory) context
                    .getBean(ClientHttpRequestFactoryBuilder.class).build(context.getBean(HttpClientSettings.class));
            assertThat(factory.isFollowRedirects()).isTrue();
            RestClient client = context.getBean(RestClient.Builder.class).build();
            assertThat(client.get().uri(server.url("/moved")).retrieve().body(String.class))
                    .isEqualTo("hello from upstream");
        });
    }

    @Test
    void usesADerivedTransportForAnotherConnectTimeout() {
        runner.run((context) -> {
            ClientHttpRequestFactoryBuilder<?> builder = context.getBean(ClientHttpRequestFactoryBuilder.class);
            HttpPoolTransports transports = context.getBean(HttpPoolTransports.class);
            HttpPoolClientHttpRequestFactory shared = (HttpPoolClientHttpRequestFactory) builder.build();
            HttpPoolClientHttpRequestFactory other = (HttpPoolClientHttpRequestFactory) builder
                    .build(HttpClientSettings.defaults().withConnectTimeout(Duration.ofSeconds(2)));
            HttpPoolClientHttpRequestFactory again = (HttpPoolClientHttpRequestFactory) builder
                    .build(HttpClientSettings.defaults().withConnectTimeout(Duration.ofSeconds(2)));
            assertThat(shared.getRoundTripper()).isSameAs(transports.shared());
            assertThat(other.getRoundTripper()).isNotSameAs(transports.shared()).isSameAs(again.getRoundTripper());
            assertThat(((Transport) other.getRoundTripper()).config().dialTimeout()).isEqualTo(Duration.ofSeconds(2));
        });
    }

    @Test
    void httpServiceGroupsSendThroughThePool() {
        runner.withConfiguration(AutoConfigurations.of(HttpServiceClientPropertiesAutoConfiguration.class,
                HttpServiceClientAutoConfiguration.class))
                .withUserConfiguration(HttpServiceConfiguration.class)
                .withPropertyValues("spring.http.serviceclient.greetings.base-url=" + server.url(""),
                        "spring.http.serviceclient.other.base-url=" + server.url(""),
                        "spring.http.serviceclient.other.connect-timeout=2s")
                .run((context) -> {
                    assertThat(context.getBean(GreetingClient.class).hello()).isEqualTo("hello from upstream");
                    HttpPoolTransports transports = context.getBean(HttpPoolTransports.class);
                    assertThat(transports.shared().snapshot().stats().dials()).isEqualTo(1);
                    assertThat(context.getBean(OtherClient.class).hello()).isEqualTo("hello from upstream");
                    assertThat(transports.all()).hasSize(2);
                    assertThat(transports.all().get(1).config().dialTimeout()).isEqualTo(Duration.ofSeconds(2));
                    assertThat(transports.all().get(1).snapshot().stats().dials()).isEqualTo(1);
                });
    }

    @Test
    void appliesRequestFactoryBuilderCustomizers() {
        runner.withUserConfiguration(BuilderCustomizerConfiguration.class).run((context) -> {
            HttpPoolClientHttpRequestFactory factory = (HttpPoolClientHttpRequestFactory) context
                    .getBean(ClientHttpRequestFactoryBuilder.class).build();
            assertThat(factory.isFollowRedirects()).isFalse();
        });
    }

    @Test
    void doesNotReplaceUserProvidedRequestFactoryBuilder() {
        runner.withUserConfiguration(UserBuilderConfiguration.class).run((context) -> {
            assertThat(context).hasSingleBean(ClientHttpRequestFactoryBuilder.class);
            assertThat(context.getBean(ClientHttpRequestFactoryBuilder.class).build())
                    .isInstanceOf(SimpleClientHttpRequestFactory.class);
        });
    }

    @Test
    void leavesSpringBootsDetectionAloneWhenDisabled() {
        runner.withPropertyValues("http.pool.enabled=false").run((context) -> {
            assertThat(context).hasSingleBean(ClientHttpRequestFactoryBuilder.class).doesNotHaveBean(Transport.class);
            assertThat(context.getBean(ClientHttpRequestFactoryBuilder.class))
                    .isNotInstanceOf(HttpPoolClientHttpRequestFactoryBuilder.class);
            assertThat(context.getBean(ClientHttpRequestFactory.class))
                    .isNotInstanceOf(HttpPoolClientHttpRequestFactory.class);
        });
    }

    interface GreetingClient {

        @GetExchange("/hello")
        String hello();
    }

    interface OtherClient {

        @GetExchange("/hello")
        String hello();
    }

    @Configuration(proxyBeanMethods = false)
    @ImportHttpServices(group = "greetings", types = GreetingClient.class)
    @ImportHttpServices(group = "other", types = OtherClient.class)
    static class HttpServiceConfiguration {
    }

    @Configuration(proxyBeanMethods = false)
    static class BuilderCustomizerConfiguration {

        @Bean
        ClientHttpRequestFactoryBuilderCustomizer<HttpPoolClientHttpRequestFactoryBuilder> noRedirects() {
            return (builder) -> builder.withCustomizer((factory) -> factory.setFollowRedirects(false));
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UserBuilderConfiguration {

        @Bean
        ClientHttpRequestFactoryBuilder<SimpleClientHttpRequestFactory> userBuilder() {
            return ClientHttpRequestFactoryBuilder.simple();
        }
    }
}
