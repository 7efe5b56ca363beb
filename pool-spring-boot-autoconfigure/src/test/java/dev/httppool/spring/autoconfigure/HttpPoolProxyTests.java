package dev.httppool.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.httppool.ProxyResolver;
import dev.httppool.Request;
import dev.httppool.Response;
import dev.httppool.Transport;
import dev.httppool.spring.actuate.HttpPoolEndpoint;
import dev.httppool.testing.TestServer;
import java.net.URI;
import java.util.Base64;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** {@code http.pool.proxy.*}, with a loopback server playing the proxy: no request leaves the machine. */
class HttpPoolProxyTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class, HttpPoolAutoConfiguration.class,
                    HttpPoolEndpointAutoConfiguration.class))
            .withPropertyValues("management.endpoints.web.exposure.include=httppool");

    private TestServer proxy;

    @BeforeEach
    void start() throws Exception {
        proxy = TestServer.start();
        proxy.text("/hello", "via proxy");
    }

    @AfterEach
    void stop() {
        proxy.close();
    }

    @Test
    void sendsRequestsThroughTheProxyWithItsCredentialsAndNeverShowsThem() {
        runner.withPropertyValues("http.pool.proxy.url=http://user:secret@" + proxy.address()).run((context) -> {
            assertThat(get(context.getBean(Transport.class), "http://upstream.invalid/hello")).isEqualTo("via proxy");
            TestServer.Recorded request = proxy.takeRequest();
            assertThat(request.target()).isEqualTo("http://upstream.invalid/hello");
            assertThat(request.header("Proxy-Authorization")).isEqualTo(
                    "Basic " + Base64.getEncoder().encodeToString("user:secret".getBytes(StandardCharsets.UTF_8)));
            String json = context.getBean(HttpPoolEndpoint.class).pool().toString();
            assertThat(json).contains("proxy=http://user:***@" + proxy.address()).doesNotContain("secret");
        });
    }

    @Test
    void bypassesTheProxyForNoProxyHosts() throws Exception {
        try (TestServer target = TestServer.start("127.0.0.2")) {
            target.text("/hello", "direct");
            runner.withPropertyValues("http.pool.proxy.url=http://" + proxy.address(),
                    "http.pool.proxy.no-proxy=127.0.0.2").run((context) -> {
                        assertThat(get(context.getBean(Transport.class), target.url("/hello"))).isEqualTo("direct");
                        assertThat(proxy.requestCount()).isZero();
                    });
        }
    }

    @Test
    void readsAProxyWithoutSchemeAsHttp() {
        HttpPoolProperties.Proxy properties = new HttpPoolProperties.Proxy();
        properties.setUrl("proxy.example:3128");
        ProxyResolver resolver = TransportConfigMapper.proxyResolver(properties);
        assertThat(resolver.proxyFor(URI.create("http://api.example/"))).isEqualTo(URI.create("http://proxy.example:3128"));
    }

    @Test
    void leavesTheProxyToTheJvmAndEnvironmentWhenUnset() {
        assertThat(TransportConfigMapper.proxyResolver(new HttpPoolProperties.Proxy())).isNull();
    }

    @Test
    void anEmptyProxyUrlMeansUnsetAsBefore() {
        HttpPoolProperties.Proxy properties = new HttpPoolProperties.Proxy();
        properties.setUrl(" ");
        assertThat(TransportConfigMapper.proxyResolver(properties)).isNull();
    }

    private static String get(Transport transport, String url) throws Exception {
        try (Response response = transport.roundTrip(Request.get(url))) {
            return new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
