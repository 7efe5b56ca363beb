package dev.httppool.spring.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.httppool.Transport;
import dev.httppool.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.InputStreamResource;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

/**
 * The factory's side of redirects: it hands them to the core's {@code dev.httppool.client.Client} (whose rules
 * {@code ClientTest} in pool-core covers) or returns them, and tells the core which Spring bodies can be resent.
 */
class HttpPoolClientHttpRequestFactoryRedirectTests {

    private TestServer server;
    private Transport transport;
    private HttpPoolClientHttpRequestFactory factory;
    private RestClient client;

    @BeforeEach
    void start() throws IOException {
        server = TestServer.start();
        server.text("/target", "arrived");
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
    void followsRedirectsByDefault() throws Exception {
        server.on("/old", (exchange, body) -> TestServer.redirect(exchange, 302, "/target"));
        assertThat(factory.isFollowRedirects()).isTrue();
        assertThat(client.get().uri(server.url("/old")).retrieve().body(String.class)).isEqualTo("arrived");
        assertThat(server.takeRequest().target()).isEqualTo("/old");
        assertThat(server.takeRequest().target()).isEqualTo("/target");
    }

    @Test
    void returnsTheRedirectWhenNotFollowing() throws Exception {
        server.on("/old", (exchange, body) -> TestServer.redirect(exchange, 302, "/target"));
        factory.setFollowRedirects(false);
        ResponseEntity<String> entity = client.get().uri(server.url("/old")).retrieve()
                .onStatus((status) -> true, (request, response) -> { })
                .toEntity(String.class);
        assertThat(entity.getStatusCode().value()).isEqualTo(302);
        assertThat(entity.getBody()).isEqualTo("moved");
        server.takeRequest();
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void resendsARepeatableSpringBodyOnA307() throws Exception {
        server.on("/old", (exchange, body) -> TestServer.redirect(exchange, 307, "/target"));
        String answer = client.put().uri(server.url("/old")).contentType(MediaType.TEXT_PLAIN).body("payload")
                .retrieve().body(String.class);
        assertThat(answer).isEqualTo("arrived");
        server.takeRequest();
        TestServer.Recorded second = server.takeRequest();
        assertThat(second.method()).isEqualTo("PUT");
        assertThat(second.bodyText()).isEqualTo("payload");
    }

    @Test
    void returnsA307WhenTheSpringBodyIsNotRepeatable() throws Exception {
        server.on("/old", (exchange, body) -> TestServer.redirect(exchange, 307, "/target"));
        InputStreamResource oneShot = new InputStreamResource(new ByteArrayInputStream(new byte[] { 1, 2, 3 }));
        ResponseEntity<Void> entity = client.post().uri(server.url("/old"))
                .contentType(MediaType.APPLICATION_OCTET_STREAM).body(oneShot).retrieve()
                .onStatus((status) -> true, (request, response) -> { })
                .toBodilessEntity();
        assertThat(entity.getStatusCode().value()).isEqualTo(307);
        assertThat(entity.getHeaders().getLocation()).isEqualTo(URI.create("/target"));
        server.takeRequest();
        assertThat(server.requestCount()).isEqualTo(1);
    }
}
