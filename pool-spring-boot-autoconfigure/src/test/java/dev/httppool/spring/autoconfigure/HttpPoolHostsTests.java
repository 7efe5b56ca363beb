package dev.httppool.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jayway.jsonpath.JsonPath;
import dev.httppool.HostOverride;
import dev.httppool.LeaseStrategy;
import dev.httppool.Transport;
import dev.httppool.TransportConfig;
import dev.httppool.spring.actuate.HttpPoolEndpoint;
import dev.httppool.testing.TestServer;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.web.client.RestClient;

/** {@code http.pool.hosts}: binding, the checks with the entry's index, the endpoint, and a RestClient using it. */
@SuppressWarnings("unchecked")
class HttpPoolHostsTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(HttpPoolAutoConfiguration.class,
                    HttpPoolHttpClientAutoConfiguration.class, HttpClientAutoConfiguration.class,
                    ImperativeHttpClientAutoConfiguration.class, SslAutoConfiguration.class,
                    HttpMessageConvertersAutoConfiguration.class, RestClientAutoConfiguration.class,
                    HttpPoolEndpointAutoConfiguration.class))
            .withPropertyValues("management.endpoints.web.exposure.include=httppool");

    private TestServer server;

    @BeforeEach
    void startServer() throws Exception {
        server = TestServer.start();
        server.text("/hello", "hello from upstream");
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void theConfigurationMetadataDescribesTheListAndNamesEverySettingAnEntryTakes() throws Exception {
        String json;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<String> descriptions = JsonPath.read(json, "$.properties[?(@.name == 'http.pool.hosts')].description");
        assertThat(descriptions).singleElement().asString().contains("match", "max-idle-conns-per-host",
                "max-conns-per-host", "max-waiting-per-host", "idle-conn-timeout", "conn-wait-timeout",
                "max-conn-lifetime", "max-requests-per-conn", "lease-strategy", "min-idle");
    }

    @Test
    void bindsEachEntryIntoTheCoresOverridesInOrderLeavingUnsetSettingsGlobal() {
        runner.withPropertyValues("http.pool.hosts[0].match=https://api.example.com",
                "http.pool.hosts[0].max-conns-per-host=32", "http.pool.hosts[0].max-idle-conns-per-host=auto",
                "http.pool.hosts[0].min-idle=4", "http.pool.hosts[0].max-waiting-per-host=100",
                "http.pool.hosts[0].conn-wait-timeout=2s", "http.pool.hosts[0].max-conn-lifetime=5m",
                "http.pool.hosts[0].max-requests-per-conn=1000",
                "http.pool.hosts[1].match=*.internal", "http.pool.hosts[1].lease-strategy=fifo",
                "http.pool.hosts[1].idle-conn-timeout=30s", "http.pool.hosts[1].max-idle-conns-per-host=8")
                .run((context) -> {
                    List<HostOverride> hosts = context.getBean(Transport.class).config().hosts();
                    assertThat(hosts).containsExactly(HostOverride.builder("https://api.example.com")
                            .maxConnsPerHost(32).maxIdleConnsPerHost(TransportConfig.AUTO_IDLE_CONNS_PER_HOST)
                            .minIdle(4).maxWaitingPerHost(100).connWaitTimeout(Duration.ofSeconds(2))
                            .maxConnLifetime(Duration.ofMinutes(5)).maxRequestsPerConn(1000).build(),
                            HostOverride.builder("*.internal").leaseStrategy(LeaseStrategy.FIFO)
                                    .idleConnTimeout(Duration.ofSeconds(30)).maxIdleConnsPerHost(8).build());
                });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            hosts[1].max-conns-per-host=-1      | http.pool.hosts[1].max-conns-per-host must be >= 0 (0 means no limit), was -1
            hosts[1].max-idle-conns-per-host=x  | http.pool.hosts[1].max-idle-conns-per-host must be >= 0 (0 means keep none) or auto, was x
            hosts[1].max-waiting-per-host=-2    | http.pool.hosts[1].max-waiting-per-host must be >= 0 (0 means no limit), was -2
            hosts[1].idle-conn-timeout=-1s      | http.pool.hosts[1].idle-conn-timeout must be >= 0 (0 means forever), was -1s
            hosts[1].conn-wait-timeout=-1s      | http.pool.hosts[1].conn-wait-timeout must be >= 0 (0 means no limit), was -1s
            hosts[1].max-conn-lifetime=-1s      | http.pool.hosts[1].max-conn-lifetime must be >= 0 (0 means no limit), was -1s
            hosts[1].max-requests-per-conn=-1   | http.pool.hosts[1].max-requests-per-conn must be >= 0 (0 means no limit), was -1
            hosts[1].lease-strategy=random      | http.pool.hosts[1].lease-strategy must be lifo or fifo, was random
            hosts[1].min-idle=-1                | http.pool.hosts[1].min-idle must be >= 0 (0 keeps none), was -1
            hosts[1].min-idle=2                 | http.pool.hosts[1].min-idle must be 0 unless match is a base URL scheme://host[:port] (a target to dial), was 2
            hosts[0].min-idle=5                 | http.pool.hosts[0].min-idle must be <= max-conns-per-host (4), was 5
            hosts[1].match=ftp://x              | http.pool.hosts[1].match must be host, host:port, *.domain or scheme://host[:port], was 'ftp://x'
            hosts[1].match=                     | http.pool.hosts[1].match must be host, host:port, *.domain or scheme://host[:port], was nothing (the property is empty)
            """)
    void stopsStartUpNamingTheEntrysIndexThePropertyTheRuleAndTheValue(String setting, String message) {
        runner.withPropertyValues("http.pool.hosts[0].match=http://a.test", "http.pool.hosts[0].max-conns-per-host=4",
                "http.pool.hosts[1].match=*.internal", "http.pool." + setting).run((context) -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause()
                            .isInstanceOf(InvalidHttpPoolPropertyException.class).hasMessage(message);
                });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            max-conn-lifetime=5m,max-conn-lifetime-jitter=30s,hosts[0].max-conn-lifetime=10s | http.pool.hosts[0].max-conn-lifetime must be > http.pool.max-conn-lifetime-jitter (PT30S), was PT10S
            disable-keep-alives=true,hosts[0].min-idle=1                                 | http.pool.hosts[0].min-idle must be 0 when http.pool.disable-keep-alives is set, was 1
            max-idle-conns=3,hosts[0].min-idle=2,hosts[1].min-idle=2                     | http.pool.hosts[*].min-idle must be <= http.pool.max-idle-conns (3) added up, was 4
            """)
    void aRuleBetweenSettingsStopsStartUpNamingTheProperties(String settings, String message) {
        List<String> properties = new ArrayList<>(List.of("http.pool.hosts[0].match=http://a.test",
                "http.pool.hosts[1].match=http://b.test"));
        for (String setting : settings.split(",")) {
            properties.add("http.pool." + setting);
        }
        runner.withPropertyValues(properties.toArray(new String[0])).run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .isInstanceOf(InvalidHttpPoolPropertyException.class).hasMessage(message);
        });
    }

    @Test
    void aMatchWithAPasswordStopsStartUpWithoutShowingIt() {
        runner.withPropertyValues("http.pool.hosts[0].match=https://user:secret@api.example.com").run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().isInstanceOf(InvalidHttpPoolPropertyException.class)
                    .hasMessageStartingWith("http.pool.hosts[0].match must be").hasMessageNotContaining("secret");
        });
    }

    @Test
    void restClientRequestsTakeTheWarmConnectionsOfTheirHostsEntry() {
        runner.withPropertyValues("http.pool.hosts[0].match=http://127.0.0.1:" + server.port(),
                "http.pool.hosts[0].min-idle=2", "http.pool.hosts[0].max-conns-per-host=2").run((context) -> {
                    Transport transport = context.getBean(Transport.class);
                    await().atMost(Duration.ofSeconds(5))
                            .until(() -> transport.snapshot().totals().idle() == 2);
                    RestClient client = context.getBean(RestClient.Builder.class).build();
                    for (int i = 0; i < 3; i++) {
                        assertThat(client.get().uri(server.url("/hello")).retrieve().body(String.class))
                                .isEqualTo("hello from upstream");
                    }
                    assertThat(transport.snapshot().stats().dials()).as("only the warm dials").isEqualTo(2);
                    assertThat(server.distinctClientConnections()).isBetween(1, 2);
                    assertThat(transport.snapshot().keys()).singleElement().satisfies(
                            (key) -> assertThat(key.hostOverride().match()).isEqualTo("http://127.0.0.1:" + server.port()));
                });
    }

    @Test
    void aTransportDerivedForAnotherConnectTimeoutTakesTheEntriesButKeepsNoConnectionsWarm() {
        runner.withPropertyValues("http.pool.hosts[0].match=http://127.0.0.1:" + server.port(),
                "http.pool.hosts[0].min-idle=1", "http.pool.hosts[0].max-conns-per-host=3").run((context) -> {
                    Transport shared = context.getBean(Transport.class);
                    await().atMost(Duration.ofSeconds(5)).until(() -> shared.snapshot().totals().idle() == 1);
                    Transport derived = (Transport) context.getBean(dev.httppool.spring.HttpPoolTransports.class)
                            .roundTripper(Duration.ofSeconds(2), null);

                    assertThat(derived.config().hosts()).singleElement().satisfies((h) -> {
                        assertThat(h.maxConnsPerHost()).isEqualTo(3);
                        assertThat(h.minIdle()).isZero();
                    });
                    assertThat(derived.snapshot().stats().dials()).isZero();
                });
    }

    @Test
    void theEndpointListsTheEntriesAndShowsEachKeysSettingsThatDifferFromTheGlobalOnes() {
        runner.withPropertyValues("http.pool.max-conns-per-host=8", "http.pool.hosts[0].match=127.0.0.1",
                "http.pool.hosts[0].max-conns-per-host=8", "http.pool.hosts[0].lease-strategy=fifo",
                "http.pool.hosts[0].idle-conn-timeout=30s").run((context) -> {
                    RestClient client = context.getBean(RestClient.Builder.class).build();
                    client.get().uri(server.url("/hello")).retrieve().body(String.class);
                    client.get().uri("http://localhost:" + server.port() + "/hello").retrieve().body(String.class);

                    Map<String, Object> json = context.getBean(HttpPoolEndpoint.class).pool();

                    Map<String, Object> settings = (Map<String, Object>) json.get("settings");
                    assertThat((List<Map<String, Object>>) settings.get("hosts")).containsExactly(Map.of("match",
                            "127.0.0.1", "maxConnsPerHost", 8, "leaseStrategy", "fifo", "idleConnTimeout", "PT30S"));
                    List<Map<String, Object>> keys = (List<Map<String, Object>>) json.get("keys");
                    assertThat(keys).hasSize(2);
                    Map<String, Object> matched = keys.stream()
                            .filter((k) -> k.get("address").equals(server.address())).findFirst().orElseThrow();
                    assertThat(matched).containsEntry("hostsMatch", "127.0.0.1").containsEntry("settings",
                            Map.of("leaseStrategy", "fifo", "idleConnTimeout", "PT30S"));
                    Map<String, Object> global = keys.stream()
                            .filter((k) -> !k.get("address").equals(server.address())).findFirst().orElseThrow();
                    assertThat(global).doesNotContainKeys("hostsMatch", "settings");
                });
    }
}
