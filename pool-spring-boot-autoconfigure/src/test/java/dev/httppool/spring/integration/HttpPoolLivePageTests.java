package dev.httppool.spring.integration;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Content negotiation of {@code GET /actuator/httppool} over HTTP, without a browser: a browser (text/html) gets the
 * live page, every other client keeps getting JSON as before.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = { "server.address=127.0.0.1",
        "management.endpoints.web.exposure.include=httppool" })
class HttpPoolLivePageTests {

    private static final String BROWSER_ACCEPT =
            "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    private int port;

    @Test
    void aBrowserGetsTheLivePage() throws Exception {
        HttpResponse<String> response = get("/actuator/httppool", BROWSER_ACCEPT);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/html;charset=UTF-8");
        assertThat(response.body()).startsWith("<!DOCTYPE html>").contains("<body data-close-idle=\"true\">");
    }

    @Test
    void textHtmlGetsTheLivePage() throws Exception {
        assertThat(get("/actuator/httppool", "text/html").body()).startsWith("<!DOCTYPE html>");
    }

    @Test
    void jsonClientsStillGetJson() throws Exception {
        assertJson(get("/actuator/httppool", "application/json"), "application/json");
        assertJson(get("/actuator/httppool", "application/vnd.spring-boot.actuator.v3+json"),
                "application/vnd.spring-boot.actuator.v3+json");
        assertJson(get("/actuator/httppool", "application/json, text/plain, */*"), "application/json");
    }

    @Test
    void clientsThatAcceptAnythingOrSayNothingGetJson() throws Exception {
        assertJson(get("/actuator/httppool", "*/*"), "application/vnd.spring-boot.actuator.v3+json");
        assertJson(get("/actuator/httppool", null), "application/vnd.spring-boot.actuator.v3+json");
    }

    private static void assertJson(HttpResponse<String> response, String contentType) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue(contentType);
        assertThat(response.body()).startsWith("{").contains("\"totals\":", "\"keys\":");
    }

    private HttpResponse<String> get(String path, String accept) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (accept != null) {
            request.header("Accept", accept);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class TestApplication {
    }
}
