package dev.httppool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.httppool.testing.FaultServer;
import dev.httppool.testing.FaultServer.Fault;
import dev.httppool.testing.Loopback;
import dev.httppool.testing.ScriptServer;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ProtocolException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 4, faults: each fault a real loopback server commits fails exactly the request it hit, with an
 * exception that says what happened (and, for failures before the response is handed over, to which key),
 * while healthy requests on the same key run alongside and all succeed; afterwards the pool holds only idle
 * connections, the server has exactly that many sockets open, and no client, dial or server thread is left.
 */
@Timeout(60)
class FaultIsolationTest extends TransportTestSupport {

    private static final int HEALTHY_THREADS = 4;
    private static final int HEALTHY_PER_THREAD = 25;

    /** What the failing request must see. {@code namesKey}: failures before the response is handed over. */
    private record Expected(Class<? extends IOException> type, String fragment, boolean namesKey) {
    }

    private static final Map<Fault, Expected> EXPECTED = Map.ofEntries(
            Map.entry(Fault.RESET_MID_HEADERS, new Expected(IOException.class, "", true)),
            Map.entry(Fault.RESET_MID_BODY, new Expected(IOException.class, "", false)),
            Map.entry(Fault.EOF_BEFORE_ANY_BYTE, new Expected(EOFException.class,
                    "server closed connection before sending a response", true)),
            Map.entry(Fault.TRUNCATED_CONTENT_LENGTH, new Expected(EOFException.class, "90 more body bytes", false)),
            Map.entry(Fault.TRUNCATED_CHUNKED, new Expected(EOFException.class, "chunked", false)),
            Map.entry(Fault.GARBAGE_STATUS_LINE, new Expected(ProtocolException.class, "status line", true)),
            Map.entry(Fault.GARBAGE_HEADER, new Expected(ProtocolException.class, "malformed response", true)),
            Map.entry(Fault.OVERSIZE_HEADERS, new Expected(ProtocolException.class, "exceeded", true)),
            Map.entry(Fault.SLOW_LORIS, new Expected(SocketTimeoutException.class, "", true)),
            Map.entry(Fault.NEVER_ANSWERS, new Expected(SocketTimeoutException.class, "", true)),
            Map.entry(Fault.CONTENT_LENGTH_AND_CHUNKED, new Expected(ProtocolException.class,
                    "both Transfer-Encoding and Content-Length", true)),
            Map.entry(Fault.CONFLICTING_CONTENT_LENGTHS, new Expected(ProtocolException.class,
                    "conflicting Content-Length", true)));

    private Set<Thread> threadsBefore;

    @BeforeEach
    void rememberThreads() {
        threadsBefore = Thread.getAllStackTraces().keySet();
    }

    @AfterEach
    void noClientDialOrServerThreadIsLeft() {
        assertNoThreadLeftBehind(threadsBefore);
    }

    /** After everything is closed, every thread started since {@code before} by the pool or a server has ended. */
    static void assertNoThreadLeftBehind(Set<Thread> before) {
        awaitTrue("no httppool-, script-server- or test client thread left", () -> leftBehind(before).isEmpty(),
                Duration.ofSeconds(10));
    }

