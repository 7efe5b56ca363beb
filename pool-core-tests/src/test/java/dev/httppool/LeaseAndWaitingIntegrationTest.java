package dev.httppool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.httppool.testing.ScriptServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 12 against a loopback server: {@code maxWaitingPerHost} refuses before anything reaches the server,
 * {@code leaseStrategy} FIFO spreads requests over every idle connection, and the auto idle cap keeps what a burst
 * needed. Reuse and refusals are asserted from the server's side (connections accepted, bytes received).
 */
@Timeout(30)
class LeaseAndWaitingIntegrationTest extends TransportTestSupport {

    private ExecutorService threads(int n) {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        closeLater(pool::shutdownNow);
        return pool;
    }

    /** Holds {@code n} responses at once (n connections), then reads them to their end in that order. */
    private static void useConcurrently(Transport transport, ScriptServer server, int n) throws Exception {
        List<Response> held = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            held.add(transport.roundTrip(Request.get(server.url("/held-" + i))));
        }
        for (Response r : held) {
            readToEof(r);
        }
    }

    @Test
    void withMaxWaitingPerHostRequestsWaitingTheNextFailsAtOnceAndNothingOfItReachesTheServer() throws Exception {
        ScriptServer server = server(ScriptServer.keepAlive(request -> "ok " + request.target()));
        Transport transport = transport(TransportConfig.builder().maxConnsPerHost(1).maxWaitingPerHost(1).build());
        String key = "|http|" + server.address();

        Response held = transport.roundTrip(Request.get(server.url("/held")));
        Future<String> queued = threads(1).submit(() -> get(transport, server.url("/queued")));
        awaitTrue("one request waiting", () -> transport.snapshot().totals().waiting() == 1);

        long start = System.nanoTime();
        Throwable refused = org.assertj.core.api.Assertions.catchThrowable(
                () -> transport.roundTrip(Request.get(server.url("/refused"))));
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(refused).isInstanceOf(PoolExhaustedException.class).hasMessageContaining(key);
        PoolExhaustedException e = (PoolExhaustedException) refused;
        assertThat(e.key().toString()).isEqualTo(key);
        assertThat(e.keyStats().active()).isEqualTo(1);
        assertThat(e.keyStats().waiting()).as("the queued request, not the refused one").isEqualTo(1);
        assertThat(tookMillis).as("fails at once, not after a wait").isLessThan(4_000L);
        assertThat(transport.snapshot().totals().waiting()).isEqualTo(1);

        readToEof(held);
        assertThat(queued.get(5, TimeUnit.SECONDS)).isEqualTo("ok /queued");
        assertThat(server.acceptedCount()).as("the refused request opened no connection").isEqualTo(1);
        assertThat(server.requests()).extracting(ScriptServer.Request::target).containsExactly("/held", "/queued");
        assertThat(new String(server.received(1), StandardCharsets.ISO_8859_1)).doesNotContain("/refused");
    }

    @Test
    void maxWaitingPerHostDoesNotRefuseWhileTheKeyIsBelowMaxConnsPerHost() throws Exception {
        ScriptServer server = server(ScriptServer.keepAlive(request -> "ok"));
        Transport transport = transport(TransportConfig.builder().maxConnsPerHost(3).maxWaitingPerHost(1).build());

        useConcurrently(transport, server, 3);

        assertThat(server.acceptedCount()).isEqualTo(3);
    }

    @Test
    void withTheFifoLeaseStrategyEveryIdleConnectionServesInTurn() throws Exception {
        ScriptServer server = server(ScriptServer.keepAlive(request -> "ok"));
        Transport transport = transport(TransportConfig.builder().maxIdleConnsPerHost(3)
                .leaseStrategy(LeaseStrategy.FIFO).build());
        useConcurrently(transport, server, 3); // connections 1, 2, 3 return in that order

        for (int i = 0; i < 6; i++) {
            get(transport, server.url("/next-" + i));
        }

        assertThat(connectionIds(server).subList(3, 9)).containsExactly(1, 2, 3, 1, 2, 3);
        assertThat(server.acceptedCount()).isEqualTo(3);
    }

    @Test
    void withTheDefaultLifoLeaseStrategyTheMostRecentlyUsedConnectionServesAgain() throws Exception {
        ScriptServer server = server(ScriptServer.keepAlive(request -> "ok"));
        Transport transport = transport(TransportConfig.builder().maxIdleConnsPerHost(3).build());
        useConcurrently(transport, server, 3);

        for (int i = 0; i < 3; i++) {
            get(transport, server.url("/next-" + i));
        }

        assertThat(connectionIds(server).subList(3, 6)).containsExactly(3, 3, 3);
    }

    @Test
    void withTheAutoIdleCapABurstOfFourLeavesFourIdleConnectionsAndTheNextBurstDialsNone() throws Exception {
        ScriptServer server = server(ScriptServer.keepAlive(request -> "ok"));
        Transport transport = transport(TransportConfig.builder()
                .maxIdleConnsPerHost(TransportConfig.AUTO_IDLE_CONNS_PER_HOST).build());

        useConcurrently(transport, server, 4);
        assertThat(idleFor(transport, server)).isEqualTo(4);
        assertThat(transport.snapshot().key("|http|" + server.address()).idleCap()).isEqualTo(4);
        useConcurrently(transport, server, 4);

        assertThat(server.acceptedCount()).isEqualTo(4);
        assertThat(closed(transport, CloseReason.TOO_MANY_IDLE_HOST)).isZero();
    }

    @Test
    void withGosFixedCapOfTwoTheSameBurstsChurnConnections() throws Exception {
        ScriptServer server = server(ScriptServer.keepAlive(request -> "ok"));
        Transport transport = transport(TransportConfig.defaults());

        useConcurrently(transport, server, 4);
        useConcurrently(transport, server, 4);

        assertThat(server.acceptedCount()).isEqualTo(6);
        assertThat(closed(transport, CloseReason.TOO_MANY_IDLE_HOST)).isEqualTo(4);
    }
}
