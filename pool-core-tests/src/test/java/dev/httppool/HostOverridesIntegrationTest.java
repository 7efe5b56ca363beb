package dev.httppool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.httppool.testing.Async;
import dev.httppool.testing.GatedDialer;
import dev.httppool.testing.RecordingListener;
import dev.httppool.testing.ScriptServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Per-host overrides and warm pools through a real transport, against loopback servers. */
@Timeout(30)
class HostOverridesIntegrationTest extends TransportTestSupport {

    private static HostOverride.Builder entry(String match) {
        return HostOverride.builder(match);
    }

    @Test
    void anEntrysMaxConnsPerHostLimitsTheConnectionsItsServerSeesWhileAnotherServerGetsTheGlobalLimit()
            throws Exception {
        ScriptServer limited = server(ScriptServer.keepAlive(request -> "limited"));
        ScriptServer other = server(ScriptServer.keepAlive(request -> "other"));
        Transport transport = transport(TransportConfig.builder().maxConnsPerHost(3)
                .hosts(List.of(entry("127.0.0.1:" + limited.port()).maxConnsPerHost(1).build())).build());

        Response held = transport.roundTrip(Request.get(limited.url("/1")));
        CompletableFuture<String> second = CompletableFuture.supplyAsync(() -> {
            try {
                return get(transport, limited.url("/2"));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }, Async.THREADS);
        awaitTrue("the second request waits", () -> transport.snapshot().totals().waiting() == 1);
        List<Response> others = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            others.add(transport.roundTrip(Request.get(other.url("/" + i))));
        }

        assertThat(limited.acceptedCount()).isEqualTo(1);
        assertThat(other.acceptedCount()).isEqualTo(3);
        readToEof(held);
        assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo("limited");
        for (Response r : others) {
            readToEof(r);
        }
        assertThat(limited.acceptedCount()).as("the waiter reused the one connection").isEqualTo(1);
    }

    @Test
    void warmConnectionsAreDialedAtStartThroughTheNormalDialPathAndServeTheFirstRequest() throws Exception {
        ScriptServer server = server(ScriptServer.keepAlive(request -> "warm"));
        RecordingListener listener = new RecordingListener();
        Transport transport = transport(Transport.builder().listener(listener).config(TransportConfig.builder()
                .hosts(List.of(entry("http://127.0.0.1:" + server.port()).minIdle(2).build())).build()));

        assertThat(server.awaitAccepted(2, WAIT)).isTrue();
        awaitTrue("two idle", () -> transport.snapshot().totals().idle() == 2);
        assertThat(listener.events()).filteredOn(e -> e.startsWith("dialed")).hasSize(2);

        assertThat(get(transport, server.url("/"))).isEqualTo("warm");
        assertThat(server.acceptedCount()).as("the request took a warm connection").isEqualTo(2);
    }

    @Test
    void connectionsClosedByCloseIdleConnectionsAreDialedAgain() throws Exception {
        ScriptServer server = server(ScriptServer.keepAlive(request -> "warm"));
        Transport transport = transport(TransportConfig.builder()
                .hosts(List.of(entry("http://127.0.0.1:" + server.port()).minIdle(2).build())).build());
        awaitTrue("two idle", () -> transport.snapshot().totals().idle() == 2);

        assertThat(transport.closeIdleConnections()).isEqualTo(2);

        assertThat(server.awaitAccepted(4, WAIT)).isTrue();
        awaitTrue("two idle again", () -> transport.snapshot().totals().idle() == 2);
        assertThat(server.awaitOpenCount(2, WAIT)).as("the closed ones are gone").isTrue();
    }

    @Test
    void failedWarmDialsAreRetriedWithGrowingDelaysUntilOneSucceeds() throws Exception {
        ScriptServer server = server(ScriptServer.keepAlive(request -> "warm"));
        GatedDialer dialer = gatedDialer();
        for (int n = 1; n <= 3; n++) {
            dialer.fail(n);
        }
        long start = System.nanoTime();
        Transport transport = transport(Transport.builder().dialer(dialer).config(TransportConfig.builder()
                .hosts(List.of(entry("http://127.0.0.1:" + server.port()).minIdle(1).build())).build()));

        await(dialer.entered(4), "the fourth dial");
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(elapsedMillis).as("100 + 200 + 400 ms of backoff before the fourth dial").isGreaterThanOrEqualTo(650);
        awaitTrue("the fourth dial's connection is idle", () -> transport.snapshot().totals().idle() == 1);
        assertThat(dialer.started()).as("no dial beyond the one that succeeded").isEqualTo(4);
        assertThat(transport.snapshot().stats().dialFailures()).isEqualTo(3);
    }
}
