package dev.httppool.spring.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.httppool.PoolSnapshot;
import dev.httppool.Transport;
import dev.httppool.spring.autoconfigure.HttpPoolAutoConfiguration;
import dev.httppool.spring.autoconfigure.HttpPoolHttpClientAutoConfiguration;
import dev.httppool.testing.HostileBodyServer;
import dev.httppool.testing.HostileBodyServer.Body;
import dev.httppool.testing.ScriptServer;
import java.io.IOException;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

/**
 * Issue 11, through Spring: a {@code RestClient} from the starter's {@code RestClient.Builder} cannot be made to
 * smuggle a request with a {@code Content-Length} shorter than its body, and cannot be held up by a server that
 * trickles a body it is not read.
 */
@Timeout(60)
class HttpPoolHostileServerTests {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(HttpPoolAutoConfiguration.class,
                    HttpPoolHttpClientAutoConfiguration.class, HttpClientAutoConfiguration.class,
                    ImperativeHttpClientAutoConfiguration.class, SslAutoConfiguration.class,
                    HttpMessageConvertersAutoConfiguration.class, RestClientAutoConfiguration.class));

    @Test
    void aContentLengthShorterThanTheBodyFailsTheRequestAndNoBytePastItReachesTheServer() {
        try (ScriptServer server = ScriptServer.start(conn -> {
            try {
                ScriptServer.Request request;
                while ((request = conn.readRequest()) != null) {
                    conn.respond(200, "got " + request.bodyText());
                }
            } catch (IOException clientGaveUp) {
                // the client abandoned the request in the middle of its body
            }
        })) {
            runner.run((context) -> {
                RestClient client = context.getBean(RestClient.Builder.class).build();
                Transport transport = context.getBean(Transport.class);
                String smuggling = "hello" + "GET /smuggled HTTP/1.1\r\nHost: evil\r\n\r\n";

                Throwable thrown = catchThrowable(() -> client.post().uri(server.url("/upload"))
                        .contentType(MediaType.TEXT_PLAIN).contentLength(5).body(smuggling)
                        .retrieve().body(String.class));

                assertThat(thrown).isInstanceOf(ResourceAccessException.class)
                        .hasRootCauseInstanceOf(ProtocolException.class)
                        .hasStackTraceContaining("expected 5 bytes but received at least");
                assertThat(server.awaitAccepted(1, WAIT) && server.awaitOpenCount(0, WAIT))
                        .as("the client closed the connection").isTrue();
                String received = new String(server.received(1), StandardCharsets.ISO_8859_1);
                assertThat(received).doesNotContain("smuggled");
                int headEnd = received.indexOf("\r\n\r\n"); // -1: the head never left the client's buffer
                assertThat(headEnd < 0 ? 0 : received.length() - headEnd - 4).as("body bytes the server received")
                        .isLessThanOrEqualTo(5);
                assertThat(server.requests()).extracting(ScriptServer.Request::target).doesNotContain("/smuggled");
                PoolSnapshot.Totals totals = transport.snapshot().totals();
                assertThat(totals.active() + totals.dialing() + totals.waiting() + totals.connections()).isZero();
                assertThat(client.post().uri(server.url("/upload")).contentType(MediaType.TEXT_PLAIN)
                        .body("hello").retrieve().body(String.class)).isEqualTo("got hello");
            });
            server.assertNoHandlerErrors();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Body.class, names = {"TRICKLE", "TRICKLE_CHUNKED"})
    void toBodilessEntityReturnsWithinTheDrainDeadlineWhenTheServerTricklesTheBody(Body body) {
        HostileBodyServer hostile = HostileBodyServer.create();
        try (ScriptServer server = ScriptServer.start(hostile.handler())) {
            runner.run((context) -> {
                RestClient client = context.getBean(RestClient.Builder.class).build();
                Transport transport = context.getBean(Transport.class);

                long start = System.nanoTime();
                ResponseEntity<Void> entity = client.get().uri(server.url(body.path())).retrieve()
                        .toBodilessEntity();
                Duration took = Duration.ofNanos(System.nanoTime() - start);

                assertThat(entity.getStatusCode().value()).isEqualTo(200);
                assertThat(took).as("the drain's deadline is 300 ms").isLessThan(WAIT);
                assertThat(server.awaitOpenCount(0, WAIT)).as("the unfinished body's connection is closed").isTrue();
                assertThat(transport.snapshot().totals().connections()).isZero();
                assertThat(client.get().uri(server.url("/after")).retrieve().body(String.class)).isEqualTo("ok /after");
            });
            server.assertNoHandlerErrors();
        }
    }
}
