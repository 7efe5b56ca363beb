package dev.httppool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.httppool.testing.GatedDialer;
import dev.httppool.testing.ScriptServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Go §5 #11–#14, #16 and the pool-acquire timeout: per-host and global idle caps, the per-host connection cap. */
@Timeout(30)
class TransportLimitsIntegrationTest extends TransportTestSupport {

    private ExecutorService threads(int n) {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        closeLater(pool::shutdownNow);
        return pool;
    }

    @Test
    void perHostIdleCapKeepsTwoOfThreeReturnedConnectionsAndClosesTheThird() throws Exception {
        ScriptServer server = server(ScriptServer.keepAlive(request -> "body of " + request.target()));
        Transport transport = transport(TransportConfig.builder().maxIdleConnsPerHost(2).build());

        // Three responses held at once (bodies unread) need three connections.
        List<Response> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(transport.roundTrip(Request.get(server.url("/" + i))));
        }
        assertThat(server.acceptedCount()).isEqualTo(3);
        assertThat(transport.snapshot().totals().active()).isEqualTo(3);

        List<Integer> idleCounts = new ArrayList<>();
        for (Response response : held) {
            readToEof(response);
            idleCounts.add(idleFor(transport, server));
        }

        assertThat(idleCounts).containsExactly(1, 2, 2);
        assertThat(closed(transport, CloseReason.TOO_MANY_IDLE_HOST)).isEqualTo(1);
        assertThat(server.awaitOpenCount(2, WAIT)).as("server saw exactly one connection closed").isTrue();
        assertThat(transport.snapshot().totals().connections()).isEqualTo(2);
    }

    @Test
    void globalIdleCapEvictsTheLeastRecentlyUsedConnectionWhateverItsHost() throws Exception {
        List<ScriptServer> servers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            servers.add(server(ScriptServer.keepAlive(request -> "ok")));
        }
        Transport transport = transport(TransportConfig.builder().maxIdleConns(4).build());

        for (int i = 0; i < 4; i++) {
            get(transport, servers.get(i).url("/"));
        }
        assertThat(idleKeys(transport)).containsExactlyInAnyOrderElementsOf(keysOf(servers.subList(0, 4)));

        get(transport, servers.get(4).url("/"));

        assertThat(idleKeys(transport)).containsExactlyInAnyOrderElementsOf(keysOf(servers.subList(1, 5)));
        assertThat(transport.snapshot().totals().idle()).isEqualTo(4);
        assertThat(closed(transport, CloseReason.TOO_MANY_IDLE)).isEqualTo(1);
        assertThat(servers.get(0).awaitOpenCount(0, WAIT)).as("host0's connection closed").isTrue();
        for (ScriptServer server : servers.subList(1, 5)) {
            assertThat(server.openCount()).isEqualTo(1);
        }
    }

    private static List<String> idleKeys(Transport transport) {
        List<String> keys = new ArrayList<>();
        for (PoolSnapshot.KeyStats k : transport.snapshot().keys()) {
            if (k.idle() > 0) {
                keys.add(k.key());
            }
        }
        return keys;
    }

    private static List<String> keysOf(List<ScriptServer> servers) {
        List<String> keys = new ArrayList<>();
        for (ScriptServer s : servers) {
            keys.add("|http|" + s.address());
        }
        return keys;
    }

    @Test
    void maxConnsPerHostOneServesTenConcurrentRequestsOverOneDialedConnection() throws Exception {
        CountDownLatch queueFull = new CountDownLatch(1);
        AtomicInteger concurrentConnections = new AtomicInteger();
        AtomicInteger peakConnections = new AtomicInteger();
        GatedDialer dialer = gatedDialer();
        Transport transport = transport(Transport.builder()
                .config(TransportConfig.builder().maxConnsPerHost(1).build()).dialer(dialer));
        ScriptServer server = server(conn -> {
            peakConnections.accumulateAndGet(concurrentConnections.incrementAndGet(), Math::max);
            try {
                ScriptServer.Request request;
                while ((request = conn.readRequest()) != null) {
                    if (request.target().equals("/0")) {
                        // Hold the first response until the other nine requests queue behind it.
                        queueFull.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                    }
                    conn.respond(200, "ok " + request.target());
                }
            } finally {
                concurrentConnections.decrementAndGet();
            }
        });
        ExecutorService pool = threads(10);

        Future<String> first = pool.submit(() -> get(transport, server.url("/0")));
        awaitTrue("first request on the wire", () -> server.requests().size() == 1);
        List<Future<String>> rest = new ArrayList<>();
        for (int i = 1; i < 10; i++) {
            String url = server.url("/" + i);
            rest.add(pool.submit(() -> get(transport, url)));
        }
        awaitTrue("nine requests waiting", () -> transport.snapshot().totals().waiting() == 9);
        PoolSnapshot.KeyStats key = transport.snapshot().key("|http|" + server.address());
        assertThat(key.connections()).isEqualTo(1);
        assertThat(key.dialing()).isZero();
        queueFull.countDown();

        assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("ok /0");
        for (int i = 1; i < 10; i++) {
            assertThat(rest.get(i - 1).get(5, TimeUnit.SECONDS)).isEqualTo("ok /" + i);
        }
        assertThat(dialer.started()).isEqualTo(1);
        assertThat(transport.snapshot().stats().dials()).isEqualTo(1);
        assertThat(server.acceptedCount()).isEqualTo(1);
        assertThat(peakConnections.get()).isEqualTo(1);

        // After the slot is freed, exactly one more dial (#13's second half).
        assertThat(transport.closeIdleConnections()).isEqualTo(1);
        assertThat(get(transport, server.url("/again"))).isEqualTo("ok /again");
        assertThat(dialer.started()).isEqualTo(2);
    }

    @Test
    void fiftyConcurrentRequestsNeverHaveMoreThanFourConnectionsOpenAndAllSucceed() throws Exception {
        int cap = 4;
        CountDownLatch capReached = new CountDownLatch(cap);
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger peakInFlight = new AtomicInteger();
        ScriptServer server = server(ScriptServer.keepAliveResponding((conn, request) -> {
            peakInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            capReached.countDown();
            // Hold every response until four are being served at once, so the queue really builds up.
            capReached.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            inFlight.decrementAndGet();
            conn.respond(200, "ok " + request.target());
        }));
        GatedDialer dialer = gatedDialer();
        // maxIdleConnsPerHost = cap: no connection is ever closed, so every one the server accepted is still open.
        Transport transport = transport(Transport.builder().dialer(dialer)
                .config(TransportConfig.builder().maxConnsPerHost(cap).maxIdleConnsPerHost(cap).build()));
        ExecutorService pool = threads(50);

        List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String url = server.url("/" + i);
            results.add(pool.submit(() -> get(transport, url)));
        }
        for (int i = 0; i < 50; i++) {
            assertThat(results.get(i).get(10, TimeUnit.SECONDS)).isEqualTo("ok /" + i);
        }

        assertThat(capReached.getCount()).as("four requests were served at once").isZero();
        assertThat(peakInFlight.get()).isEqualTo(cap);
        assertThat(server.acceptedCount()).isEqualTo(cap);
        assertThat(dialer.started()).isEqualTo(cap);
        assertThat(transport.snapshot().stats().dials()).isEqualTo(cap);
        assertThat(server.requests()).hasSize(50);
        assertThat(transport.snapshot().totals().idle()).isEqualTo(cap);
    }

    @Test
    void maxConnsPerHostCountsADialInProgressSoASecondRequestWaitsForTheFirstToFinish() throws Exception {
        ScriptServer server = server(ScriptServer.keepAlive(request -> "ok " + request.target()));
        GatedDialer dialer = gatedDialer();
        CountDownLatch firstGate = dialer.gate(1);
        Transport transport = transport(Transport.builder().dialer(dialer)
                .config(TransportConfig.builder().maxConnsPerHost(1).disableKeepAlives(true).build()));
        ExecutorService pool = threads(2);

        Future<String> first = pool.submit(() -> get(transport, server.url("/first")));
        await(dialer.entered(1), "first dial started");
        Future<String> second = pool.submit(() -> get(transport, server.url("/second")));
        awaitTrue("both requests waiting", () -> transport.snapshot().totals().waiting() == 2);

        PoolSnapshot.KeyStats key = transport.snapshot().key("|http|" + server.address());
        assertThat(key.dialing()).as("only the first request dials").isEqualTo(1);
        assertThat(key.connections()).isEqualTo(1);
        assertThat(dialer.started()).isEqualTo(1);

        firstGate.countDown();
        assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("ok /first");
        assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo("ok /second");
        assertThat(dialer.started()).isEqualTo(2);
        assertThat(connectionIds(server)).containsExactly(1, 2);
    }

    @Test
    void connWaitTimeoutFailsAWaitingRequestWithTheKeyAndItsCounts() throws Exception {
        ScriptServer server = server(ScriptServer.keepAlive(request -> "ok"));
        Transport transport = transport(TransportConfig.builder().maxConnsPerHost(1)
                .connWaitTimeout(Duration.ofMillis(200)).build());
        String key = "|http|" + server.address();

        Response held = transport.roundTrip(Request.get(server.url("/held")));
        long start = System.nanoTime();
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(
                () -> transport.roundTrip(Request.get(server.url("/waits"))));
        long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(thrown).isInstanceOf(ConnWaitTimeoutException.class).hasMessageContaining(key);
        ConnWaitTimeoutException timeout = (ConnWaitTimeoutException) thrown;
        assertThat(timeout.key().toString()).isEqualTo(key);
        assertThat(timeout.keyStats().key()).isEqualTo(key);
        assertThat(timeout.keyStats().active()).isEqualTo(1);
        assertThat(timeout.keyStats().waiting()).isGreaterThanOrEqualTo(1);
        assertThat(waitedMillis).isBetween(150L, 4_000L);
        assertThat(transport.snapshot().totals().waiting()).isZero();
        assertThat(server.acceptedCount()).isEqualTo(1);

        readToEof(held);
        assertThat(get(transport, server.url("/after"))).isEqualTo("ok");
        assertThat(connectionIds(server)).containsExactly(1, 1);
    }

    @Test
    void waitingRequestsAreServedInArrivalOrder() throws Exception {
        ScriptServer server = server(ScriptServer.keepAlive(request -> request.target()));
        Transport transport = transport(TransportConfig.builder().maxConnsPerHost(1).build());
        ExecutorService pool = threads(3);

        Response held = transport.roundTrip(Request.get(server.url("/held")));
        List<CompletableFuture<String>> waiters = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            String url = server.url("/w" + i);
            waiters.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return get(transport, url);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, pool));
            int expected = i;
            awaitTrue("waiter " + i + " queued", () -> transport.snapshot().totals().waiting() == expected);
        }
        readToEof(held);
        for (CompletableFuture<String> w : waiters) {
            w.get(5, TimeUnit.SECONDS);
        }

        assertThat(server.requests()).extracting(ScriptServer.Request::target)
                .containsExactly("/held", "/w1", "/w2", "/w3");
        assertThat(server.acceptedCount()).isEqualTo(1);
    }

    @ParameterizedTest(name = "maxConnsPerHost={0}")
    @ValueSource(ints = {0, 2})
    void connWaitTimeoutDoesNotCutShortARequestWaitingForItsOwnDialWhileTheCapIsNotReached(int maxConnsPerHost)
            throws Exception {
        ScriptServer server = server(ScriptServer.keepAlive(request -> "ok"));
        GatedDialer dialer = gatedDialer();
        CountDownLatch slowDial = dialer.gate(1);
        Transport transport = transport(Transport.builder().dialer(dialer).config(TransportConfig.builder()
                .maxConnsPerHost(maxConnsPerHost).connWaitTimeout(Duration.ofMillis(100)).build()));
        ExecutorService pool = threads(1);

        Future<String> result = pool.submit(() -> get(transport, server.url("/slow-dial")));
        await(dialer.entered(1), "the dial to start");
        // The dial takes far longer than connWaitTimeout, but no limit makes this request wait.
        Throwable early = org.assertj.core.api.Assertions.catchThrowable(
                () -> result.get(600, TimeUnit.MILLISECONDS));
        assertThat(early).as("the request must still be waiting for its dial")
                .isInstanceOf(java.util.concurrent.TimeoutException.class);
        slowDial.countDown();

        assertThat(result.get(5, TimeUnit.SECONDS)).isEqualTo("ok");
    }

    @Test
    void fiveHundredRequestsOverSixteenThreadsEachGetTheirOwnResponse() throws Exception {
        ScriptServer server = server(ScriptServer.keepAlive(request -> "answer to " + request.target()));
        Transport transport = transport(TransportConfig.defaults()); // 2 idle per host: connections churn
        ExecutorService pool = threads(16);

        List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            String url = server.url("/req-" + i);
            results.add(pool.submit(() -> get(transport, url)));
        }
        for (int i = 0; i < 500; i++) {
            assertThat(results.get(i).get(20, TimeUnit.SECONDS)).isEqualTo("answer to /req-" + i);
        }

        assertThat(server.requests()).hasSize(500);
        // Late binding: dials that lost their race may still be finishing; let them land first.
        awaitPoolClean(transport);
        PoolSnapshot snapshot = transport.snapshot(); // one consistent view for the accounting below
        assertThat(snapshot.totals().idle()).isLessThanOrEqualTo(2);
        long closedTotal = snapshot.stats().closed().values().stream().mapToLong(Long::longValue).sum();
        assertThat(snapshot.stats().dials()).as("every dialed connection is idle or was closed")
                .isEqualTo(closedTotal + snapshot.totals().connections());
    }
}
