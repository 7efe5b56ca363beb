package dev.httppool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.httppool.testing.FakeTicker;
import dev.httppool.testing.RecordingListener;
import dev.httppool.testing.ScriptServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Go §5 #18–#20, #22, #24–#29: idle timeout, CloseIdleConnections, and servers closing idle connections. */
@Timeout(30)
class TransportIdleIntegrationTest extends TransportTestSupport {

    /** The pool probes idle connections about once a second: a dead one must be gone well within this. */
    private static final Duration BACKGROUND_DROP = Duration.ofSeconds(3);

    @Test
    void anIdleConnectionIsClosedInTheBackgroundOnceIdleConnTimeoutPasses() throws Exception {
        Duration timeout = Duration.ofMillis(200);
        ScriptServer server = server(ScriptServer.keepAlive(request -> "ok"));
        Transport transport = transport(TransportConfig.builder().idleConnTimeout(timeout).build());

        assertThat(get(transport, server.url("/1"))).isEqualTo("ok");
        long idleSince = System.nanoTime();
        awaitTrue("idle connection closed", () -> transport.snapshot().totals().idle() == 0);
        long idleMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - idleSince);

        assertThat(idleMillis).as("closed only after the timeout").isGreaterThanOrEqualTo(150);
        assertThat(closed(transport, CloseReason.IDLE_TIMEOUT)).isEqualTo(1);
        assertThat(transport.snapshot().totals().connections()).isZero();
        assertThat(server.awaitOpenCount(0, WAIT)).as("server saw the connection closed").isTrue();

