package dev.httppool;

import static dev.httppool.SecurityTest.stackTraceOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.httppool.client.Client;
import dev.httppool.testing.Loopback;
import dev.httppool.testing.ScriptServer;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Userinfo in a target URL ({@code http://user:password@host/}): sent as Go's client sends it, as
 * {@code Authorization: Basic}, unless the caller set an {@code Authorization} of their own; and the password
 * appears in no string: toString()s, exception messages and stack traces, interrupt messages, redirect errors,
 * keys and snapshots.
 */
@Timeout(60)
class UrlCredentialsTest extends TransportTestSupport {

    private static final String PASSWORD = "pa55-s3cret";

    @Test
    void userinfoInTheUrlIsSentAsBasicAuthorizationPercentDecoded() throws Exception {
        ScriptServer server = server(ScriptServer.keepAlive(r -> "ok"));
        Transport transport = transport(TransportConfig.defaults());

        assertThat(get(transport, "http://us%40er:p%3A55%20w@" + server.address() + "/a")).isEqualTo("ok");
        assertThat(get(transport, "http://t0ken@" + server.address() + "/b")).isEqualTo("ok");

        assertThat(server.requests().get(0).headers("Authorization")).containsExactly(basic("us@er:p:55 w"));
        assertThat(server.requests().get(1).headers("Authorization")).as("a user without a password, as Go")
                .containsExactly(basic("t0ken:"));
        assertThat(server.requests().get(0).header("Host")).as("no userinfo in the Host header")
                .isEqualTo(server.address());
    }

    @Test
    void anAuthorizationHeaderSetByTheCallerWinsOverTheUserinfo() throws Exception {
        ScriptServer server = server(ScriptServer.keepAlive(r -> "ok"));
        Transport transport = transport(TransportConfig.defaults());

        try (Response response = transport.roundTrip(Request.builder("http://user:" + PASSWORD + "@"
                + server.address() + "/").header("Authorization", "Bearer mine").build())) {
            assertThat(readToEof(response)).isEqualTo("ok");
        }

        assertThat(server.requests().get(0).headers("Authorization")).containsExactly("Bearer mine");
    }

    @Test
    void thePasswordOfATargetUrlAppearsInNoStringExceptionOrInterruptMessage() throws Exception {
        List<String> seen = new ArrayList<>();
        ScriptServer server = server(ScriptServer.keepAliveResponding((conn, request) -> {
            switch (request.target()) {
                case "/loop" -> conn.respond(302, "moved", "Location: /loop");
                case "/bad-location" -> conn.respond(302, "moved", "Location: http://[bad");
                default -> conn.respond(200, "ok");
            }
        }));
        Transport transport = transport(TransportConfig.defaults());
        String base = "http://alice:" + PASSWORD + "@" + server.address();
        Request request = Request.get(base + "/ok");

        try (Response response = transport.roundTrip(request)) {
            seen.add(response.toString());
            seen.add(response.request().toString());
            readToEof(response);
        }
        seen.add(request.toString());
        seen.add(transport.snapshot().toString());
        seen.add(transport.keyFor(request.uri()).toString());
        // A port nobody listens on.
        seen.add(stackTraceOf(catchThrowable(() -> transport.roundTrip(Request.get("http://alice:" + PASSWORD
                + "@127.0.0.1:" + Loopback.closedPort() + "/")).close())));
        // An interrupted caller.
        Thread.currentThread().interrupt();
        Throwable interrupted;
        try {
            interrupted = catchThrowable(() -> transport.roundTrip(request).close());
        } finally {
            Thread.interrupted();
        }
        assertThat(interrupted).isInstanceOf(InterruptedIOException.class).hasMessageContaining("alice:***@");
        seen.add(stackTraceOf(interrupted));
        // Redirect errors.
        Client client = new Client(transport);
        seen.add(stackTraceOf(catchThrowable(() -> client.send(Request.get(base + "/loop")).close())));
        seen.add(stackTraceOf(catchThrowable(() -> client.send(Request.get(base + "/bad-location")).close())));
        // Requests that cannot be built.
        seen.add(stackTraceOf(catchThrowable(() -> Request.get("ftp://alice:" + PASSWORD + "@example.com/f"))));
        seen.add(stackTraceOf(catchThrowable(() -> Request.get(URI.create("ftp://alice:" + PASSWORD + "@h/f")))));
        seen.add(stackTraceOf(catchThrowable(() -> Request.get("http://alice:" + PASSWORD + " x@example.com/"))));
        seen.add(stackTraceOf(catchThrowable(() -> Request.get("http://alice:" + PASSWORD + "\"@example.com/"))));
        seen.add(stackTraceOf(catchThrowable(() -> Request.get("http://alice:a/" + PASSWORD + "@example.com/"))));

        assertThat(String.join("\n", seen)).contains("alice:***@").contains("stopped after 10 redirects")
                .contains("failed to parse Location header").contains("unsupported protocol scheme");
        assertThat(seen).allSatisfy(text -> assertThat(text).doesNotContain(PASSWORD)
                .doesNotContain(Base64.getEncoder().encodeToString(("alice:" + PASSWORD).getBytes(StandardCharsets.UTF_8))));
    }

    private static String basic(String userColonPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userColonPassword.getBytes(StandardCharsets.UTF_8));
    }
}
