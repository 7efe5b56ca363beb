package dev.httppool.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import dev.httppool.PoolSnapshot;
import dev.httppool.Request;
import dev.httppool.RequestBody;
import dev.httppool.Response;
import dev.httppool.Transport;
import dev.httppool.testing.Async;
import dev.httppool.testing.ScriptServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Go's {@code Client.Do} redirect rules against loopback servers: what each hop sends, what the caller gets
 * back, and that every redirect's connection goes back to the pool.
 */
@Timeout(30)
class ClientTest {

    private final Transport transport = Transport.create();
    private final Client client = new Client(transport);
    private final List<ScriptServer> servers = new ArrayList<>();

    @AfterEach
    void everyConnectionIsBackInThePool() {
        try {
            PoolSnapshot.Totals totals = transport.snapshot().totals();
            assertThat(totals.active()).as("active connections after the test").isZero();
            servers.forEach(ScriptServer::assertNoHandlerErrors);
        } finally {
            transport.close();
            servers.forEach(ScriptServer::close);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {301, 302, 303})
    void turnsAPostIntoAGetWithoutBody(int status) throws Exception {
        ScriptServer server = server("127.0.0.1", redirect("/old", status, "/target"));

        String answer = send(Request.builder(server.url("/old")).post(RequestBody.of("payload"))
                .header("Content-Type", "text/plain").build());

        assertThat(answer).isEqualTo("arrived");
        List<ScriptServer.Request> requests = server.requests();
        assertThat(requests).hasSize(2);
        assertThat(requests.get(0).method()).isEqualTo("POST");
        assertThat(requests.get(1).method()).isEqualTo("GET");
        assertThat(requests.get(1).target()).isEqualTo("/target");
        assertThat(requests.get(1).body()).isEmpty();
        assertThat(requests.get(1).header("Content-Type")).isNull();
        assertThat(requests.get(1).header("Content-Length")).isNull();
    }

    @ParameterizedTest
    @ValueSource(ints = {301, 302, 303, 307, 308})
    void keepsHeadAHead(int status) throws Exception {
        ScriptServer server = server("127.0.0.1", redirect("/old", status, "/target"));

        try (Response response = client.send(Request.builder(server.url("/old")).head().build())) {
            assertThat(response.status()).isEqualTo(200);
        }

        assertThat(server.requests()).extracting(ScriptServer.Request::method).containsExactly("HEAD", "HEAD");
    }

    @ParameterizedTest
    @ValueSource(ints = {307, 308})
    void resendsAReplayableBodyWithTheSameMethod(int status) throws Exception {
        ScriptServer server = server("127.0.0.1", redirect("/old", status, "/target"));

        String answer = send(Request.builder(server.url("/old")).put(RequestBody.of("payload"))
                .header("Content-Type", "text/plain").build());

        assertThat(answer).isEqualTo("arrived");
        ScriptServer.Request second = server.requests().get(1);
        assertThat(second.method()).isEqualTo("PUT");
        assertThat(second.target()).isEqualTo("/target");
        assertThat(second.bodyText()).isEqualTo("payload");
        assertThat(second.header("Content-Type")).isEqualTo("text/plain");
    }

    @ParameterizedTest
    @ValueSource(ints = {307, 308})
    void returnsThe307Or308ItselfWhenTheBodyCannotBeSentAgain(int status) throws Exception {
        ScriptServer server = server("127.0.0.1", redirect("/old", status, "/target"));
        RequestBody oneShot = RequestBody.ofStream(3, new ByteArrayInputStream(new byte[] {1, 2, 3}));

        try (Response response = client.send(Request.builder(server.url("/old")).post(oneShot).build())) {
            assertThat(response.status()).isEqualTo(status);
            assertThat(response.headers().first("Location")).isEqualTo("/target");
            assertThat(text(response)).isEqualTo("moved");
        }

        assertThat(server.requests()).extracting(ScriptServer.Request::target).containsExactly("/old");
    }

    @Test
    void followsA307WithAnEmptyOneShotBody() throws Exception {
        ScriptServer server = server("127.0.0.1", redirect("/old", 307, "/target"));
        RequestBody emptyOneShot = RequestBody.ofStream(0, InputStream.nullInputStream());

        assertThat(send(Request.builder(server.url("/old")).post(emptyOneShot).build())).isEqualTo("arrived");

        ScriptServer.Request second = server.requests().get(1);
        assertThat(second.method()).isEqualTo("POST");
        assertThat(second.body()).isEmpty();
    }

    @Test
    void followsA303AfterAOneShotBody() throws Exception {
        ScriptServer server = server("127.0.0.1", redirect("/old", 303, "/target"));
        RequestBody oneShot = RequestBody.ofStream(3, new ByteArrayInputStream(new byte[] {1, 2, 3}));

        assertThat(send(Request.builder(server.url("/old")).post(oneShot).build())).isEqualTo("arrived");

        assertThat(server.requests()).extracting(ScriptServer.Request::method).containsExactly("POST", "GET");
    }

    @Test
    void resolvesTheLocationAgainstTheUrlOfTheRedirectedRequest() throws Exception {
        ScriptServer server = server("127.0.0.1", route -> switch (route) {
            case "/a/b/c" -> new Answer(302, "moved", "Location: ../d?x=1");
            case "/a/d?x=1" -> new Answer(302, "moved", "Location: e");
            case "/a/e" -> new Answer(200, "arrived");
            default -> new Answer(404, "no route " + route);
        });

        assertThat(send(Request.get(server.url("/a/b/c")))).isEqualTo("arrived");

        assertThat(server.requests()).extracting(ScriptServer.Request::target)
                .containsExactly("/a/b/c", "/a/d?x=1", "/a/e");
    }

    @Test
    void keepsCredentialsOnTheSameHost() throws Exception {
        ScriptServer server = server("127.0.0.1", redirect("/old", 302, "/target"));

        send(Request.builder(server.url("/old")).header("Authorization", "Bearer secret")
                .header("Cookie", "a=b").build());

        ScriptServer.Request second = server.requests().get(1);
        assertThat(second.header("Authorization")).isEqualTo("Bearer secret");
        assertThat(second.header("Cookie")).isEqualTo("a=b");
    }

    @Test
    void dropsCredentialsOnACrossHostRedirect() throws Exception {
        ScriptServer other = server("127.0.0.2", route -> new Answer(200, "other host"));
        ScriptServer server = server("127.0.0.1", redirect("/old", 302, other.url("/elsewhere")));

        String answer = send(Request.builder(server.url("/old")).header("Authorization", "Bearer secret")
                .header("Cookie", "a=b").header("Proxy-Authorization", "Basic cHJveHk6cHc=")
                .header("X-Trace", "t1").build());

        assertThat(answer).isEqualTo("other host");
        ScriptServer.Request hop = other.requests().get(0);
        assertThat(hop.target()).isEqualTo("/elsewhere");
        assertThat(hop.header("Authorization")).isNull();
        assertThat(hop.header("Cookie")).isNull();
        assertThat(hop.header("Proxy-Authorization")).isNull();
        assertThat(hop.header("X-Trace")).isEqualTo("t1");
    }

    @Test
    void keepsCredentialsDroppedWhenTheChainComesBackToTheFirstHost() throws Exception {
        Map<String, String> back = new ConcurrentHashMap<>();
        ScriptServer server = server("127.0.0.1", route -> route.equals("/old")
                ? new Answer(302, "moved", "Location: " + back.get("other"))
                : new Answer(200, "arrived"));
        ScriptServer other = server("127.0.0.2", route -> new Answer(302, "moved",
                "Location: " + server.url("/back")));
        back.put("other", other.url("/away"));

        String answer = send(Request.builder(server.url("/old")).header("Authorization", "Bearer secret").build());

        assertThat(answer).isEqualTo("arrived");
        assertThat(other.requests().get(0).header("Authorization")).isNull();
        ScriptServer.Request last = server.requests().get(1);
        assertThat(last.target()).isEqualTo("/back");
        assertThat(last.header("Authorization")).isNull();
    }

    @Test
    void stopsAtTheTenthRedirectAsGoDoes() throws Exception {
        ScriptServer server = server("127.0.0.1", redirect("/loop", 302, "/loop"));

        assertThatExceptionOfType(IOException.class)
                .isThrownBy(() -> client.send(Request.get(server.url("/loop"))))
                .withMessage("GET " + server.url("/loop") + ": stopped after 10 redirects");

        assertThat(server.requests()).hasSize(10);
        assertThat(transport.snapshot().stats().dials()).as("each redirect's connection was reused").isEqualTo(1);
    }

    @Test
    void followsNineRedirects() throws Exception {
        ScriptServer server = server("127.0.0.1", route -> {
            int hop = route.startsWith("/hop") ? Integer.parseInt(route.substring(4)) : -1;
            if (hop < 0 || hop > 8) {
                return new Answer(200, "arrived");
            }
            return new Answer(302, "moved", "Location: " + (hop == 8 ? "/target" : "/hop" + (hop + 1)));
        });

        assertThat(send(Request.get(server.url("/hop0")))).isEqualTo("arrived");

        assertThat(server.requests()).hasSize(10);
    }

    @Test
    void reusesTheConnectionOfARedirect() throws Exception {
        ScriptServer server = server("127.0.0.1", redirect("/old", 301, "/target"));

        send(Request.get(server.url("/old")));

        assertThat(server.requests()).extracting(ScriptServer.Request::connectionId).containsExactly(1, 1);
        assertThat(server.acceptedCount()).isEqualTo(1);
        assertThat(transport.snapshot().stats().dials()).isEqualTo(1);
    }

    @Test
    void returnsA3xxWithoutLocation() throws Exception {
        ScriptServer server = server("127.0.0.1", route -> new Answer(302, "no location"));

        try (Response response = client.send(Request.get(server.url("/nowhere")))) {
            assertThat(response.status()).isEqualTo(302);
            assertThat(text(response)).isEqualTo("no location");
        }
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void failsOnALocationThatIsNoUriAndReleasesTheConnection() throws Exception {
        ScriptServer server = server("127.0.0.1", route -> new Answer(302, "moved", "Location: http://[bad"));

        assertThatExceptionOfType(IOException.class)
                .isThrownBy(() -> client.send(Request.get(server.url("/old"))))
                .withMessageStartingWith("GET " + server.url("/old") + ": failed to parse Location header");

        assertThat(transport.snapshot().totals().idle()).isEqualTo(1);
    }

    @Test
    void failsOnARedirectToAnotherSchemeAndReleasesTheConnection() throws Exception {
        ScriptServer server = server("127.0.0.1", route -> new Answer(302, "moved", "Location: ftp://example.com/f"));

        assertThatExceptionOfType(IOException.class)
                .isThrownBy(() -> client.send(Request.get(server.url("/old"))))
                .withMessageStartingWith("GET " + server.url("/old") + ": cannot follow redirect to ftp://example.com/f");

        assertThat(transport.snapshot().totals().idle()).isEqualTo(1);
    }

    @Test
    void keepsAPasswordInTheLocationOutOfTheError() throws Exception {
        ScriptServer server = server("127.0.0.1", route -> new Answer(302, "moved",
                "Location: ftp://user:hunter2@example.com/f"));

        assertThatExceptionOfType(IOException.class)
                .isThrownBy(() -> client.send(Request.get(server.url("/old"))))
                .withMessageContaining("ftp://user:***@example.com/f")
                .withMessageNotContaining("hunter2");
    }

    @Test
    void credentialsFollowOnlyToTheSameHostAndPortAndNeverDownFromHttpsToHttp() {
        assertThat(RedirectRules.mayKeepCredentials(URI.create("http://example.com/"),
                URI.create("https://api.example.com:8443/"))).as("a subdomain").isFalse();
        assertThat(RedirectRules.mayKeepCredentials(URI.create("http://example.com/"),
                URI.create("http://EXAMPLE.com:81/"))).as("another port").isFalse();
        assertThat(RedirectRules.mayKeepCredentials(URI.create("http://example.com/"),
                URI.create("http://EXAMPLE.com:80/"))).as("the default port, written out").isTrue();
        assertThat(RedirectRules.mayKeepCredentials(URI.create("http://example.com/"),
                URI.create("http://badexample.com/"))).isFalse();
        assertThat(RedirectRules.mayKeepCredentials(URI.create("http://api.example.com/"),
                URI.create("http://example.com/"))).isFalse();
        assertThat(RedirectRules.mayKeepCredentials(URI.create("http://[::1]:80/"),
                URI.create("http://[::1]:81/"))).isFalse();
        assertThat(RedirectRules.mayKeepCredentials(URI.create("http://[::1]:80/"),
                URI.create("http://[::1]/"))).isTrue();
        assertThat(RedirectRules.mayKeepCredentials(URI.create("http://[::1]/"),
                URI.create("http://[::2]/"))).isFalse();
        assertThat(RedirectRules.mayKeepCredentials(URI.create("https://example.com:8443/"),
                URI.create("http://example.com:8443/"))).as("https down to http, same port").isFalse();
        assertThat(RedirectRules.mayKeepCredentials(URI.create("https://example.com/"),
                URI.create("http://example.com:443/"))).as("https down to http, same port").isFalse();
        assertThat(RedirectRules.mayKeepCredentials(URI.create("http://example.com:8080/"),
                URI.create("https://example.com:8080/"))).as("http up to https, same port").isTrue();
        assertThat(RedirectRules.mayKeepCredentials(URI.create("http://example.com/"),
                URI.create("https://example.com/"))).as("http up to https, 80 to 443").isFalse();
    }

    @Test
    void aRedirectWhoseBodyTricklesIsFollowedWithinTheTransportsDrainBoundInsteadOfWaitingForTheBody()
            throws Exception {
        CountDownLatch testOver = new CountDownLatch(1);
        ScriptServer server = ScriptServer.start("127.0.0.1", (conn) -> {
            ScriptServer.Request request = conn.readRequestHead();
            if (request.target().equals("/old")) {
                // 100 bytes announced, one sent, then nothing until the test is over: Go's 2 KiB slurp would wait.
                conn.write("HTTP/1.1 302 Found\r\nLocation: /target\r\nContent-Length: 100\r\n\r\nx");
                conn.out().flush();
                testOver.await(30, TimeUnit.SECONDS);
                return;
            }
            conn.respond(200, "arrived", "Connection: close");
        });
        servers.add(server);
        try {
            CompletableFuture<String> body = CompletableFuture.supplyAsync(() -> {
                try {
                    return send(Request.get(server.url("/old")));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }, Async.THREADS);

            assertThat(body.get(5, TimeUnit.SECONDS)).isEqualTo("arrived");
        } finally {
            testOver.countDown();
        }
    }

    @Test
    void needsATransport() {
        assertThatNullPointerException().isThrownBy(() -> new Client(null)).withMessage("transport");
    }

    // --- fixtures ---

    /** A response a route answers with: status, body and extra header lines. */
    private record Answer(int status, String body, String... headerLines) {
    }

    @FunctionalInterface
    private interface Routes {
        Answer answer(String target);
    }

    /** {@code from} redirects to {@code location} with {@code status} and body "moved"; anything else says "arrived". */
    private static Routes redirect(String from, int status, String location) {
        return route -> route.equals(from)
                ? new Answer(status, "moved", "Location: " + location)
                : new Answer(200, "arrived");
    }

    /** A keep-alive server on {@code loopbackAddress}, answering each request by its target. */
    private ScriptServer server(String loopbackAddress, Routes routes) {
        ScriptServer server = ScriptServer.start(loopbackAddress, ScriptServer.keepAliveResponding((conn, request) -> {
            Answer answer = routes.answer(request.target());
            conn.respond(answer.status(), answer.body(), answer.headerLines());
        }));
        servers.add(server);
        return server;
    }

    private String send(Request request) throws IOException {
        try (Response response = client.send(request)) {
            return text(response);
        }
    }

    private static String text(Response response) throws IOException {
        return new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
    }
}
