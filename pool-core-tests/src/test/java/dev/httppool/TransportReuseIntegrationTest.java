package dev.httppool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.httppool.testing.Loopback;
import dev.httppool.testing.RecordingListener;
import dev.httppool.testing.ScriptServer;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Go §5 #1–#7, #9, #23, #51: when connections are reused, and what the server sees. */
@Timeout(30)
class TransportReuseIntegrationTest extends TransportTestSupport {

    @Test
    void sequentialRequestsReadToEofWithoutCloseShareOneConnectionForContentLengthAndChunkedBodies()
            throws Exception {
        ScriptServer server = server(ScriptServer.keepAliveResponding((conn, request) -> {
            if (request.target().startsWith("/chunked")) {
                conn.respondChunked(200, List.of("hello ", "chunked ", "world"));
            } else {
                conn.respond(200, "hello fixed");
            }
        }));
        Transport transport = transport(TransportConfig.defaults());

        List<String> bodies = new ArrayList<>();
        for (String path : List.of("/fixed", "/chunked", "/fixed", "/chunked")) {
            bodies.add(get(transport, server.url(path)));
        }

        assertThat(bodies).containsExactly("hello fixed", "hello chunked world", "hello fixed",
                "hello chunked world");
        assertThat(connectionIds(server)).containsExactly(1, 1, 1, 1);
        assertThat(server.acceptedCount()).isEqualTo(1);
        assertThat(transport.snapshot().stats().dials()).isEqualTo(1);
        assertThat(transport.snapshot().stats().reused()).isEqualTo(3);
        assertThat(idleFor(transport, server)).isEqualTo(1);
        server.assertNoHandlerErrors();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"HEAD", "204", "304", "content-length-0"})
    void bodylessResponsesReturnTheConnectionBeforeTheResponseIsHandedOver(String kind) throws Exception {
        ScriptServer server = server(ScriptServer.keepAliveResponding((conn, request) -> {
            switch (kind) {
                case "HEAD":
                    conn.respond(200, "body that HEAD leaves out"); // Content-Length, no body bytes
                    break;
                case "204":
                    conn.respond(204, "");
                    break;
                case "304":
                    conn.respond(304, "", "Content-Length: 12345"); // the length of the unsent entity
                    break;
                default:
                    conn.respond(200, "");
                    break;
            }
        }));
        Transport transport = transport(TransportConfig.defaults());

        for (int i = 0; i < 100; i++) {
            Request.Builder b = Request.builder(server.url("/n" + i));
            if (kind.equals("HEAD")) {
                b.head();
            }
            // The body is neither read nor closed: the connection must already be back in the pool.
            Response response = transport.roundTrip(b.build());
            assertThat(response.status()).isEqualTo(kind.matches("\\d+") ? Integer.parseInt(kind) : 200);
            assertThat(transport.snapshot().totals().active()).as("active after response %d", i).isZero();
            assertThat(response.body().read()).isEqualTo(-1);
        }

        assertThat(server.acceptedCount()).isEqualTo(1);
        assertThat(connectionIds(server)).hasSize(100).containsOnly(1);
        assertThat(idleFor(transport, server)).isEqualTo(1);
    }

    @Test
    void connectionCloseInTheResponseMakesEachRequestUseANewConnection() throws Exception {
        ScriptServer server = server(ScriptServer.keepAliveResponding((conn, request) -> {
            conn.respond(200, "bye", "Connection: close");
            conn.close();
        }));
        Transport transport = transport(TransportConfig.defaults());

        assertThat(get(transport, server.url("/1"))).isEqualTo("bye");
        assertThat(get(transport, server.url("/2"))).isEqualTo("bye");

        assertThat(connectionIds(server)).containsExactly(1, 2);
        assertThat(closed(transport, CloseReason.CONNECTION_CLOSE)).isEqualTo(2);
        assertThat(transport.snapshot().totals().connections()).isZero();
    }

    @Test
    void connectionCloseInTheRequestIsSentAndMakesEachRequestUseANewConnection() throws Exception {
        ScriptServer server = server(ScriptServer.keepAlive(request -> "ok"));
        Transport transport = transport(TransportConfig.defaults());

        for (int i = 0; i < 2; i++) {
            Request request = Request.builder(server.url("/close" + i)).header("Connection", "close").build();
            assertThat(readToEof(transport.roundTrip(request))).isEqualTo("ok");
        }

        assertThat(connectionIds(server)).containsExactly(1, 2);
        assertThat(server.requests()).allSatisfy(r -> assertThat(r.headers("Connection")).containsExactly("close"));
        assertThat(closed(transport, CloseReason.CONNECTION_CLOSE)).isEqualTo(2);
        assertThat(transport.snapshot().totals().connections()).isZero();
    }

    @ParameterizedTest(name = "disableKeepAlives={0}, request asks for close={1}")
    @CsvSource({"false, false, 0", "true, false, 1", "false, true, 1", "true, true, 1"})
    void exactlyOneConnectionCloseHeaderIsSentWhenKeepAlivesAreDisabledOrTheRequestAsks(
            boolean disableKeepAlives, boolean requestClose, int expectedCloseHeaders) throws Exception {
        ScriptServer server = server(ScriptServer.keepAlive(request -> "ok"));
        Transport transport = transport(TransportConfig.builder().disableKeepAlives(disableKeepAlives).build());

        Request.Builder b = Request.builder(server.url("/"));
        if (requestClose) {
            b.header("Connection", "close");
        }
        assertThat(readToEof(transport.roundTrip(b.build()))).isEqualTo("ok");

        ScriptServer.Request seen = server.requests().get(0);
        long closeTokens = seen.headers("Connection").stream()
                .flatMap(v -> List.of(v.split(",")).stream())
                .filter(token -> token.trim().equalsIgnoreCase("close"))
                .count();
        assertThat(closeTokens).as("Connection: close tokens in %s", seen.headerLines())
                .isEqualTo(expectedCloseHeaders);
    }

    @Test
    void disableKeepAlivesUsesADifferentConnectionForEachRequestAndNeverPoolsOne() throws Exception {
        ScriptServer server = server(ScriptServer.keepAlive(request -> "ok"));
        Transport transport = transport(TransportConfig.builder().disableKeepAlives(true).build());
        RecordingListener trace = new RecordingListener();

        for (int i = 0; i < 3; i++) {
            Request request = Request.builder(server.url("/" + i)).trace(trace).build();
            assertThat(readToEof(transport.roundTrip(request))).isEqualTo("ok");
        }

        assertThat(connectionIds(server)).containsExactly(1, 2, 3);
        assertThat(closed(transport, CloseReason.KEEP_ALIVES_DISABLED)).isEqualTo(3);
        assertThat(transport.snapshot().totals().idle()).isZero();
        assertThat(trace.events()).noneMatch(e -> e.startsWith("putIdleConn"));
        assertThat(server.awaitOpenCount(0, WAIT)).as("server saw every connection closed").isTrue();
    }

    @Test
    void aPooledConnectionIsListedUnderItsKeyUntilCloseIdleConnectionsAndTheNextRequestDialsAnew()
            throws Exception {
        ScriptServer server = server(ScriptServer.keepAlive(request -> "ok"));
        Transport transport = transport(TransportConfig.defaults());
        assertThat(transport.snapshot().keys()).isEmpty();

        assertThat(get(transport, server.url("/a"))).isEqualTo("ok");

        PoolSnapshot snapshot = transport.snapshot();
        assertThat(snapshot.keys()).extracting(PoolSnapshot.KeyStats::key)
                .containsExactly("|http|" + server.address());
        PoolSnapshot.KeyStats key = snapshot.keys().get(0);
        assertThat(key.idle()).isEqualTo(1);
        assertThat(key.idleConnections()).singleElement()
                .satisfies(c -> assertThat(c.remoteAddress()).isEqualTo(server.address()));
        assertThat(transport.snapshot(server.address()).keys()).hasSize(1);
        assertThat(transport.snapshot("127.0.0.1:1").keys()).isEmpty();

        assertThat(transport.closeIdleConnections()).isEqualTo(1);
        assertThat(transport.snapshot().keys()).isEmpty();
        assertThat(closed(transport, CloseReason.CLOSE_IDLE)).isEqualTo(1);
        assertThat(server.awaitOpenCount(0, WAIT)).as("server saw the idle connection closed").isTrue();

        assertThat(get(transport, server.url("/b"))).isEqualTo("ok");
        assertThat(connectionIds(server)).containsExactly(1, 2);
    }

    @Test
    void closingASmallBodyAfterReadingPartOfItDrainsTheRestAndReusesTheConnection() throws Exception {
        String body = "0123456789".repeat(100);
        ScriptServer server = server(ScriptServer.keepAlive(request -> body));
        Transport transport = transport(TransportConfig.defaults());

        for (int i = 0; i < 5; i++) {
            try (Response response = transport.roundTrip(Request.get(server.url("/" + i)))) {
                InputStream in = response.body();
                assertThat(new String(in.readNBytes(10))).isEqualTo("0123456789");
            }
            assertThat(transport.snapshot().totals().active()).isZero();
        }

        assertThat(connectionIds(server)).containsExactly(1, 1, 1, 1, 1);
        assertThat(idleFor(transport, server)).isEqualTo(1);
    }

    @Test
    void closingWithoutReadingASmallChunkedBodyReusesTheConnection() throws Exception {
        ScriptServer server = server(ScriptServer.keepAliveResponding(
                (conn, request) -> conn.respondChunked(200, List.of("a", "b", "c"))));
        Transport transport = transport(TransportConfig.defaults());

        for (int i = 0; i < 3; i++) {
            transport.roundTrip(Request.get(server.url("/" + i))).close();
        }

        assertThat(connectionIds(server)).containsExactly(1, 1, 1);
    }

    @Test
    void traceReportsAFreshConnectionThenAnIdleReusedOneAndEachReturnToThePool() throws Exception {
        ScriptServer server = server(ScriptServer.keepAlive(request -> "ok"));
        Transport transport = transport(TransportConfig.defaults());

        RecordingListener first = new RecordingListener();
        readToEof(transport.roundTrip(Request.builder(server.url("/1")).trace(first).build()));
        RecordingListener second = new RecordingListener();
        readToEof(transport.roundTrip(Request.builder(server.url("/2")).trace(second).build()));

        assertThat(first.events()).containsExactly("getConn", "connectStart", "connectDone ok",
                "gotConn reused=false wasIdle=false", "wroteHeaders", "wroteRequest ok", "gotFirstResponseByte",
                "putIdleConn null");
        assertThat(second.events()).containsExactly("getConn", "gotConn reused=true wasIdle=true", "wroteHeaders",
                "wroteRequest ok", "gotFirstResponseByte", "putIdleConn null");
    }

    @Test
    void listenerSeesDialsAcquisitionsAndClosesWithTheirReasons() throws Exception {
        ScriptServer server = server(ScriptServer.keepAlive(request -> "ok"));
        RecordingListener listener = new RecordingListener();
        Transport transport = transport(Transport.builder().config(TransportConfig.defaults()).listener(listener));
        String key = "|http|" + server.address();

        get(transport, server.url("/1"));
        get(transport, server.url("/2"));
        transport.closeIdleConnections();

        assertThat(listener.events()).containsExactly("dialed " + key + " success", "acquired " + key
                + " reused=false", "acquired " + key + " reused=true", "closed " + key + " close-idle");
    }

    @Test
    void listenerSeesAFailedDialToAPortNobodyListensOn() throws Exception {
        int port = Loopback.closedPort();
        RecordingListener listener = new RecordingListener();
        Transport transport = transport(Transport.builder().config(TransportConfig.defaults()).listener(listener));

        org.assertj.core.api.Assertions
                .assertThatThrownBy(() -> transport.roundTrip(Request.get("http://127.0.0.1:" + port + "/")))
                .isInstanceOf(java.net.ConnectException.class);

        assertThat(listener.events()).containsExactly("dialed |http|127.0.0.1:" + port + " failure");
        assertThat(transport.snapshot().stats().dialFailures()).isEqualTo(1);
        assertThat(transport.snapshot().keys()).isEmpty();
    }
}
