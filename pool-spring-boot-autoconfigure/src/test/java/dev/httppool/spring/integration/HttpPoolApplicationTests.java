package dev.httppool.spring.integration;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.jayway.jsonpath.JsonPath;
import dev.httppool.Transport;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;

/**
 * The whole starter in a running web application: a RestClient from Spring Boot's builder calls a WireMock
 * upstream through the shared transport, and the pool shows in {@code /actuator/httppool} and
 * {@code /actuator/metrics}, read over HTTP. Everything listens on 127.0.0.1.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = { "server.address=127.0.0.1",
        "management.endpoints.web.exposure.include=httppool,metrics", "http.pool.max-idle-conns-per-host=4" })
class HttpPoolApplicationTests {

    private static WireMockServer upstream;

    private final HttpClient actuatorClient = HttpClient.newHttpClient();

    @LocalServerPort
    private int port;

    @Autowired
    private RestClient.Builder restClientBuilder;

    @Autowired
    private Transport transport;

    @BeforeAll
    static void startUpstream() {
        upstream = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        upstream.start();
        upstream.stubFor(get("/api/items").willReturn(okJson("[\"a\",\"b\"]")));
        upstream.stubFor(post("/api/items").willReturn(okJson("{\"id\":1}")));
    }

    @AfterAll
    static void stopUpstream() {
        upstream.stop();
    }

    @BeforeEach
    void emptyThePool() {
        transport.closeIdleConnections();
        upstream.resetRequests();
    }

    @Test
    void restClientReusesPooledConnectionsAndTheEndpointShowsThem() throws Exception {
        RestClient client = restClientBuilder.baseUrl("http://127.0.0.1:" + upstream.port()).build();
        long dialsBefore = transport.snapshot().stats().dials();
        long reusedBefore = transport.snapshot().stats().reused();
        for (int i = 0; i < 5; i++) {
            assertThat(client.get().uri("/api/items").retrieve().body(String[].class)).containsExactly("a", "b");
        }
        assertThat(client.post().uri("/api/items").contentType(MediaType.APPLICATION_JSON).body(Map.of("name", "c"))
                .retrieve().body(String.class)).isEqualTo("{\"id\":1}");
        upstream.verify(5, getRequestedFor(urlEqualTo("/api/items")));
        upstream.verify(1, postRequestedFor(urlEqualTo("/api/items")).withRequestBody(equalTo("{\"name\":\"c\"}")));
        assertThat(transport.snapshot().stats().dials() - dialsBefore).isEqualTo(1);
        assertThat(transport.snapshot().stats().reused() - reusedBefore).isEqualTo(5);

        String address = "127.0.0.1:" + upstream.port();
        String pool = actuator("GET", "/actuator/httppool", 200);
        assertThat(JsonPath.<Integer>read(pool, "$.settings.maxIdleConnsPerHost")).isEqualTo(4);
        assertThat(JsonPath.<String>read(pool, "$.settings.idleConnTimeout")).isEqualTo("PT1M30S");
        assertThat(JsonPath.<String>read(pool, "$.settings.connWaitTimeout")).isEqualTo("PT0S");
        assertThat(JsonPath.<Integer>read(pool, "$.totals.idle")).isEqualTo(1);
        assertThat(JsonPath.<List<String>>read(pool, "$.keys[*].key")).containsExactly("|http|" + address);
        assertThat(JsonPath.<Integer>read(pool, "$.keys[0].idleConnections[0].requests")).isEqualTo(6);
        assertThat(JsonPath.<String>read(pool, "$.keys[0].idleConnections[0].idleSince")).endsWith("Z");

        String filtered = actuator("GET", "/actuator/httppool/" + address, 200);
        assertThat(JsonPath.<List<String>>read(filtered, "$.keys[*].address")).containsExactly(address);
        assertThat(JsonPath.<Integer>read(filtered, "$.totals.idle")).isEqualTo(1);
        assertThat(JsonPath.<List<Object>>read(filtered, "$.advice")).isEmpty();
        actuator("GET", "/actuator/httppool/127.0.0.1:1", 404); // no key for that address
        assertThat(JsonPath.<String>read(pool, "$.keys[0].transport")).isEqualTo("default");
        assertThat(JsonPath.<String>read(pool, "$.settings.dialTimeout")).isEqualTo("PT30S");

        String dials = actuator("GET", "/actuator/metrics/http.pool.dials?tag=" + tag("key", "|http|" + address), 200);
        assertThat(JsonPath.<Double>read(dials, "$.measurements[0].value")).isEqualTo(1.0);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            String idle = actuator("GET", "/actuator/metrics/http.pool.connections?tag=" + tag("key", "|http|" + address)
                    + "&tag=" + tag("state", "idle"), 200);
            assertThat(JsonPath.<Double>read(idle, "$.measurements[0].value")).isEqualTo(1.0);
        });

        assertThat(actuator("DELETE", "/actuator/httppool", 200)).isEqualTo("{\"closed\":1}");
        assertThat(transport.snapshot().totals().connections()).isZero();
        String closed = actuator("GET", "/actuator/metrics/http.pool.closed?tag=" + tag("reason", "close-idle"), 200);
        assertThat(JsonPath.<Double>read(closed, "$.measurements[0].value")).isGreaterThanOrEqualTo(1.0);
    }

    private String actuator(String method, String path, int expectedStatus) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<String> response = actuatorClient.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("%s %s: %s", method, path, response.body()).isEqualTo(expectedStatus);
        return response.body();
    }

    private static String tag(String name, String value) {
        return URLEncoder.encode(name + ":" + value, StandardCharsets.UTF_8);
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class TestApplication {
    }
}
