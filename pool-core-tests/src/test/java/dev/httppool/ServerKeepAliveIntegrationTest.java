package dev.httppool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.httppool.testing.FakeTicker;
import dev.httppool.testing.ScriptServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code respectServerKeepAlive}: a response's {@code Keep-Alive: timeout=N, max=M} limits its connection, so that
 * no request goes out on a connection the server is about to close (Go ignores the header: golang/go#15508).
 */
@Timeout(30)
class ServerKeepAliveIntegrationTest extends TransportTestSupport {

    private ScriptServer serverSaying(String keepAlive) {
        return server(ScriptServer.keepAliveResponding((conn, request) ->
                conn.respond(200, "ok", "Keep-Alive: " + keepAlive)));
    }

    @Test
    void aConnectionIdleForTheServersTimeoutLessOneSecondIsNotHandedOutAgain() throws Exception {
        FakeTicker ticker = new FakeTicker();
        ScriptServer server = serverSaying("timeout=5");
        Transport transport = transport(Transport.builder().ticker(ticker).config(TransportConfig.defaults()));

        get(transport, server.url("/a"));
        ticker.advance(Duration.ofMillis(3900));
        get(transport, server.url("/b")); // idle 3.9 s < 4 s: reused
        ticker.advance(Duration.ofSeconds(4));
        get(transport, server.url("/c")); // idle 4 s: the server may be closing it

        assertThat(connectionIds(server)).containsExactly(1, 1, 2);
        assertThat(closed(transport, CloseReason.IDLE_TIMEOUT)).isEqualTo(1);
    }

    @Test
    void withRespectServerKeepAliveOffTheHeaderIsIgnoredAsGoDoes() throws Exception {
        FakeTicker ticker = new FakeTicker();
        ScriptServer server = serverSaying("timeout=5");
        Transport transport = transport(Transport.builder().ticker(ticker)
                .config(TransportConfig.builder().respectServerKeepAlive(false).build()));

        get(transport, server.url("/a"));
        ticker.advance(Duration.ofSeconds(30));
        get(transport, server.url("/b"));

        assertThat(connectionIds(server)).containsExactly(1, 1);
    }

    @Test
    void aTimeoutOfOneSecondOrLessMeansTheConnectionIsNotKeptIdle() throws Exception {
        ScriptServer server = serverSaying("timeout=1");
        Transport transport = transport(TransportConfig.defaults());

        get(transport, server.url("/a"));
        get(transport, server.url("/b"));

        assertThat(connectionIds(server)).containsExactly(1, 2);
        assertThat(closed(transport, CloseReason.IDLE_TIMEOUT)).isEqualTo(2);
    }

    @Test
    void maxTellsHowManyMoreRequestsTheServerTakesOnTheConnection() throws Exception {
        // As Apache httpd does: two requests per connection, max counting down on each response.
        java.util.Map<Integer, Integer> served = new java.util.concurrent.ConcurrentHashMap<>();
        ScriptServer server = server(ScriptServer.keepAliveResponding((conn, request) -> {
            int n = served.merge(request.connectionId(), 1, Integer::sum);
            conn.respond(200, "ok", "Keep-Alive: timeout=60, max=" + (2 - n));
        }));
        Transport transport = transport(TransportConfig.defaults());

        get(transport, server.url("/1"));
        get(transport, server.url("/2")); // max=0: the server takes no more on this connection
        get(transport, server.url("/3"));

        assertThat(connectionIds(server)).containsExactly(1, 1, 2);
        assertThat(closed(transport, CloseReason.MAX_REQUESTS)).isEqualTo(1);
    }

    @Test
    void maintenanceClosesAnIdleConnectionOnceTheServersLimitHasPassed() throws Exception {
        ScriptServer server = serverSaying("timeout=2");
        Transport transport = transport(TransportConfig.defaults());

        get(transport, server.url("/a"));

        assertThat(server.awaitOpenCount(0, Duration.ofSeconds(10))).as("closed in the background after ~1 s")
                .isTrue();
        assertThat(closed(transport, CloseReason.IDLE_TIMEOUT)).isEqualTo(1);
    }
}