    private static List<String> leftBehind(Set<Thread> before) {
        List<String> names = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            String n = t.getName();
            if (!before.contains(t) && t.isAlive() && (n.startsWith("httppool-") || n.startsWith("script-server-")
                    || n.startsWith("fault-client-"))) {
                names.add(n + " " + t.getState());
            }
        }
        return names;
    }

    private static ExecutorService clients(int n) {
        AtomicInteger ids = new AtomicInteger();
        return Executors.newFixedThreadPool(n, r -> {
            Thread t = new Thread(r, "fault-client-" + ids.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Sends GET {@code url}, reads the body to its end and closes; returns what was thrown, or null. */
    static Throwable failureOf(Transport transport, String url) {
        return catchThrowable(() -> {
            try (Response response = transport.roundTrip(Request.get(url))) {
                response.body().readAllBytes();
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Fault.class)
    void aServerFaultFailsOnlyItsOwnRequestWithAClearErrorAndThePoolSettlesToIdleConnections(Fault fault)
            throws Exception {
        FaultServer faults = FaultServer.create();
        ScriptServer server = server(faults.handler());
        Transport transport = transport(TransportConfig.builder().maxIdleConnsPerHost(HEALTHY_THREADS + 1)
                .maxResponseHeaderBytes(16 * 1024).responseHeaderTimeout(Duration.ofSeconds(1)).build());
        String key = "|http|" + server.address();
        ExecutorService clients = clients(HEALTHY_THREADS + 1);
        try {
            List<CompletableFuture<Integer>> healthy = new ArrayList<>();
            for (int t = 0; t < HEALTHY_THREADS; t++) {
                int thread = t;
                healthy.add(CompletableFuture.supplyAsync(() -> {
                    int ok = 0;
                    for (int i = 0; i < HEALTHY_PER_THREAD; i++) {
                        String path = "/ok/" + thread + "-" + i;
                        try {
                            assertThat(get(transport, server.url(path))).isEqualTo("ok " + path);
                        } catch (IOException e) {
                            throw new AssertionError("healthy request " + path + " failed: " + e, e);
                        }
                        ok++;
                    }
                    return ok;
                }, clients));
            }
            CompletableFuture<Throwable> faulty = CompletableFuture.supplyAsync(
                    () -> failureOf(transport, server.url(fault.path())), clients);

            Throwable thrown = faulty.get(20, TimeUnit.SECONDS);
            for (CompletableFuture<Integer> h : healthy) {
                assertThat(h.get(20, TimeUnit.SECONDS)).isEqualTo(HEALTHY_PER_THREAD);
            }

            Expected expected = EXPECTED.get(fault);
            assertThat(thrown).as("the faulty request's failure").isInstanceOf(expected.type())
                    .hasMessageContaining(expected.fragment());
            if (expected.namesKey()) {
                assertThat(thrown).hasMessageContaining(key);
            }
            assertThat(faults.servedCounts().get(fault.name())).as("times the fault was served").isPositive();
            assertThat(faults.healthyCount()).isEqualTo(HEALTHY_THREADS * HEALTHY_PER_THREAD);
            assertPoolHoldsOnlyIdleConnectionsMatchingTheServer(transport, server);
        } finally {
            clients.shutdownNow();
            assertThat(clients.awaitTermination(5, TimeUnit.SECONDS)).as("client threads ended").isTrue();
        }
        transport.close();
        server.close();
    }

    /** active = dialing = waiting = 0, connections = idle, and the server's open sockets = the pool's idle ones. */
    static void assertPoolHoldsOnlyIdleConnectionsMatchingTheServer(Transport transport, ScriptServer server) {
        awaitPoolClean(transport);
        PoolSnapshot.Totals totals = transport.snapshot().totals();
        assertThat(totals.connections()).as("connections = idle").isEqualTo(totals.idle());
        int idle = idleFor(transport, server);
        assertThat(server.awaitOpenCount(idle, WAIT)).as("server open sockets (%s) = pool idle (%d)",
                server, idle).isTrue();
    }

    @Test
    void aRefusedConnectionFailsWithConnectExceptionNamingTheKeyAndLeavesNothingInThePool() throws Exception {
        Transport transport = transport(TransportConfig.defaults());
        int port = Loopback.closedPort();

        Throwable thrown = failureOf(transport, "http://127.0.0.1:" + port + "/");

        assertThat(thrown).isInstanceOf(ConnectException.class).hasMessageContaining("|http|127.0.0.1:" + port);
        assertThat(transport.snapshot().stats().dialFailures()).isEqualTo(1);
        assertThat(transport.snapshot().keys()).isEmpty();
        assertThat(transport.snapshot().totals().connections()).isZero();
        transport.close();
    }

    @Test
    void anUnresolvableHostFailsWithUnknownHostExceptionNamingTheKeyAndLeavesNothingInThePool() throws Exception {
        Transport transport = transport(TransportConfig.defaults());

        Throwable thrown = failureOf(transport, "http://httppool-test.invalid:8080/");

        assertThat(thrown).isInstanceOf(UnknownHostException.class)
                .hasMessageContaining("|http|httppool-test.invalid:8080");
        assertThat(transport.snapshot().stats().dialFailures()).isEqualTo(1);
        assertThat(transport.snapshot().keys()).isEmpty();
        transport.close();
    }

    @Test
    void aBodyCutShortNamesTheKeyInItsException() throws Exception {
        FaultServer faults = FaultServer.create();
        ScriptServer server = server(faults.handler());
        Transport transport = transport(TransportConfig.defaults());

        Throwable thrown = failureOf(transport, server.url(Fault.TRUNCATED_CONTENT_LENGTH.path()));
        transport.close();
        server.close();

        assertThat(thrown).isInstanceOf(EOFException.class).hasMessageContaining(server.address());
    }

    @Test
    void connectionCloseAnswersMixedWithKeepAliveOnesUnderLoadLoseNoRequestAndNoConnection() throws Exception {
        FaultServer faults = FaultServer.create();
        ScriptServer server = server(faults.handler());
        Transport transport = transport(TransportConfig.builder().maxConnsPerHost(3).maxIdleConnsPerHost(3).build());
        int threads = 8;
        int perThread = 60;
        ExecutorService clients = clients(threads);
        try {
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                all.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < perThread; i++) {
                        String path = "/mixed/" + thread + "-" + i + (i % 3 == 0 ? "?close" : "");
                        try {
                            assertThat(get(transport, server.url(path))).isEqualTo("ok " + path);
                        } catch (IOException e) {
                            throw new AssertionError(path + " failed: " + e, e);
                        }
                    }
                }, clients));
            }
            CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).get(30, TimeUnit.SECONDS);
        } finally {
            clients.shutdownNow();
            assertThat(clients.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        }

        assertThat(faults.healthyCount()).isEqualTo(threads * perThread);
        assertThat(closed(transport, CloseReason.CONNECTION_CLOSE)).isEqualTo(threads * ((perThread + 2) / 3));
        assertThat(server.acceptedCount()).as("never more than 3 open at once, so at most 3 + closes dialed")
                .isLessThanOrEqualTo(3 + threads * ((perThread + 2) / 3));
        assertPoolHoldsOnlyIdleConnectionsMatchingTheServer(transport, server);
        server.assertNoHandlerErrors();
        transport.close();
        server.close();
    }
}
