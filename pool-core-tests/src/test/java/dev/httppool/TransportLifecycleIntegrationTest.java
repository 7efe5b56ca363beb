package dev.httppool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.httppool.testing.FakeTicker;
import dev.httppool.testing.ScriptServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code maxConnLifetime} and {@code maxRequestsPerConn} against a loopback server: the server sees a new
 * connection once the old one has lived or carried enough, and the old one closed.
 */
@Timeout(30)
class TransportLifecycleIntegrationTest extends TransportTestSupport {

    @Test
    void theServerSeesANewConnectionOnceTheLifetimeHasPassed() throws Exception {
        FakeTicker ticker = new FakeTicker();
        ScriptServer server = server(ScriptServer.keepAlive(request -> "ok"));
        Transport transport = transport(Transport.builder().ticker(ticker)
                .config(TransportConfig.builder().maxConnLifetime(Duration.ofSeconds(10)).build()));

        get(transport, server.url("/t0"));
        ticker.advance(Duration.ofSeconds(5));
        get(transport, server.url("/t5"));
        ticker.advance(Duration.ofSeconds(5));
        get(transport, server.url("/t10"));
        get(transport, server.url("/t10-again"));

        assertThat(connectionIds(server)).containsExactly(1, 1, 2, 2);
        assertThat(closed(transport, CloseReason.MAX_LIFETIME)).isEqualTo(1);
        assertThat(server.awaitOpenCount(1, WAIT)).as("the old connection was closed").isTrue();
    }

    @Test
    void aResponseInFlightWhenTheLifetimeEndsIsReadToItsEndAndItsConnectionClosedOnReturn() throws Exception {
        FakeTicker ticker = new FakeTicker();
        ScriptServer server = server(ScriptServer.keepAlive(request -> "the whole body"));
        Transport transport = transport(Transport.builder().ticker(ticker)
                .config(TransportConfig.builder().maxConnLifetime(Duration.ofSeconds(10)).build()));

        Response response = transport.roundTrip(Request.get(server.url("/long")));
        ticker.advance(Duration.ofSeconds(10));

        assertThat(readToEof(response)).isEqualTo("the whole body");
        assertThat(closed(transport, CloseReason.MAX_LIFETIME)).isEqualTo(1);
        assertThat(transport.snapshot().totals().connections()).isZero();
        get(transport, server.url("/next"));
        assertThat(connectionIds(server)).containsExactly(1, 2);
    }

    @Test
    void anIdleConnectionIsClosedInTheBackgroundOnceItsLifetimeEnds() throws Exception {
        ScriptServer server = server(ScriptServer.keepAlive(request -> "ok"));
        Transport transport = transport(TransportConfig.builder().maxConnLifetime(Duration.ofMillis(300))
                .maxConnLifetimeJitter(Duration.ofMillis(100)).build());

        get(transport, server.url("/1"));
        awaitTrue("idle connection closed", () -> transport.snapshot().totals().idle() == 0);

        assertThat(closed(transport, CloseReason.MAX_LIFETIME)).isEqualTo(1);
        assertThat(server.awaitOpenCount(0, WAIT)).as("the server saw the connection closed").isTrue();
        get(transport, server.url("/2"));
        assertThat(connectionIds(server)).containsExactly(1, 2);
    }

    @Test
    void aConnectionCarriesAtMostMaxRequestsPerConnRequests() throws Exception {
        ScriptServer server = server(ScriptServer.keepAlive(request -> "ok"));
        Transport transport = transport(TransportConfig.builder().maxRequestsPerConn(2).build());

        for (int i = 0; i < 5; i++) {
            assertThat(get(transport, server.url("/" + i))).isEqualTo("ok");
        }

        assertThat(connectionIds(server)).containsExactly(1, 1, 2, 2, 3);
        assertThat(closed(transport, CloseReason.MAX_REQUESTS)).isEqualTo(2);
        assertThat(server.awaitOpenCount(1, WAIT)).as("the used-up connections were closed").isTrue();
    }
}
