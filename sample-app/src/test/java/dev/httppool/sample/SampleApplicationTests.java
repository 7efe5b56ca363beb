package dev.httppool.sample;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Starts the sample as a user would, runs a small load against its own upstream and reads the pool. It listens on
 * a random port, not on the 8080 that application.yml's warm hosts entry names, so that list is replaced (a list
 * property is replaced whole) by one entry without min-idle: nothing is dialed to a port another process may hold.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "http.pool.hosts[0].match=127.0.0.1:8080")
class SampleApplicationTests {

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    private int port;

    @Test
    void loadReusesConnectionsAndTheEndpointShowsThePool() throws Exception {
        String warmUp = get("/demo/load?path=/upstream/fast&requests=20&concurrency=4");
        assertThat(JsonPath.<Integer>read(warmUp, "$.succeeded")).isEqualTo(20);
        assertThat(JsonPath.<Integer>read(warmUp, "$.connections.opened")).isGreaterThanOrEqualTo(1);
        // The warm-up left its connections idle (the auto cap keeps as many as were in use at once): 4 workers
        // never need a new one.
        String load = get("/demo/load?path=/upstream/fast&requests=40&concurrency=4");
        assertThat(JsonPath.<Integer>read(load, "$.succeeded")).isEqualTo(40);
        assertThat(JsonPath.<Integer>read(load, "$.connections.opened")).isZero();
        assertThat(JsonPath.<Integer>read(load, "$.connections.reused")).isEqualTo(40);

        String closing = get("/demo/load?path=/upstream/close&requests=3&concurrency=1");
        // Each answer says "Connection: close", so each connection (idle ones from the first load included) serves
        // one request and is closed.
        assertThat(JsonPath.<Integer>read(closing, "$.connections.opened")
                + JsonPath.<Integer>read(closing, "$.connections.reused")).isEqualTo(3);
        assertThat(JsonPath.<Integer>read(closing, "$.connections.closed['connection-close']")).isEqualTo(3);

        assertThat(JsonPath.<Integer>read(get("/demo/load?path=/upstream/chunked&requests=5"), "$.succeeded"))
                .isEqualTo(5);
        assertThat(JsonPath.<Integer>read(get("/demo/load?path=/upstream/large&requests=2&concurrency=2"),
                "$.bytesReceived")).isEqualTo(2 * 1024 * 1024);

        String pool = get("/actuator/httppool");
        assertThat(JsonPath.<List<String>>read(pool, "$.keys[*].key")).containsExactly("|http|127.0.0.1:" + port);
        assertThat(JsonPath.<String>read(pool, "$.settings.maxIdleConnsPerHost")).isEqualTo("auto");
        assertThat(JsonPath.<Integer>read(pool, "$.keys[0].idleCap")).isGreaterThanOrEqualTo(2);
        assertThat(get("/actuator/health")).contains("\"status\":\"UP\"");
        assertThat(get("/actuator/metrics/http.pool.dials")).contains("http.pool.dials");
    }

    private String get(String path) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
        return response.body();
    }
}
