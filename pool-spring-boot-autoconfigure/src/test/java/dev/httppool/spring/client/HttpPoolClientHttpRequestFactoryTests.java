package dev.httppool.spring.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.httppool.Transport;
import dev.httppool.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.InputStreamResource;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

class HttpPoolClientHttpRequestFactoryTests {

    private TestServer server;
    private Transport transport;
    private HttpPoolClientHttpRequestFactory factory;
    private RestClient client;

    @BeforeEach
    void start() throws IOException {
        server = TestServer.start();
        transport = Transport.create();
        factory = new HttpPoolClientHttpRequestFactory(transport);
        client = RestClient.builder().requestFactory(factory).build();
    }

    @AfterEach
    void stop() {
        transport.close();
        server.close();
    }

    @Test
    void sendsKnownLengthBodyWithContentLength() throws Exception {
        server.text("/echo", "ok");
        String answer = client.post().uri(server.url("/echo")).contentType(MediaType.TEXT_PLAIN).body("hello")
                .retrieve().body(String.class);
        assertThat(answer).isEqualTo("ok");
        TestServer.Recorded request = server.takeRequest();
        assertThat(request.header("Content-Length")).isEqualTo("5");
        assertThat(request.header("Transfer-Encoding")).isNull();
        assertThat(request.bodyText()).isEqualTo("hello");
    }

    @Test
    void streamsUnknownLengthBodyChunked() throws Exception {
        server.text("/echo", "ok");
        byte[] payload = "streamed body".getBytes(StandardCharsets.UTF_8);
        ClientHttpRequest request = factory.createRequest(java.net.URI.create(server.url("/echo")), HttpMethod.PUT);
        ((org.springframework.http.StreamingHttpOutputMessage) request).setBody((out) -> out.write(payload));
        try (ClientHttpResponse response = request.execute()) {
            assertThat(response.getStatusCode().value()).isEqualTo(200);
        }
        TestServer.Recorded recorded = server.takeRequest();
        assertThat(recorded.header("Transfer-Encoding")).isEqualToIgnoringCase("chunked");
        assertThat(recorded.header("Content-Length")).isNull();
        assertThat(recorded.body()).isEqualTo(payload);
    }

    @Test
    void mapsHeadersBothWays() throws Exception {
        server.on("/headers", (exchange, body) -> {
            exchange.getResponseHeaders().add("X-Answer", "one");
            exchange.getResponseHeaders().add("X-Answer", "two");
            TestServer.respond(exchange, 200, "ok");
        });
        ResponseEntity<String> entity = client.get().uri(server.url("/headers"))
                .header("X-Multi", "a", "b").header("Accept", "text/plain").retrieve().toEntity(String.class);
        assertThat(entity.getHeaders().get("X-Answer")).containsExactly("one", "two");
        assertThat(entity.getHeaders().getContentLength()).isEqualTo(2);
        TestServer.Recorded request = server.takeRequest();
        assertThat(request.headers().get("x-multi")).containsExactly("a", "b");
        assertThat(request.header("Accept")).isEqualTo("text/plain");
    }

    @Test
    void reusesTheConnectionOnceTheResponseIsRead() throws Exception {
        server.text("/a", "first").text("/b", "second");
        assertThat(client.get().uri(server.url("/a")).retrieve().body(String.class)).isEqualTo("first");
        assertThat(client.get().uri(server.url("/b")).retrieve().body(String.class)).isEqualTo("second");
        assertThat(server.takeRequest().clientPort()).isEqualTo(server.takeRequest().clientPort());
        assertThat(transport.snapshot().stats().dials()).isEqualTo(1);
        assertThat(transport.snapshot().stats().reused()).isEqualTo(1);
    }

    @Test
    void aRequestWithoutHeadersCarriesOnlyWhatTheTransportAddsAndItsResponseHeadersAreReadable() throws Exception {
        server.text("/plain", "ok");
        ClientHttpRequest request = factory.createRequest(java.net.URI.create(server.url("/plain")), HttpMethod.GET);
        assertThat(request.getHeaders().isEmpty()).isTrue();

        try (ClientHttpResponse response = request.execute()) {
            assertThat(response.getHeaders().getContentLength()).isEqualTo(2);
            assertThat(response.getHeaders().getFirst("content-LENGTH")).isEqualTo("2");
            assertThat(new String(response.getBody().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("ok");
        }
        TestServer.Recorded recorded = server.takeRequest();
        assertThat(recorded.headers().keySet()).map(String::toLowerCase)
                .containsExactlyInAnyOrder("host", "user-agent", "accept-encoding");
    }

    @Test
    void closingAnUnreadResponseReturnsTheConnectionToThePool() throws Exception {
        server.text("/unread", "x".repeat(10_000));
        ClientHttpRequest request = factory.createRequest(java.net.URI.create(server.url("/unread")), HttpMethod.GET);
        try (ClientHttpResponse response = request.execute()) {
            assertThat(response.getBody().read()).isEqualTo('x');
        }
        assertThat(transport.snapshot().totals().idle()).isEqualTo(1);
    }

    @Test
    void appliesTheReadTimeout() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        server.on("/slow", (exchange, body) -> {
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            TestServer.respond(exchange, 200, "late");
        });
        factory.setReadTimeout(Duration.ofMillis(200));
        try {
            assertThatExceptionOfType(ResourceAccessException.class)
                    .isThrownBy(() -> client.get().uri(server.url("/slow")).retrieve().body(String.class))
                    .withRootCauseInstanceOf(SocketTimeoutException.class);
        } finally {
            release.countDown();
        }
    }

    @Test
    void sendsAOneShotBodyOnce() throws Exception {
        server.text("/upload", "stored");
        InputStreamResource resource = new InputStreamResource(new ByteArrayInputStream(new byte[] { 1, 2, 3 }));
        String answer = client.post().uri(server.url("/upload")).contentType(MediaType.APPLICATION_OCTET_STREAM)
                .body(resource).retrieve().body(String.class);
        assertThat(answer).isEqualTo("stored");
        assertThat(server.takeRequest().body()).containsExactly(1, 2, 3);
    }

    @Test
    void bodyWrittenThroughGetBodyIsSent() throws Exception {
        server.text("/buffered", "ok");
        ClientHttpRequest request = factory.createRequest(java.net.URI.create(server.url("/buffered")), HttpMethod.POST);
        request.getHeaders().setContentLength(3);
        try (OutputStream out = request.getBody()) {
            out.write(new byte[] { 7, 8, 9 });
        }
        try (ClientHttpResponse response = request.execute()) {
            assertThat(response.getStatusCode().value()).isEqualTo(200);
            assertThat(response.getStatusText()).isEqualTo("OK");
        }
        TestServer.Recorded recorded = server.takeRequest();
        assertThat(recorded.header("Content-Length")).isEqualTo("3");
        assertThat(recorded.body()).containsExactly(7, 8, 9);
    }
}
