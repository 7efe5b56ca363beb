package dev.httppool.spring.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.httppool.Transport;
import dev.httppool.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.core.io.InputStreamResource;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

class RedirectsTests {

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

    @ParameterizedTest
    @ValueSource(ints = { 301, 302, 303 })
    void turnsAPostIntoAGetWithoutBody(int status) throws Exception {
        server.on("/old", (exchange, body) -> TestServer.redirect(exchange, status, "/target"));
        String answer = client.post().uri(server.url("/old")).contentType(MediaType.TEXT_PLAIN).body("payload")
                .retrieve().body(String.class);
        assertThat(answer).isEqualTo("arrived");
        assertThat(server.takeRequest().method()).isEqualTo("POST");
        TestServer.Recorded second = server.takeRequest();
        assertThat(second.method()).isEqualTo("GET");
        assertThat(second.target()).isEqualTo("/target");
        assertThat(second.body()).isEmpty();
        assertThat(second.header("Content-Type")).isNull();
    }

    @ParameterizedTest
    @ValueSource(ints = { 307, 308 })
    void resendsARepeatableBody(int status) throws Exception {
        server.on("/old", (exchange, body) -> TestServer.redirect(exchange, status, "/target"));
        String answer = client.put().uri(server.url("/old")).contentType(MediaType.TEXT_PLAIN).body("payload")
                .retrieve().body(String.class);
        assertThat(answer).isEqualTo("arrived");
        server.takeRequest();
        TestServer.Recorded second = server.takeRequest();
        assertThat(second.method()).isEqualTo("PUT");
        assertThat(second.bodyText()).isEqualTo("payload");
    }

    @Test
    void returnsA307WhenTheBodyCannotBeSentAgain() throws Exception {
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

    @Test
    void keepsCredentialsOnTheSameHost() throws Exception {
        server.on("/old", (exchange, body) -> TestServer.redirect(exchange, 302, "/target"));
        client.get().uri(server.url("/old")).header("Authorization", "Bearer secret").header("Cookie", "a=b")
                .retrieve().body(String.class);
        server.takeRequest();
        TestServer.Recorded second = server.takeRequest();
        assertThat(second.header("Authorization")).isEqualTo("Bearer secret");
        assertThat(second.header("Cookie")).isEqualTo("a=b");
    }

    @Test
    void dropsCredentialsOnACrossHostRedirect() throws Exception {
        try (TestServer other = TestServer.start("127.0.0.2")) {
            other.text("/elsewhere", "other host");
            server.on("/old", (exchange, body) -> TestServer.redirect(exchange, 302, other.url("/elsewhere")));
            String answer = client.get().uri(server.url("/old")).header("Authorization", "Bearer secret")
                    .header("Cookie", "a=b").header("X-Trace", "t1").retrieve().body(String.class);
            assertThat(answer).isEqualTo("other host");
            TestServer.Recorded hop = other.takeRequest();
            assertThat(hop.header("Authorization")).isNull();
            assertThat(hop.header("Cookie")).isNull();
            assertThat(hop.header("X-Trace")).isEqualTo("t1");
        }
    }

    @Test
    void stopsAfterTenRedirects() throws Exception {
        server.on("/loop", (exchange, body) -> TestServer.redirect(exchange, 302, "/loop"));
        assertThatExceptionOfType(ResourceAccessException.class)
                .isThrownBy(() -> client.get().uri(server.url("/loop")).retrieve().body(String.class))
                .withMessageContaining("stopped after 10 redirects");
        for (int i = 0; i < 11; i++) {
            server.takeRequest();
        }
        assertThat(server.requestCount()).isEqualTo(11);
    }

    @Test
    void followsTenRedirects() throws Exception {
        for (int i = 0; i < 10; i++) {
            String next = i == 9 ? "/target" : "/hop" + (i + 1);
            server.on("/hop" + i, (exchange, body) -> TestServer.redirect(exchange, 302, next));
        }
        assertThat(client.get().uri(server.url("/hop0")).retrieve().body(String.class)).isEqualTo("arrived");
    }

    @Test
    void reusesTheConnectionOfARedirect() throws Exception {
        server.on("/old", (exchange, body) -> TestServer.redirect(exchange, 301, "/target"));
        client.get().uri(server.url("/old")).retrieve().body(String.class);
        assertThat(server.takeRequest().clientPort()).isEqualTo(server.takeRequest().clientPort());
        assertThat(transport.snapshot().stats().dials()).isEqualTo(1);
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
    void returnsA3xxWithoutLocation() throws Exception {
        server.on("/nowhere", (exchange, body) -> TestServer.respond(exchange, 302, "no location"));
        ResponseEntity<String> entity = client.get().uri(server.url("/nowhere")).retrieve()
                .onStatus((status) -> true, (request, response) -> { })
                .toEntity(String.class);
        assertThat(entity.getStatusCode().value()).isEqualTo(302);
    }

    @Test
    void credentialsMayFollowToSubdomainsOnly() {
        assertThat(Redirects.mayKeepCredentials(URI.create("http://example.com/"), URI.create("https://api.example.com:8443/")))
                .isTrue();
        assertThat(Redirects.mayKeepCredentials(URI.create("http://example.com/"), URI.create("http://EXAMPLE.com:81/")))
                .isTrue();
        assertThat(Redirects.mayKeepCredentials(URI.create("http://example.com/"), URI.create("http://badexample.com/")))
                .isFalse();
        assertThat(Redirects.mayKeepCredentials(URI.create("http://api.example.com/"), URI.create("http://example.com/")))
                .isFalse();
        assertThat(Redirects.mayKeepCredentials(URI.create("http://[::1]:80/"), URI.create("http://[::1]:81/")))
                .isTrue();
    }
}
