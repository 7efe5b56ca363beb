package dev.httppool.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.httppool.Request;
import dev.httppool.Response;
import dev.httppool.LeaseStrategy;
import dev.httppool.Transport;
import dev.httppool.TransportConfig;
import dev.httppool.spring.HttpPoolTransports;
import dev.httppool.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpPoolEndpointTests {

    private TestServer server;
    private TestServer other;
    private Transport transport;
    private HttpPoolEndpoint endpoint;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start();
        server.text("/hello", "hi");
        other = TestServer.start();
        other.text("/hello", "hi");
        transport = Transport.builder()
                .config(TransportConfig.builder().connWaitTimeout(Duration.ofMillis(1500)).build())
                .build();
        endpoint = new HttpPoolEndpoint(new HttpPoolTransports(transport, transport, null,
                (shared, dialTimeout, bundle) -> Transport.create()));
    }

    @AfterEach
    void stop() {
        transport.close();
        server.close();
        other.close();
    }

    @Test
    void describesThePoolWithTheContractsKeysAndTypes() throws Exception {
        get(server.url("/hello"));
        get(server.url("/hello"));
        Map<String, Object> json = endpoint.pool();
        assertThat(json).containsOnlyKeys("settings", "totals", "stats", "keys");
        assertThat(map(json, "settings")).containsExactly(Map.entry("maxIdleConns", 100),
                Map.entry("maxIdleConnsPerHost", 2), Map.entry("maxConnsPerHost", 0),
                Map.entry("idleConnTimeout", "PT1M30S"), Map.entry("connWaitTimeout", "PT1.5S"),
                Map.entry("disableKeepAlives", false), Map.entry("maxConnLifetime", "PT0S"),
                Map.entry("maxConnLifetimeJitter", "PT0S"), Map.entry("maxRequestsPerConn", 0),
                Map.entry("leaseStrategy", "lifo"), Map.entry("maxWaitingPerHost", 0),
                Map.entry("respectServerKeepAlive", true));
        assertThat(map(json, "totals")).containsExactly(Map.entry("connections", 1), Map.entry("idle", 1),
                Map.entry("active", 0), Map.entry("dialing", 0), Map.entry("waiting", 0));
        assertThat(map(json, "stats")).containsExactly(Map.entry("dials", 1L), Map.entry("dialFailures", 0L),
                Map.entry("reused", 1L), Map.entry("closed", Map.of()));
        List<Map<String, Object>> keys = list(json, "keys");
        assertThat(keys).singleElement().satisfies((key) -> {
            assertThat(key).containsOnlyKeys("key", "proxy", "scheme", "address", "onlyH1", "connections", "idle",
                    "active", "dialing", "waiting", "idleCap", "streams", "idleConnections");
            assertThat(key).containsEntry("key", "|http|" + server.address()).containsEntry("proxy", "")
                    .containsEntry("scheme", "http").containsEntry("address", server.address())
                    .containsEntry("onlyH1", false).containsEntry("connections", 1).containsEntry("idle", 1)
                    .containsEntry("idleCap", 2);
            assertThat(list(key, "idleConnections")).singleElement().satisfies((idle) -> {
                assertThat(idle).containsOnlyKeys("id", "localAddress", "remoteAddress", "protocol", "idleSince",
                        "idleMillis", "ageMillis", "requests");
                assertThat(idle.get("id")).isInstanceOf(Long.class);
                assertThat(idle.get("localAddress")).asString().startsWith("127.0.0.1:");
                assertThat(idle.get("remoteAddress")).isEqualTo(server.address());
                assertThat(idle.get("protocol")).isEqualTo("HTTP/1.1");
                assertThat(Instant.parse((String) idle.get("idleSince"))).isBeforeOrEqualTo(Instant.now());
                assertThat(idle.get("idleMillis")).isInstanceOf(Long.class);
                assertThat(idle.get("ageMillis")).isInstanceOf(Long.class);
                assertThat(idle.get("requests")).isEqualTo(2L);
            });
        });
    }

    @Test
    void filtersKeysByAddress() throws Exception {
        get(server.url("/hello"));
        get(other.url("/hello"));
        assertThat(list(endpoint.pool(), "keys")).hasSize(2);
        Map<String, Object> json = endpoint.poolForAddress(other.address());
        assertThat(list(json, "keys")).singleElement()
                .satisfies((key) -> assertThat(key).containsEntry("address", other.address()));
        assertThat(map(json, "totals")).containsEntry("connections", 2);
        assertThat(list(endpoint.poolForAddress("127.0.0.1:1"), "keys")).isEmpty();
    }

    @Test
    void deleteClosesIdleConnectionsAndCountsThem() throws Exception {
        get(server.url("/hello"));
        get(other.url("/hello"));
        assertThat(endpoint.closeIdleConnections()).containsExactly(Map.entry("closed", 2));
        Map<String, Object> json = endpoint.pool();
        assertThat(list(json, "keys")).isEmpty();
        assertThat(map(map(json, "stats"), "closed")).containsExactly(Map.entry("close-idle", 2L));
    }

    @Test
    void showsTheLifecycleSettingsAndTheirCloseReasons() throws Exception {
        transport.close();
        transport = Transport.builder().config(TransportConfig.builder().maxConnLifetime(Duration.ofMinutes(5))
                .maxConnLifetimeJitter(Duration.ofSeconds(30)).maxRequestsPerConn(2)
                .leaseStrategy(LeaseStrategy.FIFO).build()).build();
        endpoint = new HttpPoolEndpoint(new HttpPoolTransports(transport, transport, null,
                (shared, dialTimeout, bundle) -> Transport.create()));
        get(server.url("/hello"));
        get(server.url("/hello"));

        Map<String, Object> json = endpoint.pool();

        assertThat(map(json, "settings")).containsEntry("maxConnLifetime", "PT5M")
                .containsEntry("maxConnLifetimeJitter", "PT30S").containsEntry("maxRequestsPerConn", 2)
                .containsEntry("leaseStrategy", "fifo");
        assertThat(map(map(json, "stats"), "closed")).containsExactly(Map.entry("max-requests", 1L));
    }

    private void get(String url) throws Exception {
        try (Response response = transport.roundTrip(Request.get(url))) {
            response.body().readAllBytes();
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> json, String key) {
        return (Map<String, Object>) json.get(key);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> json, String key) {
        return (List<Map<String, Object>>) json.get(key);
    }
}
