package dev.httppool.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.httppool.Request;
import dev.httppool.Response;
import dev.httppool.RoundTripper;
import dev.httppool.LeaseStrategy;
import dev.httppool.Transport;
import dev.httppool.TransportConfig;
import dev.httppool.TransportListener;
import dev.httppool.spring.HttpPoolTransports;
import dev.httppool.spring.actuate.HttpPoolEndpoint;
import dev.httppool.testing.RecordingListener;
import dev.httppool.testing.TestServer;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

@SuppressWarnings("unchecked")
class HttpPoolAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(HttpPoolAutoConfiguration.class, HttpClientAutoConfiguration.class));

    @Test
    void providesOneSharedTransportWithGoDefaultsButAnAutoIdleCapPerHost() {
        runner.run((context) -> {
            assertThat(context).hasSingleBean(Transport.class).hasSingleBean(HttpPoolTransports.class);
            Transport transport = context.getBean(Transport.class);
            assertThat(transport.config()).hasToString(TransportConfig.defaults().toBuilder()
                    .maxIdleConnsPerHost(TransportConfig.AUTO_IDLE_CONNS_PER_HOST).build().toString());
            assertThat(context.getBean(HttpPoolTransports.class).shared()).isSameAs(transport);
        });
    }

    @Test
    void defaultsToAnAutoIdleCapThatTheEndpointShowsWithEachKeysCurrentCap() throws Exception {
        try (TestServer server = TestServer.start()) {
            server.text("/hello", "hi");
            runner.withConfiguration(AutoConfigurations.of(HttpPoolEndpointAutoConfiguration.class))
                    .withPropertyValues("management.endpoints.web.exposure.include=httppool").run((context) -> {
                        assertThat(context.getBean(HttpPoolProperties.class).getMaxIdleConnsPerHost())
                                .isEqualTo("auto");
                        Transport transport = context.getBean(Transport.class);
                        try (Response r = transport.roundTrip(Request.get(server.url("/hello")))) {
                            r.body().readAllBytes();
                        }
                        Map<String, Object> json = context.getBean(HttpPoolEndpoint.class).pool();
                        assertThat((Map<String, Object>) json.get("settings"))
                                .containsEntry("maxIdleConnsPerHost", "auto");
                        assertThat((List<Map<String, Object>>) json.get("keys")).singleElement()
                                .satisfies((key) -> assertThat(key).containsEntry("idleCap", 2));
                    });
        }
    }

    @Test
    void keepsAnIntegerIdleCapPerHostAsGoMeansIt() {
        runner.withPropertyValues("http.pool.max-idle-conns-per-host=0")
                .run((context) -> assertThat(context.getBean(Transport.class).config().maxIdleConnsPerHost())
                        .isZero());
    }

    @Test
    void mapsEveryPropertyIntoTheTransportConfig() {
        runner.withPropertyValues("http.pool.max-idle-conns=7", "http.pool.max-idle-conns-per-host=3",
                "http.pool.max-conns-per-host=5", "http.pool.idle-conn-timeout=45s", "http.pool.conn-wait-timeout=2s",
                "http.pool.disable-keep-alives=true", "http.pool.dial-timeout=3s", "http.pool.tcp-keep-alive=0",
                "http.pool.tls-handshake-timeout=4s", "http.pool.response-header-timeout=6s",
                "http.pool.expect-continue-timeout=500ms", "http.pool.max-response-header-bytes=64KB",
                "http.pool.disable-compression=true", "http.pool.read-buffer-size=8KB",
                "http.pool.write-buffer-size=16KB").run((context) -> {
                    TransportConfig c = context.getBean(Transport.class).config();
                    assertThat(c.maxIdleConns()).isEqualTo(7);
                    assertThat(c.maxIdleConnsPerHost()).isEqualTo(3);
                    assertThat(c.maxConnsPerHost()).isEqualTo(5);
                    assertThat(c.idleConnTimeout()).isEqualTo(Duration.ofSeconds(45));
                    assertThat(c.connWaitTimeout()).isEqualTo(Duration.ofSeconds(2));
                    assertThat(c.disableKeepAlives()).isTrue();
                    assertThat(c.dialTimeout()).isEqualTo(Duration.ofSeconds(3));
                    assertThat(c.tcpKeepAlive()).isZero();
                    assertThat(c.tlsHandshakeTimeout()).isEqualTo(Duration.ofSeconds(4));
                    assertThat(c.responseHeaderTimeout()).isEqualTo(Duration.ofSeconds(6));
                    assertThat(c.expectContinueTimeout()).isEqualTo(Duration.ofMillis(500));
                    assertThat(c.maxResponseHeaderBytes()).isEqualTo(64 * 1024);
                    assertThat(c.disableCompression()).isTrue();
                    assertThat(c.readBufferSize()).isEqualTo(8 * 1024);
                    assertThat(c.writeBufferSize()).isEqualTo(16 * 1024);
                });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            max-idle-conns=-1           | http.pool.max-idle-conns must be >= 0 (0 means no limit), was -1
            max-idle-conns-per-host=-2  | http.pool.max-idle-conns-per-host must be >= 0 (0 means keep none) or auto, was -2
            max-idle-conns-per-host=lots | http.pool.max-idle-conns-per-host must be >= 0 (0 means keep none) or auto, was lots
            max-conns-per-host=-1       | http.pool.max-conns-per-host must be >= 0 (0 means no limit), was -1
            idle-conn-timeout=-1s       | http.pool.idle-conn-timeout must be >= 0 (0 means forever), was -1s
            conn-wait-timeout=-250ms    | http.pool.conn-wait-timeout must be >= 0 (0 means no limit), was -250ms
            dial-timeout=0              | http.pool.dial-timeout must be > 0, was 0s
            tcp-keep-alive=-1m          | http.pool.tcp-keep-alive must be >= 0 (0 disables keep-alive probes), was -1m
            tls-handshake-timeout=-10s  | http.pool.tls-handshake-timeout must be >= 0 (0 means no limit), was -10s
            response-header-timeout=-1s | http.pool.response-header-timeout must be >= 0 (0 means no limit), was -1s
            expect-continue-timeout=-1s | http.pool.expect-continue-timeout must be >= 0 (0 sends the body at once), was -1s
            max-response-header-bytes=0 | http.pool.max-response-header-bytes must be > 0, was 0B
            read-buffer-size=0          | http.pool.read-buffer-size must be > 0, was 0B
            write-buffer-size=-1KB      | http.pool.write-buffer-size must be > 0, was -1024B
            read-buffer-size=4GB        | http.pool.read-buffer-size must be at most 2147483647B, was 4294967296B
            proxy.no-proxy=10.0.0.0/33  | http.pool.proxy.no-proxy must be a comma-separated list of hosts, domains, IP addresses or CIDR ranges, was '10.0.0.0/33'
            proxy.no-proxy=example.com:99999 | http.pool.proxy.no-proxy must be a comma-separated list of hosts, domains, IP addresses or CIDR ranges, was 'example.com:99999'
            proxy.no-proxy=localhost,exa mple.com | http.pool.proxy.no-proxy must be a comma-separated list of hosts, domains, IP addresses or CIDR ranges, was 'exa mple.com'
            proxy.url=http://proxy:99999 | http.pool.proxy.url must be an http:// URI with a host, e.g. http://proxy:3128, was http://proxy:99999
            max-conn-lifetime=-1s       | http.pool.max-conn-lifetime must be >= 0 (0 means no limit), was -1s
            max-conn-lifetime-jitter=-5s | http.pool.max-conn-lifetime-jitter must be >= 0 (0 means none), was -5s
            max-requests-per-conn=-1    | http.pool.max-requests-per-conn must be >= 0 (0 means no limit), was -1
            lease-strategy=random       | http.pool.lease-strategy must be lifo or fifo, was random
            max-waiting-per-host=-1     | http.pool.max-waiting-per-host must be >= 0 (0 means no limit), was -1
            leak-detection-threshold=-1s | http.pool.leak-detection-threshold must be >= 0 (0 means off), was -1s
            http2.ping-interval=-1s     | http.pool.http2.ping-interval must be >= 0 (0 means never), was -1s
            http2.ping-timeout=0        | http.pool.http2.ping-timeout must be > 0, was 0s
            """)
    void stopsStartUpWithAMessageNamingThePropertyTheRuleAndTheValue(String setting, String message) {
        runner.withPropertyValues("http.pool." + setting).run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .isInstanceOf(InvalidHttpPoolPropertyException.class)
                    .hasMessage(message);
        });
    }

    @Test
    void mapsTheLifecyclePropertiesIntoTheTransportConfig() {
        runner.withPropertyValues("http.pool.max-conn-lifetime=5m", "http.pool.max-conn-lifetime-jitter=30s",
                "http.pool.max-requests-per-conn=1000", "http.pool.max-waiting-per-host=50").run((context) -> {
                    TransportConfig c = context.getBean(Transport.class).config();
                    assertThat(c.maxConnLifetime()).isEqualTo(Duration.ofMinutes(5));
                    assertThat(c.maxConnLifetimeJitter()).isEqualTo(Duration.ofSeconds(30));
                    assertThat(c.maxRequestsPerConn()).isEqualTo(1000);
                    assertThat(c.maxWaitingPerHost()).isEqualTo(50);
                });
    }

    @Test
    void mapsTheLeakDetectionThresholdWhichIsOffByDefault() {
        runner.run((context) -> assertThat(context.getBean(Transport.class).config().leakDetectionThreshold())
                .isZero());
        runner.withPropertyValues("http.pool.leak-detection-threshold=30s").run((context) -> assertThat(
                context.getBean(Transport.class).config().leakDetectionThreshold()).isEqualTo(Duration.ofSeconds(30)));
    }

    @Test
    void offersHttp2ByDefaultAndMapsTheHttp2Properties() {
        runner.run((context) -> {
            TransportConfig c = context.getBean(Transport.class).config();
            assertThat(c.http2Enabled()).isTrue();
            assertThat(c.http2StrictMaxConcurrentStreams()).isFalse();
            assertThat(c.http2PingInterval()).isEqualTo(Duration.ofSeconds(30));
            assertThat(c.http2PingTimeout()).isEqualTo(Duration.ofSeconds(15));
        });
        runner.withPropertyValues("http.pool.http2.enabled=false", "http.pool.http2.strict-max-concurrent-streams=true",
                "http.pool.http2.ping-interval=0", "http.pool.http2.ping-timeout=2s").run((context) -> {
                    TransportConfig c = context.getBean(Transport.class).config();
                    assertThat(c.http2Enabled()).isFalse();
                    assertThat(c.http2StrictMaxConcurrentStreams()).isTrue();
                    assertThat(c.http2PingInterval()).isZero();
                    assertThat(c.http2PingTimeout()).isEqualTo(Duration.ofSeconds(2));
                });
    }

    @Test
    void leasesTheMostRecentlyUsedConnectionByDefaultAndTheLeastRecentlyUsedWithFifo() {
        runner.run((context) -> assertThat(context.getBean(Transport.class).config().leaseStrategy())
                .isEqualTo(LeaseStrategy.LIFO));
        runner.withPropertyValues("http.pool.lease-strategy=FIFO").run((context) -> assertThat(
                context.getBean(Transport.class).config().leaseStrategy()).isEqualTo(LeaseStrategy.FIFO));
    }

    @Test
    void stopsStartUpWhenTheLifetimeJitterIsNotShorterThanTheLifetime() {
        runner.withPropertyValues("http.pool.max-conn-lifetime=5m", "http.pool.max-conn-lifetime-jitter=6m")
                .run((context) -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause()
                            .isInstanceOf(InvalidHttpPoolPropertyException.class)
                            .hasMessage("http.pool.max-conn-lifetime-jitter must be < http.pool.max-conn-lifetime "
                                    + "(5m), was 6m");
                });
    }

    @Test
    void masksProxyCredentialsInTheValidationMessage() {
        runner.withPropertyValues("http.pool.proxy.url=ftp://user:secret@proxy:21").run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessage(
                    "http.pool.proxy.url must be an http:// URI with a host, e.g. http://proxy:3128, "
                            + "was ftp://user:***@proxy:21")
                    .message().doesNotContain("secret");
        });
    }

    @Test
    void bindsValidProxySettings() {
        runner.withPropertyValues("http.pool.proxy.url=http://user:secret@proxy:3128",
                "http.pool.proxy.no-proxy=localhost, .internal.example.com,*.corp,10.0.0.0/8,[::1]:8080,fd00::/8,*")
                .run((context) -> {
                    assertThat(context).hasNotFailed();
                    HttpPoolProperties properties = context.getBean(HttpPoolProperties.class);
                    assertThat(java.net.URI.create(properties.getProxy().getUrl())).hasHost("proxy").hasPort(3128);
                });
    }

    @Test
    void doesNotReplaceUserProvidedTransport() {
        runner.withUserConfiguration(UserTransportConfiguration.class).run((context) -> {
            assertThat(context).hasSingleBean(Transport.class);
            Transport transport = context.getBean(Transport.class);
            assertThat(transport.config().maxIdleConnsPerHost()).isEqualTo(42);
            assertThat(context.getBean(HttpPoolTransports.class).shared()).isSameAs(transport);
        });
    }

    @Test
    void appliesTransportCustomizersInOrder() {
        runner.withUserConfiguration(CustomizerConfiguration.class).run((context) -> {
            TransportConfig config = context.getBean(Transport.class).config();
            assertThat(config.maxIdleConns()).isEqualTo(9);
            assertThat(config.maxIdleConnsPerHost()).isEqualTo(20);
        });
    }

    @Test
    void closesTheTransportsWithTheContext() throws Exception {
        AtomicReference<Transport> shared = new AtomicReference<>();
        AtomicReference<Transport> derived = new AtomicReference<>();
        runner.run((context) -> {
            shared.set(context.getBean(Transport.class));
            RoundTripper other = context.getBean(HttpPoolTransports.class).roundTripper(Duration.ofSeconds(2), null);
            assertThat(other).isNotSameAs(shared.get()).isInstanceOf(Transport.class);
            derived.set((Transport) other);
        });
        for (Transport transport : List.of(shared.get(), derived.get())) {
            assertThatExceptionOfType(IOException.class)
                    .isThrownBy(() -> transport.roundTrip(Request.get("http://127.0.0.1:9/")))
                    .withMessageContaining("closed");
        }
    }

    @Test
    void derivesATransportPerOtherConnectTimeoutFromTheSharedSettings() {
        runner.withPropertyValues("http.pool.max-idle-conns-per-host=7").run((context) -> {
            HttpPoolTransports transports = context.getBean(HttpPoolTransports.class);
            Transport derived = (Transport) transports.roundTripper(Duration.ofSeconds(2), null);
            assertThat(derived.config().dialTimeout()).isEqualTo(Duration.ofSeconds(2));
            assertThat(derived.config().maxIdleConnsPerHost()).isEqualTo(7);
            assertThat(transports.roundTripper(Duration.ofSeconds(2), null)).isSameAs(derived);
            assertThat(transports.all()).containsExactly(transports.shared(), derived);
        });
    }

    @Test
    void backsOffWhenDisabled() {
        runner.withPropertyValues("http.pool.enabled=false").run((context) -> assertThat(context)
                .doesNotHaveBean(Transport.class)
                .doesNotHaveBean(HttpPoolTransports.class)
                .doesNotHaveBean(HttpPoolProperties.class));
    }

    @Test
    void sendsThroughTheApplicationRoundTripper() throws Exception {
        runner.withUserConfiguration(WrapperConfiguration.class).run((context) -> {
            HttpPoolTransports transports = context.getBean(HttpPoolTransports.class);
            assertThat(transports.roundTripper(null, null)).isSameAs(context.getBean("loggingRoundTripper"));
        });
    }

    @Test
    void usesSpringHttpClientsConnectTimeoutForTheSharedTransport() {
        runner.withPropertyValues("spring.http.clients.connect-timeout=1500ms").run((context) -> {
            Transport transport = context.getBean(Transport.class);
            assertThat(transport.config().dialTimeout()).isEqualTo(Duration.ofMillis(1500));
            HttpPoolTransports transports = context.getBean(HttpPoolTransports.class);
            assertThat(transports.roundTripper(Duration.ofMillis(1500), null)).isSameAs(transport);
            assertThat(transports.roundTripper(null, null)).isSameAs(transport);
        });
    }

    @Test
    void forwardsTransportEventsToListenerBeans() throws Exception {
        try (TestServer server = TestServer.start()) {
            server.text("/hello", "hi");
            runner.withUserConfiguration(ListenerConfiguration.class).run((context) -> {
                Transport transport = context.getBean(Transport.class);
                try (Response response = transport.roundTrip(Request.get(server.url("/hello")))) {
                    response.body().readAllBytes();
                }
                assertThat(transport.closeIdleConnections()).isEqualTo(1);
                assertThat(context.getBean(ListenerConfiguration.class).listener.events()).containsExactly(
                        "dialed |http|" + server.address() + " success",
                        "acquired |http|" + server.address() + " reused=false",
                        "closed |http|" + server.address() + " close-idle");
            });
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UserTransportConfiguration {

        @Bean
        Transport myTransport() {
            return Transport.builder().config(TransportConfig.builder().maxIdleConnsPerHost(42).build()).build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class CustomizerConfiguration {

        @Bean
        @Order(2)
        TransportCustomizer second() {
            return (builder) -> builder.config(TransportConfig.builder().maxIdleConns(9).maxIdleConnsPerHost(20).build());
        }

        @Bean
        @Order(1)
        TransportCustomizer first() {
            return (builder) -> builder.config(TransportConfig.builder().maxIdleConnsPerHost(10).build());
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class WrapperConfiguration {

        @Bean
        RoundTripper loggingRoundTripper(Transport transport) {
            return transport::roundTrip;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class ListenerConfiguration {

        final RecordingListener listener = new RecordingListener();

        @Bean
        TransportListener recordingListener() {
            return listener;
        }
    }
}
