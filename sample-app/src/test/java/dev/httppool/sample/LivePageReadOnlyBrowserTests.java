package dev.httppool.sample;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The live page with {@code management.endpoint.httppool.access=read-only}: it still shows the pool, but offers no
 * "close idle connections", since DELETE is not mapped. Skipped when no chromium is installed.
 */
@EnabledIf(value = HeadlessChromium.INSTALLED, disabledReason = HeadlessChromium.MISSING)
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = {"management.endpoint.httppool.access=read-only", "http.pool.hosts[0].match=127.0.0.1:8080"})
class LivePageReadOnlyBrowserTests {

    private final HttpClient http = HttpClient.newHttpClient();

    private final HeadlessChromium chromium = HeadlessChromium.installed();

    @LocalServerPort
    private int port;

    @Test
    void showsThePoolButNoCloseButtonWhenTheEndpointIsReadOnly() throws Exception {
        String key = "|http|127.0.0.1:" + port;
        HttpResponse<String> load = send("GET", "/demo/load?path=/upstream/fast&requests=10&concurrency=2");
        assertThat(JsonPath.<Integer>read(load.body(), "$.succeeded")).isEqualTo(10);

        String dom = chromium.dumpDom("http://127.0.0.1:" + port + "/actuator/httppool",
                LivePageBrowserTests.VIRTUAL_MILLIS);

        assertThat(LivePageBrowserTests.keyCard(dom, key)).contains("<h2>" + key + "</h2>", "data-count=\"idle\"");
        assertThat(LivePageBrowserTests.chartPoints(dom)).containsKey("idle");
        assertThat(dom).contains("<body data-close-idle=\"false\">").doesNotContain("close-idle\"", "<button");
        // The page agrees with the endpoint: DELETE is not there.
        assertThat(send("DELETE", "/actuator/httppool").statusCode()).isEqualTo(405);
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }
}