        assertThat(get(transport, server.url("/2"))).isEqualTo("ok");
        assertThat(connectionIds(server)).containsExactly(1, 2);
    }

    @Test
    void aConnectionIdleForLessThanTheTimeoutIsReusedAndOneIdleForLongerIsNot() throws Exception {
        FakeTicker ticker = new FakeTicker();
        ScriptServer server = server(ScriptServer.keepAlive(request -> "ok"));
        Transport transport = transport(Transport.builder().ticker(ticker)
                .config(TransportConfig.builder().idleConnTimeout(Duration.ofSeconds(10)).build()));
        RecordingListener trace = new RecordingListener();

        get(transport, server.url("/t0"));
        ticker.advance(Duration.ofSeconds(5));
        PoolSnapshot.IdleConnection idle = transport.snapshot().keys().get(0).idleConnections().get(0);
        assertThat(idle.idleMillis()).isEqualTo(5_000);
        assertThat(idle.requests()).isEqualTo(1);
        readToEof(transport.roundTrip(Request.builder(server.url("/t5")).trace(trace).build()));
        ticker.advance(Duration.ofSeconds(9));
        get(transport, server.url("/t14"));
        ticker.advance(Duration.ofSeconds(11));
        get(transport, server.url("/t25"));

        assertThat(connectionIds(server)).containsExactly(1, 1, 1, 2);
        assertThat(trace.events()).contains("gotConn reused=true wasIdle=true", "putIdleConn null");
        assertThat(closed(transport, CloseReason.IDLE_TIMEOUT)).isEqualTo(1);
        assertThat(server.awaitOpenCount(1, WAIT)).as("the expired connection was closed").isTrue();
    }

    @Test
    void aServerClosingAnIdleConnectionIsNoticedWithoutARequestAndTheNextPostUsesANewConnection()
            throws Exception {
        ScriptServer server = server(ScriptServer.keepAliveResponding((conn, request) -> {
            conn.respond(200, "got " + request.bodyText());
            if (conn.id() == 1) {
                conn.close(); // no Connection: close header: the client learns of it only from the socket
            }
        }));
        Transport transport = transport(TransportConfig.builder().maxConnsPerHost(1).build());

        Request post1 = Request.builder(server.url("/")).post(RequestBody.of("one")).build();
        assertThat(readToEof(transport.roundTrip(post1))).isEqualTo("got one");
        awaitTrue("dead idle connection dropped", () -> transport.snapshot().totals().connections() == 0,
                BACKGROUND_DROP);
        assertThat(closed(transport, CloseReason.SERVER_CLOSED)).isEqualTo(1);

        // A POST is not retried: it succeeds only if the dead connection is not used.
        Request post2 = Request.builder(server.url("/")).post(RequestBody.of("two")).build();
        assertThat(readToEof(transport.roundTrip(post2))).isEqualTo("got two");
        assertThat(connectionIds(server)).containsExactly(1, 2);
        server.assertNoHandlerErrors();
    }

    @Test
    void anUnsolicited408OnAnIdleConnectionDropsItAndTheNextRequestUsesANewConnection() throws Exception {
        CountDownLatch send408 = new CountDownLatch(1);
        ScriptServer server = server(ScriptServer.keepAliveResponding((conn, request) -> {
            conn.respond(200, "ok");
            if (conn.id() == 1) {
                send408.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                conn.write("HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
                conn.close();
            }
        }));
        Transport transport = transport(TransportConfig.defaults());

        assertThat(get(transport, server.url("/1"))).isEqualTo("ok");
        assertThat(idleFor(transport, server)).isEqualTo(1);
        send408.countDown();
        awaitTrue("connection that got a 408 dropped", () -> transport.snapshot().totals().connections() == 0,
                BACKGROUND_DROP);
        assertThat(closed(transport, CloseReason.SERVER_CLOSED)).isEqualTo(1);

        Response response = transport.roundTrip(Request.get(server.url("/2")));
        assertThat(response.status()).isEqualTo(200);
        assertThat(readToEof(response)).isEqualTo("ok");
        assertThat(connectionIds(server)).containsExactly(1, 2);
    }

    @ParameterizedTest(name = "server {0}s")
    @ValueSource(strings = {"close", "reset"})
    void afterTheServerDropsItsConnectionsAnImmediateRequestSucceedsOnANewOneAndFreesTheSlot(String how)
            throws Exception {
        List<ScriptServer.Conn> conns = new CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean dropping = new java.util.concurrent.atomic.AtomicBoolean();
        ScriptServer server = server(conn -> {
            conns.add(conn);
            try {
                ScriptServer.Request request;
                while ((request = conn.readRequest()) != null) {
                    conn.respond(200, "ok " + request.target());
                }
            } catch (java.io.IOException e) {
                if (!dropping.get()) {
                    throw e;
                }
            }
        });
        Transport transport = transport(TransportConfig.builder().maxConnsPerHost(1).build());

        assertThat(get(transport, server.url("/a"))).isEqualTo("ok /a");
        assertThat(get(transport, server.url("/b"))).isEqualTo("ok /b");
        dropping.set(true);
        for (ScriptServer.Conn conn : conns) {
            if (how.equals("reset")) {
                conn.reset();
            } else {
                conn.close();
            }
        }
        assertThat(get(transport, server.url("/c"))).isEqualTo("ok /c");

        assertThat(server.requests()).filteredOn(r -> r.target().equals("/c"))
                .extracting(ScriptServer.Request::connectionId).last().isEqualTo(2);
        assertThat(connectionIds(server).subList(0, 2)).containsExactly(1, 1);
        assertThat(transport.snapshot().totals().connections()).isEqualTo(1);
        server.assertNoHandlerErrors();
    }

    @Test
    void aKeepAliveEmptyResponseFollowedByAServerCloseLeavesNothingBehind() throws Exception {
        ScriptServer server = server(conn -> {
            if (conn.readRequest() != null) {
                conn.respond(200, "");
            }
        });
        Transport transport = transport(TransportConfig.defaults());

        Response response = transport.roundTrip(Request.get(server.url("/")));
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body().read()).isEqualTo(-1);
        response.close();

        awaitTrue("closed connection dropped", () -> transport.snapshot().totals().connections() == 0,
                BACKGROUND_DROP);
        assertThat(transport.snapshot().keys()).isEmpty();
    }

    @Test
    void connectionsReturnedAfterCloseIdleConnectionsAreClosedUntilTheNextRequestAsksForOne() throws Exception {
        ScriptServer server = server(ScriptServer.keepAlive(request -> "ok"));
        Transport transport = transport(TransportConfig.defaults());
        RecordingListener traceOfA = new RecordingListener();
        Response a = transport.roundTrip(Request.builder(server.url("/a")).trace(traceOfA).build());
        Response b = transport.roundTrip(Request.get(server.url("/b")));
        get(transport, server.url("/idle")); // a third connection, left idle
        assertThat(transport.snapshot().totals().idle()).isEqualTo(1);

        assertThat(transport.closeIdleConnections()).isEqualTo(1);
        assertThat(readToEof(a)).isEqualTo("ok");
        assertThat(transport.snapshot().totals().idle()).as("returned while closing idle: refused").isZero();
        assertThat(closed(transport, CloseReason.CLOSE_IDLE)).isEqualTo(2);

        assertThat(get(transport, server.url("/c"))).isEqualTo("ok"); // asks for a connection: mode ends
        assertThat(transport.snapshot().totals().idle()).isEqualTo(1);
        assertThat(readToEof(b)).isEqualTo("ok");
        assertThat(transport.snapshot().totals().idle()).as("returned after the next request: accepted")
                .isEqualTo(2);
        assertThat(traceOfA.events()).endsWith("putIdleConn CLOSE_IDLE");
        assertThat(connectionIds(server)).containsExactly(1, 2, 3, 4);
    }

    @Test
    void closeIdleConnectionsCalledWhileAResponseIsBeingProducedDoesNotHurtThatRequest() throws Exception {
        Transport[] holder = new Transport[1];
        ScriptServer server = server(ScriptServer.keepAliveResponding((conn, request) -> {
            holder[0].closeIdleConnections();
            conn.respond(200, "survived");
        }));
        Transport transport = transport(TransportConfig.defaults());
        holder[0] = transport;

        try (Response response = transport.roundTrip(Request.get(server.url("/")))) {
            assertThat(readToEof(response)).isEqualTo("survived");
        }
        assertThat(get(transport, server.url("/again"))).isEqualTo("survived");
    }
}
