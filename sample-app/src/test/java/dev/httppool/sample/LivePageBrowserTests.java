package dev.httppool.sample;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import dev.httppool.Request;
import dev.httppool.Response;
import dev.httppool.Transport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The live page in a real browser: the sample runs a load against its own upstream, then headless chromium opens
 * {@code /actuator/httppool} as a user would, and the DOM it renders must show the key, its counts, a chart, the
 * connections, the close reasons and the "close idle connections" button. Skipped when no chromium is installed.
 * As in SampleApplicationTests, the hosts list is replaced by an entry without min-idle: no warm dials to 8080,
 * where nothing listens (a retried dial in flight would show that key on the page).
 */
@EnabledIf(value = HeadlessChromium.INSTALLED, disabledReason = HeadlessChromium.MISSING)
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "http.pool.hosts[0].match=127.0.0.1:8080")
class LivePageBrowserTests {

    /** Enough virtual time for the page's first polls (one a second) to land. */
    static final int VIRTUAL_MILLIS = 3000;

    private static final Pattern POLYLINE = Pattern.compile("<polyline points=\"([^\"]*)\"[^>]*data-series=\"(\\w+)\"");

    private final HttpClient http = HttpClient.newHttpClient();

    private final HeadlessChromium chromium = HeadlessChromium.installed();

    @LocalServerPort
    private int port;

    @Autowired
    private Transport transport;

    /** This context is shared with the other sample tests: leave them an empty pool. */
    @AfterEach
    void closeIdleConnections() {
        transport.closeIdleConnections();
    }

    @Test
    void showsTheKeyItsCountsAChartTheConnectionsAndTheCloseButton() throws Exception {
        String key = "|http|127.0.0.1:" + port;
        assertThat(JsonPath.<Integer>read(get("/demo/load?path=/upstream/close&requests=2"), "$.succeeded"))
                .isEqualTo(2);
        assertThat(JsonPath.<Integer>read(get("/demo/load?path=/upstream/fast&requests=20&concurrency=4"),
                "$.succeeded")).isEqualTo(20);

        // A response whose body is not read yet holds its connection: the page must show it active.
        try (Response held = transport.roundTrip(Request.get(url("/upstream/large?kb=256")))) {
            String json = get("/actuator/httppool");
            assertThat(JsonPath.<List<String>>read(json, "$.keys[*].key")).containsExactly(key);
            int idle = JsonPath.read(json, "$.keys[0].idle");
            assertThat(idle).isPositive();
            assertThat(JsonPath.<Integer>read(json, "$.keys[0].active")).isEqualTo(1);

            String dom = chromium.dumpDom(url("/actuator/httppool"), VIRTUAL_MILLIS);

            assertThat(dom).as("the page read the JSON").contains("<span class=\"status\" id=\"status\">updated ");
            String card = keyCard(dom, key);
            assertThat(card).contains("<h2>" + key + "</h2>", count("idle", idle), count("active", 1),
                    count("dialing", 0), count("waiting", 0));
            assertThat(card).contains("<h3>Idle connections (next handed out last)</h3>", "<td>HTTP/1.1</td>");
            if (JsonPath.<List<Object>>read(json, "$.keys[*].activeConnections").size() == 1) {
                assertThat(card).contains("<h3>Active connections</h3>", "<td>GET /upstream/large</td>");
            }
            Map<String, Integer> chart = chartPoints(card);
            assertThat(chart).containsOnlyKeys("idle", "active", "dialing", "waiting");
            assertThat(chart.values()).allSatisfy((points) -> assertThat(points).isGreaterThanOrEqualTo(2));
            // Stats by close reason: the two "Connection: close" answers.
            assertThat(dom).contains("<td>connection-close</td>");
            assertThat(dom).contains("id=\"close-idle\"");
        }
    }

    static String keyCard(String dom, String key) {
        int start = dom.indexOf("<section class=\"key\" data-key=\"" + key + "\">");
        assertThat(start).as("a card for %s in %s", key, dom).isNotNegative();
        return dom.substring(start, dom.indexOf("</section>", start));
    }

    static String count(String name, int value) {
        return "<b data-count=\"" + name + "\">" + value + "</b>";
    }

    /** Each chart series and how many points its polyline has. */
    static Map<String, Integer> chartPoints(String html) {
        Map<String, Integer> series = new LinkedHashMap<>();
        Matcher m = POLYLINE.matcher(html);
        while (m.find()) {
            series.put(m.group(2), m.group(1).isBlank() ? 0 : m.group(1).trim().split("\\s+").length);
        }
        return series;
    }

    private String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    private String get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url(path))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
        return response.body();
    }
}
