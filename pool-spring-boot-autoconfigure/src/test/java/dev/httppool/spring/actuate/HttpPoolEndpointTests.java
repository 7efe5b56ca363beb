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
        assertThat(json).containsOnlyKeys("settings", "totals", "stats", "keys", "advice");
        assertThat(map(json, "settings")).containsExactly(Map.entry("maxIdleConns", 100),
                Map.entry("maxIdleConnsPerHost", 2), Map.entry("maxConnsPerHost", 0),
                Map.entry("idleConnTimeout", "PT1M30S"), Map.entry("connWaitTimeout", "PT1.5S"),
                Map.entry("disableKeepAlives", false), Map.entry("maxConnLifetime", "PT0S"),
                Map.entry("maxConnLifetimeJitter", "PT0S"), Map.entry("maxRequestsPerConn", 0),
                Map.entry("leaseStrategy", "lifo"), Map.entry("maxWaitingPerHost", 0),
                Map.entry("respectServerKeepAlive", true), Map.entry("leakDetectionThreshold", "PT0S"),
                Map.entry("http2", Map.of("enabled", true, "strictMaxConcurrentStreams", false, "pingInterval", "PT30S",
                        "pingTimeout", "PT15S")),
                Map.entry("dialTimeout", "PT30S"),
                Map.entry("tcpKeepAlive", "PT30S"), Map.entry("tlsHandshakeTimeout", "PT10S"),
                Map.entry("responseHeaderTimeout", "PT0S"), Map.entry("expectContinueTimeout", "PT1S"),
                Map.entry("maxResponseHeaderBytes", 10L * 1024 * 1024), Map.entry("disableCompression", false),
                Map.entry("readBufferSize", 4096), Map.entry("writeBufferSize", 4096), Map.entry("proxy", ""),
                Map.entry("noProxy", ""), Map.entry("hosts", List.of()));
        assertThat(list(json, "advice")).isEmpty();
        assertThat(map(json, "totals")).containsExactly(Map.entry("connections", 1), Map.entry("idle", 1),
                Map.entry("active", 0), Map.entry("dialing", 0), Map.entry("waiting", 0));
        assertThat(map(json, "stats")).containsExactly(Map.entry("dials", 1L), Map.entry("dialFailures", 0L),
                Map.entry("reused", 1L), Map.entry("closed", Map.of()));
        List<Map<String, Object>> keys = list(json, "keys");
        assertThat(keys).singleElement().satisfies((key) -> {
            assertThat(key).containsOnlyKeys("key", "transport", "proxy", "scheme", "address", "onlyH1",
                    "connections", "idle", "active", "dialing", "waiting", "idleCap", "streams", "idleConnections",
                    "activeConnections");
            assertThat(key).containsEntry("key", "|http|" + server.address()).containsEntry("transport", "default")
                    .containsEntry("proxy", "")
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
    void listsEachConnectionHeldByARequestWithItsRequestLineThreadAndTimes() throws Exception {
        try (Response response = transport.roundTrip(Request.get(server.url("/hello?token=secret")))) {
            Map<String, Object> json = endpoint.pool();

            assertThat(list(json, "keys")).singleElement().satisfies((key) -> {
                assertThat(key).containsEntry("active", 1);
                assertThat(list(key, "activeConnections")).singleElement().satisfies((held) -> {
                    assertThat(held).containsOnlyKeys("id", "localAddress", "remoteAddress", "protocol",
                            "checkedOutAt", "heldMillis", "ageMillis", "requests", "request", "thread",
                            "leakSuspected", "streams");
                    assertThat(held.get("id")).isInstanceOf(Long.class);
                    assertThat(held.get("localAddress")).asString().startsWith("127.0.0.1:");
                    assertThat(held.get("remoteAddress")).isEqualTo(server.address());
                    assertThat(held.get("protocol")).isEqualTo("HTTP/1.1");
                    assertThat(Instant.parse((String) held.get("checkedOutAt"))).isBeforeOrEqualTo(Instant.now());
                    assertThat(held.get("heldMillis")).isInstanceOf(Long.class);
                    assertThat(held.get("ageMillis")).isInstanceOf(Long.class);
                    assertThat(held.get("requests")).isEqualTo(1L);
                    assertThat(held.get("request")).isEqualTo("GET /hello");
                    assertThat(held.get("thread")).isEqualTo(Thread.currentThread().getName());
                    assertThat(held.get("leakSuspected")).isEqualTo(false);
                    assertThat(held.get("streams")).isEqualTo(0);
                });
            });
            response.body().readAllBytes();
        }
        assertThat(list(endpoint.pool(), "keys")).singleElement()
                .satisfies((key) -> assertThat(list(key, "activeConnections")).isEmpty());
    }

    @Test
    void filtersKeysByAddress() throws Exception {
        get(server.url("/hello"));
        get(other.url("/hello"));
        assertThat(list(endpoint.pool(), "keys")).hasSize(2);
        Map<String, Object> json = endpoint.poolForAddress(other.address());
        assertThat(list(json, "keys")).singleElement()
                .satisfies((key) -> assertThat(key).containsEntry("address", other.address()));
        assertThat(map(json, "totals")).as("the totals of that address").containsEntry("connections", 1);
        assertThat(map(json, "stats")).containsEntry("dials", 1L);
        assertThat(endpoint.poolForAddress("127.0.0.1:1")).as("no key: 404").isNull();
    }

    @Test
    void listsTheKeysOfTheTransportsMadePerConnectTimeoutWithTheirNameAndSumsThem() throws Exception {
        HttpPoolTransports transports = new HttpPoolTransports(transport, transport, null,
                (shared, dialTimeout, bundle) -> Transport.builder()
                        .config(shared.config().toBuilder().dialTimeout(dialTimeout).build()).build());
        endpoint = new HttpPoolEndpoint(transports);
        try {
            get(server.url("/hello"));
            Transport derived = (Transport) transports.roundTripper(Duration.ofSeconds(2), null);
            try (Response response = derived.roundTrip(Request.get(server.url("/hello")))) {
                response.body().readAllBytes();
            }

            Map<String, Object> json = endpoint.pool();

            assertThat(transports.named()).containsOnlyKeys("default", "connect-timeout=2s");
            assertThat(list(json, "keys")).extracting((key) -> key.get("transport") + " " + key.get("key"))
                    .containsExactly("default |http|" + server.address(),
                            "connect-timeout=2s |http|" + server.address());
            assertThat(map(json, "totals")).containsEntry("connections", 2).containsEntry("idle", 2);
            assertThat(map(json, "stats")).containsEntry("dials", 2L);
            assertThat(map(endpoint.poolForAddress(server.address()), "totals")).containsEntry("connections", 2);
            assertThat(map(json, "settings")).as("the shared transport's").containsEntry("dialTimeout", "PT30S");
        } finally {
            transports.close();
        }
    }

    @Test
    void showsTheAdviceOfEachAddressAndFiltersIt() throws Exception {
        transport.close();
        transport = Transport.builder().config(TransportConfig.builder().maxConnsPerHost(1)
                .connWaitTimeout(Duration.ofMillis(100)).build()).build();
        endpoint = new HttpPoolEndpoint(new HttpPoolTransports(transport, transport, null,
                (shared, dialTimeout, bundle) -> Transport.create()));
        get(other.url("/hello"));
        try (Response held = transport.roundTrip(Request.get(server.url("/hello")))) {
            assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> get(server.url("/hello"))))
                    .isInstanceOf(dev.httppool.ConnWaitTimeoutException.class);
            held.body().readAllBytes();
        }

        assertThat(list(endpoint.pool(), "advice")).singleElement().satisfies((advice) -> {
            assertThat(advice).containsOnlyKeys("key", "setting", "current", "suggested", "reason");
            assertThat(advice).containsEntry("key", "|http|" + server.address())
                    .containsEntry("setting", "max-conns-per-host").containsEntry("current", "1")
                    .containsEntry("suggested", "2");
            assertThat(advice.get("reason")).asString().contains("1 after conn-wait-timeout");
        });
        assertThat(list(endpoint.poolForAddress(server.address()), "advice")).hasSize(1);
        assertThat(list(endpoint.poolForAddress(other.address()), "advice")).isEmpty();
    }

    @Test
    void showsTheProxySettingsWithThePasswordMasked() {
        endpoint = new HttpPoolEndpoint(new HttpPoolTransports(transport, transport, null,
                (shared, dialTimeout, bundle) -> Transport.create()), "http://user:s3cret@proxy.test:3128",
                "localhost,.internal");

        assertThat(map(endpoint.pool(), "settings")).containsEntry("proxy", "http://user:***@proxy.test:3128")
                .containsEntry("noProxy", "localhost,.internal");
        assertThat(endpoint.pool().toString()).doesNotContain("s3cret");
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
