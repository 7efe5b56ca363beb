package dev.httppool.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.httppool.ProxyResolver;
import dev.httppool.Request;
import dev.httppool.Response;
import dev.httppool.Transport;
import dev.httppool.testing.ScriptServer;
import dev.httppool.testing.TestProxy;
import dev.httppool.testing.TestServer;
import dev.httppool.testing.TestTls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Where credentials may follow a redirect: to the same host on the same port, never from https down to http
 * (OkHttp's rule, stricter than Go's), so that neither another server on the host nor a forward proxy on the
 * way of a downgraded hop ever reads them.
 */
@Timeout(30)
class RedirectCredentialsTest {

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            AutoCloseable resource = resources.get(i);
            if (resource instanceof Transport transport) {
                assertThat(transport.snapshot().totals().active()).as("active connections after the test").isZero();
            }
            resource.close();
        }
    }

    @Test
    void dropsCredentialsOnARedirectToAnotherPortOfTheSameHost() throws Exception {
        ScriptServer other = closeLater(ScriptServer.start("127.0.0.1",
                ScriptServer.keepAliveResponding((conn, request) -> conn.respond(200, "other port"))));
        ScriptServer first = closeLater(ScriptServer.start("127.0.0.1", ScriptServer.keepAliveResponding(
                (conn, request) -> conn.respond(302, "moved", "Location: " + other.url("/landing")))));
        Client client = new Client(closeLater(Transport.builder().proxy(ProxyResolver.direct()).build()));

        String answer = send(client, Request.builder(first.url("/start")).header("Authorization", "Bearer t0ken")
                .header("Cookie", "session=c00kie").header("X-Trace", "t1").build());

        assertThat(answer).isEqualTo("other port");
        assertThat(first.requests().get(0).header("Authorization")).as("sent to the first server")
                .isEqualTo("Bearer t0ken");
        ScriptServer.Request hop = other.requests().get(0);
        assertThat(hop.header("Authorization")).isNull();
        assertThat(hop.header("Cookie")).isNull();
        assertThat(hop.header("X-Trace")).as("other headers go along").isEqualTo("t1");
    }

    @Test
    void aForwardProxySeesNoTokenAfterAnHttpsToHttpRedirect() throws Exception {
        TestServer plain = closeLater(TestServer.start());
        plain.text("/landing", "landed");
        TestServer origin = closeLater(TestServer.startHttps());
        origin.on("/start", (exchange, body) -> TestServer.redirect(exchange, 302, plain.url("/landing")));
        TestProxy proxy = closeLater(TestProxy.start());
        Client client = new Client(closeLater(Transport.builder().sslContext(TestTls.get().clientContext())
                .proxy(ProxyResolver.fixed(proxy.url(null), null)).build()));

        String answer = send(client, Request.builder(origin.url("/start")).header("Authorization", "Bearer t0ken")
                .header("Cookie", "session=c00kie").build());

        assertThat(answer).isEqualTo("landed");
        assertThat(origin.takeRequest().header("Authorization")).as("sent inside the tunnel to the https origin")
                .isEqualTo("Bearer t0ken");
        assertThat(proxy.requestLines()).containsExactly("CONNECT " + origin.address() + " HTTP/1.1",
                "GET " + plain.url("/landing") + " HTTP/1.1");
        assertThat(proxy.requestHeads()).allSatisfy(head -> assertThat(head).noneMatch(line -> {
            String lower = line.toLowerCase(Locale.ROOT);
            return lower.startsWith("authorization:") || lower.startsWith("cookie:") || lower.contains("t0ken")
                    || lower.contains("c00kie");
        }));
        TestServer.Recorded landed = plain.takeRequest();
        assertThat(landed.header("Authorization")).isNull();
        assertThat(landed.header("Cookie")).isNull();
    }

    @Test
    void userinfoInTheUrlFollowsARelativeRedirectButNotOneToAnotherServer() throws Exception {
        ScriptServer other = closeLater(ScriptServer.start("127.0.0.1",
                ScriptServer.keepAliveResponding((conn, request) -> conn.respond(200, "other"))));
        ScriptServer first = closeLater(ScriptServer.start("127.0.0.1", ScriptServer.keepAliveResponding(
                (conn, request) -> {
                    switch (request.target()) {
                        case "/start" -> conn.respond(302, "moved", "Location: /next");
                        case "/next" -> conn.respond(302, "moved", "Location: " + other.url("/away"));
                        default -> conn.respond(404, "no route");
                    }
                })));
        Client client = new Client(closeLater(Transport.builder().proxy(ProxyResolver.direct()).build()));

        assertThat(send(client, Request.get("http://alice:s3cret@" + first.address() + "/start"))).isEqualTo("other");

        String basic = "Basic " + Base64.getEncoder().encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8));
        assertThat(first.requests()).extracting(r -> r.header("Authorization")).containsExactly(basic, basic);
        assertThat(other.requests().get(0).header("Authorization")).isNull();
    }

    private <T extends AutoCloseable> T closeLater(T resource) {
        resources.add(resource);
        return resource;
    }

    private static String send(Client client, Request request) throws IOException {
        try (Response response = client.send(request)) {
            return new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
