package dev.httppool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.httppool.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The README's "Using the core directly" example, as printed there (imports included) but for the server's URL:
 * if this stops compiling, the README's example does too.
 */
@Timeout(30)
class ReadmeCoreExampleTest {

    @Test
    void theReadmesCoreExampleCompilesAndPostsThroughThePool() throws Exception {
        try (TestServer server = TestServer.start()) {
            server.on("/items", (exchange, body) -> TestServer.respond(exchange, 201, "created"));
            String url = server.url("/items");
            String seen = null;

            // --- as in the README, from here ---
            try (Transport transport = Transport.builder()
                    .config(TransportConfig.builder()
                            .maxIdleConnsPerHost(16)          // Go's default is 2
                            .maxConnsPerHost(64)              // 0 = no limit
                            .connWaitTimeout(Duration.ofSeconds(2))
                            .build())
                    .build()) {

                Request request = Request.builder(url)
                        .post(RequestBody.of("{\"name\":\"x\"}"))
                        .header("Content-Type", "application/json")
                        .header("Idempotency-Key", "3f1c")   // makes a POST retryable on a dead reused connection
                        .readTimeout(Duration.ofSeconds(5))
                        .build();

                try (Response response = transport.roundTrip(request)) {
                    int status = response.status();
                    String body = new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
                    seen = status + " " + body;
                }   // reading to the end already returned the connection; close() after that is a no-op

                PoolSnapshot snapshot = transport.snapshot();   // totals, stats, per key: idle connections, LRU first
                assertThat(snapshot.totals().idle()).isEqualTo(1);
            }
            // --- to here ---

            assertThat(seen).isEqualTo("201 created");
            assertThat(server.takeRequest().bodyText()).isEqualTo("{\"name\":\"x\"}");
        }
    }
}
