package dev.httppool.spring.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.httppool.Transport;
import dev.httppool.testing.TestServer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

/**
 * Issue 4, secrets and write access in a running application: the proxy's password (from
 * {@code http.pool.proxy.url}), {@code Authorization} and {@code Proxy-Authorization} values appear in no log
 * line (everything logged at DEBUG and above, captured), no exception, no endpoint response and no meter tag;
 * and with {@code management.endpoint.httppool.access=read-only} the pool can be viewed but not closed.
 * Every server listens on 127.0.0.1; the "proxy" is a loopback server that answers absolute-form requests.
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = { "server.address=127.0.0.1",
        "management.endpoints.web.exposure.include=httppool,metrics", "management.endpoint.httppool.access=read-only",
        "logging.level.dev.httppool=TRACE", "logging.level.org.springframework.web=DEBUG",
        "http.pool.max-idle-conns-per-host=4" })
class HttpPoolSecretsTests {

    private static final String PROXY_PASSWORD = "pr0xy-s3cret";
    private static final String BEARER_TOKEN = "t0ken-s3cret";
    private static final String PROXY_AUTH_PASSWORD = "hdr-s3cret";
    private static final List<String> SECRETS = List.of(PROXY_PASSWORD, BEARER_TOKEN, PROXY_AUTH_PASSWORD,
            base64("alice:" + PROXY_PASSWORD), base64("carol:" + PROXY_AUTH_PASSWORD));

    private static TestServer proxy;

    private final HttpClient actuatorClient = HttpClient.newHttpClient();

    @LocalServerPort
    private int port;

    @Autowired
    private RestClient.Builder restClientBuilder;

    @Autowired
    private Transport transport;

    @Autowired
    private MeterRegistry meterRegistry;

    @BeforeAll
    static void startProxy() throws IOException {
        proxy = TestServer.start();
        proxy.text("/items", "[\"a\"]");
    }

    @AfterAll
    static void stopProxy() {
        proxy.close();
    }

    @DynamicPropertySource
    static void proxyUrl(DynamicPropertyRegistry registry) {
        registry.add("http.pool.proxy.url", () -> "http://alice:" + PROXY_PASSWORD + "@" + proxy.address());
    }

    private static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void proxyPasswordAndAuthorizationValuesAppearInNoLogExceptionEndpointResponseOrMeterTag(CapturedOutput output)
            throws Exception {
        RestClient client = restClientBuilder.defaultHeader("Authorization", "Bearer " + BEARER_TOKEN)
                .defaultHeader("Proxy-Authorization", "Basic " + base64("carol:" + PROXY_AUTH_PASSWORD)).build();
        List<String> shown = new ArrayList<>();

        assertThat(client.get().uri("http://upstream.invalid/items").retrieve().body(String.class)).isEqualTo("[\"a\"]");
        TestServer.Recorded sent;
        do { // skip what other tests of this class sent
            sent = proxy.takeRequest();
        } while (sent.header("Authorization") == null);
        assertThat(sent.header("Authorization")).as("the header is sent").isEqualTo("Bearer " + BEARER_TOKEN);
        // An https target makes the transport CONNECT through the proxy, which refuses: an I/O error.
        Throwable failure = catchThrowable(() -> client.get().uri("https://upstream.invalid/items").retrieve()
                .body(String.class));
        assertThat(failure).as("the CONNECT refusal reaches the caller").isNotNull();
        StringWriter trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        shown.add(trace.toString());

        shown.add(actuator("GET", "/actuator/httppool", 200));
        // Keys are filtered by their target's address: 200 while the connection through the proxy is pooled, 404
        // (no key) once it is closed.
        shown.add(send("GET", "/actuator/httppool/upstream.invalid:80").body());
        for (String meter : List.of("http.pool.connections", "http.pool.dials", "http.pool.acquire", "http.pool.closed",
                "http.pool.dial.duration", "http.pool.rejected")) {
            shown.add(send("GET", "/actuator/metrics/" + meter).body()); // 404 for a meter not registered yet
        }
        for (Meter meter : meterRegistry.getMeters()) {
            for (Tag tag : meter.getId().getTags()) {
                shown.add(meter.getId().getName() + " " + tag.getKey() + "=" + tag.getValue());
            }
        }
        shown.add(transport.snapshot().toString());
        shown.add(output.getAll());

        assertThat(String.join("\n", shown)).as("the proxy is shown, masked").contains("alice:***@");
        assertThat(shown).allSatisfy(text -> {
            for (String secret : SECRETS) {
                assertThat(text).doesNotContain(secret);
            }
        });
    }

    @Test
    void withReadOnlyAccessTheEndpointShowsThePoolButDeleteClosesNothing() throws Exception {
        RestClient client = restClientBuilder.build();
        assertThat(client.get().uri("http://upstream.invalid/items").retrieve().body(String.class)).isEqualTo("[\"a\"]");
        int idle = transport.snapshot().totals().idle();
        assertThat(idle).isPositive();

        assertThat(actuator("GET", "/actuator/httppool", 200)).contains("\"idle\":" + idle);
        int deleteStatus = actuatorStatus("DELETE", "/actuator/httppool");

        assertThat(deleteStatus).as("DELETE is refused").isBetween(400, 499);
        assertThat(transport.snapshot().totals().idle()).as("nothing was closed").isEqualTo(idle);
    }

    private String actuator(String method, String path, int expectedStatus) throws IOException, InterruptedException {
        HttpResponse<String> response = send(method, path);
        assertThat(response.statusCode()).as("%s %s: %s", method, path, response.body()).isEqualTo(expectedStatus);
        return response.body();
    }

    private int actuatorStatus(String method, String path) throws IOException, InterruptedException {
        return send(method, path).statusCode();
    }

    private HttpResponse<String> send(String method, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        return actuatorClient.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class TestApplication {
    }
}
