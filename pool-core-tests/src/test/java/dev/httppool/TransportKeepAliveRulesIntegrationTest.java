package dev.httppool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.httppool.testing.Async;
import dev.httppool.testing.FakeTicker;
import dev.httppool.testing.GatedDialer;
import dev.httppool.testing.RecordingListener;
import dev.httppool.testing.ScriptServer;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Go §2.6, §2.11, §3.4: which responses leave a reusable connection, LIFO reuse, the bounded drain on close,
 * dial failures under the per-host cap, and {@link Transport#close()}.
 */
@Timeout(30)
class TransportKeepAliveRulesIntegrationTest extends TransportTestSupport {

    @ParameterizedTest(name = "{0} -> reused={1}")
    @CsvSource({
        "'HTTP/1.0 200 OK|Content-Length: 2', false",
        "'HTTP/1.0 200 OK|Content-Length: 2|Connection: keep-alive', true",
        "'HTTP/1.1 200 OK|Content-Length: 2', true",
        "'HTTP/1.1 200 OK|Content-Length: 2|Connection: Close', false",
        "'HTTP/1.1 200 OK|Content-Length: 2|Connection: keep-alive, close', false"})
    void theResponsesVersionAndConnectionHeaderDecideReuse(String head, boolean reused) throws Exception {
        String[] lines = head.split("\\|");
        ScriptServer server = server(ScriptServer.keepAliveResponding((conn, request) -> {
            conn.write(rawResponse(lines[0], "ok".getBytes(), java.util.Arrays.copyOfRange(lines, 1,
                    lines.length)));
            if (head.contains("close") || head.startsWith("HTTP/1.0") && !head.contains("keep-alive")) {
                conn.close();
            }
        }));
        Transport transport = transport(TransportConfig.defaults());

        assertThat(get(transport, server.url("/1"))).isEqualTo("ok");
        assertThat(get(transport, server.url("/2"))).isEqualTo("ok");

        assertThat(connectionIds(server)).containsExactly(1, reused ? 1 : 2);
        if (!reused) {
            assertThat(closed(transport, CloseReason.CONNECTION_CLOSE)).isEqualTo(2);
        }
    }

    @Test
    void aBodyDelimitedByTheServerClosingIsReadToItsEndAndItsConnectionIsNotReused() throws Exception {
        ScriptServer server = server(conn -> {
            if (conn.readRequest() != null) {
                conn.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end");
            }
        });
        Transport transport = transport(TransportConfig.defaults());

        Response response = transport.roundTrip(Request.get(server.url("/")));
        assertThat(response.contentLength()).isEqualTo(-1);
        assertThat(readToEof(response)).isEqualTo("until the end");
        assertThat(get(transport, server.url("/again"))).isEqualTo("until the end");

        assertThat(connectionIds(server)).containsExactly(1, 2);
        assertThat(transport.snapshot().totals().connections()).isZero();
    }

    @Test
    void theMostRecentlyReturnedIdleConnectionIsHandedOutFirst() throws Exception {
        ScriptServer server = server(ScriptServer.keepAlive(request -> "ok"));
        Transport transport = transport(TransportConfig.defaults());
        Response first = transport.roundTrip(Request.get(server.url("/on-1")));
        Response second = transport.roundTrip(Request.get(server.url("/on-2")));
        readToEof(second); // connection 2 becomes idle first
        readToEof(first); // connection 1 is the most recently used

        List<PoolSnapshot.IdleConnection> idle = transport.snapshot().key("|http|" + server.address())
                .idleConnections();
        assertThat(idle).extracting(PoolSnapshot.IdleConnection::id).as("least recently used first")
                .containsExactly(2L, 1L);
        assertThat(get(transport, server.url("/next"))).isEqualTo("ok");
        assertThat(get(transport, server.url("/next-again"))).isEqualTo("ok");

        assertThat(connectionIds(server)).containsExactly(1, 2, 1, 1);
    }

    @Test
    void withMaxIdleConnsPerHostZeroNoConnectionIsKeptAndNoCloseHeaderIsSent() throws Exception {
        ScriptServer server = server(ScriptServer.keepAlive(request -> "ok"));
        Transport transport = transport(TransportConfig.builder().maxIdleConnsPerHost(0).build());
        RecordingListener trace = new RecordingListener();

        readToEof(transport.roundTrip(Request.builder(server.url("/1")).trace(trace).build()));
        get(transport, server.url("/2"));

        assertThat(connectionIds(server)).containsExactly(1, 2);
        assertThat(server.requests()).allSatisfy(r -> assertThat(r.headers("Connection")).isEmpty());
        assertThat(trace.events()).endsWith("putIdleConn TOO_MANY_IDLE_HOST");
        assertThat(closed(transport, CloseReason.TOO_MANY_IDLE_HOST)).isEqualTo(2);
        assertThat(server.awaitOpenCount(0, WAIT)).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"maxIdleConnsPerHost=0", "closeIdleConnections"})
    void aReturnedConnectionGoesToAWaitingRequestEvenWhenItCouldNotBeKeptIdle(String why) throws Exception {
        ScriptServer server = server(ScriptServer.keepAlive(request -> "ok " + request.target()));
        Transport transport = transport(TransportConfig.builder().maxConnsPerHost(1)
                .maxIdleConnsPerHost(why.equals("maxIdleConnsPerHost=0") ? 0 : 2).build());
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor();
        closeLater(pool::shutdownNow);
        RecordingListener heldTrace = new RecordingListener();

        Response held = transport.roundTrip(Request.builder(server.url("/held")).trace(heldTrace).build());
        java.util.concurrent.Future<String> waiter = pool.submit(() -> get(transport, server.url("/waiter")));
        awaitTrue("waiter queued", () -> transport.snapshot().totals().waiting() == 1);
        if (why.equals("closeIdleConnections")) {
            transport.closeIdleConnections();
        }
        readToEof(held);

        assertThat(waiter.get(5, TimeUnit.SECONDS)).isEqualTo("ok /waiter");
        assertThat(connectionIds(server)).containsExactly(1, 1);
        assertThat(heldTrace.events()).endsWith("putIdleConn null");
    }

    @Test
    void connectionCloseResponsesUnderACapOfOnePassTheSlotFromRequestToRequest() throws Exception {
        ScriptServer server = server(ScriptServer.keepAliveResponding((conn, request) -> {
            conn.respond(200, "ok " + request.target(), "Connection: close");
            conn.close();
        }));
        Transport transport = transport(TransportConfig.builder().maxConnsPerHost(1).build());
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(3);
        closeLater(pool::shutdownNow);

        List<java.util.concurrent.Future<String>> results = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String url = server.url("/" + i);
            results.add(pool.submit(() -> get(transport, url)));
        }
        for (int i = 0; i < 3; i++) {
            assertThat(results.get(i).get(5, TimeUnit.SECONDS)).isEqualTo("ok /" + i);
        }

        assertThat(server.acceptedCount()).isEqualTo(3);
        assertThat(transport.snapshot().stats().dials()).isEqualTo(3);
        assertThat(closed(transport, CloseReason.CONNECTION_CLOSE)).isEqualTo(3);
    }

    @ParameterizedTest(name = "{0} bytes left -> reused={1}")
    @CsvSource({"200000, true", "400000, false"})
    void closeDrainsUpTo256KiBToSaveTheConnection(int size, boolean reused) throws Exception {
        String body = "x".repeat(size);
        ScriptServer server = server(conn -> {
            try {
                ScriptServer.Request request;
                while ((request = conn.readRequest()) != null) {
                    conn.respond(200, request.target().equals("/big") ? body : "small");
                }
            } catch (IOException clientGaveUp) {
                // the client closed the connection while the big body was still going out
            }
        });
        Transport transport = transport(TransportConfig.defaults());

        try (Response response = transport.roundTrip(Request.get(server.url("/big")))) {
            assertThat(response.body().readNBytes(10)).hasSize(10);
        }
        assertThat(get(transport, server.url("/small"))).isEqualTo("small");

        assertThat(connectionIds(server)).containsExactly(1, reused ? 1 : 2);
        assertThat(closed(transport, CloseReason.BROKEN)).isEqualTo(reused ? 0 : 1);
    }

    @Test
    void aFailedDialFailsItsRequestAndPassesTheSlotToTheNextWaiter() throws Exception {
        ScriptServer server = server(ScriptServer.keepAlive(request -> "ok " + request.target()));
        GatedDialer dialer = gatedDialer();
        dialer.gate(1);
        dialer.fail(1);
        Transport transport = transport(Transport.builder().dialer(dialer)
                .config(TransportConfig.builder().maxConnsPerHost(1).build()));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        closeLater(pool::shutdownNow);

        java.util.concurrent.Future<String> first = pool.submit(() -> get(transport, server.url("/first")));
        await(dialer.entered(1), "first dial started");
        java.util.concurrent.Future<String> second = pool.submit(() -> get(transport, server.url("/second")));
        awaitTrue("second queued", () -> transport.snapshot().totals().waiting() == 2);
        dialer.openAllGates();

        Throwable firstFailure = catchThrowable(() -> first.get(5, TimeUnit.SECONDS));
        assertThat(firstFailure).hasRootCauseInstanceOf(java.net.ConnectException.class);
        assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo("ok /second");
        assertThat(transport.snapshot().stats().dialFailures()).isEqualTo(1);
        assertThat(transport.snapshot().stats().dials()).isEqualTo(1);
        assertThat(connectionIds(server)).containsExactly(1);
    }

    @Test
    void closingTheTransportFailsWaitersLetsHeldBodiesFinishThenClosesTheirConnections() throws Exception {
        ScriptServer server = server(ScriptServer.keepAlive(request -> "ok " + request.target()));
        Transport transport = transport(TransportConfig.builder().maxConnsPerHost(1).build());
        Response held = transport.roundTrip(Request.get(server.url("/held")));
        java.util.concurrent.CompletableFuture<String> waiter = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return get(transport, server.url("/waiter"));
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }, Async.THREADS);
        awaitTrue("waiter queued", () -> transport.snapshot().totals().waiting() == 1);

        transport.close();

        Throwable waiterFailure = catchThrowable(() -> waiter.get(5, TimeUnit.SECONDS));
        assertThat(waiterFailure).hasCauseInstanceOf(java.io.UncheckedIOException.class)
                .hasRootCauseInstanceOf(IOException.class);
        assertThat(readToEof(held)).isEqualTo("ok /held");
        assertThat(transport.snapshot().totals().connections()).isZero();
        assertThat(server.awaitOpenCount(0, WAIT)).as("the held connection was closed once done").isTrue();
        assertThatThrownBy(() -> transport.roundTrip(Request.get(server.url("/late"))))
                .isInstanceOf(IOException.class).hasMessageContaining("closed");
        assertThat(server.requests()).extracting(ScriptServer.Request::target).containsExactly("/held");
    }

    @Test
    void aChunkedBodyWithExtensionsAndTrailersReadToItsEndLeavesTheConnectionReusable() throws Exception {
        ScriptServer server = server(ScriptServer.keepAliveResponding((conn, request) -> conn.write(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Checksum\r\n\r\n"
                        + "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Checksum: abc\r\n\r\n")));
        Transport transport = transport(TransportConfig.defaults());

        assertThat(get(transport, server.url("/1"))).isEqualTo("hello world");
        assertThat(get(transport, server.url("/2"))).isEqualTo("hello world");

        assertThat(connectionIds(server)).containsExactly(1, 1);
    }

    /**
     * The server sends bytes after the end of the response. They are already buffered when the body ends, so
     * the connection must not be pooled (Go's readLoop closes it as an "unsolicited response"). The clock is
     * frozen so that the result does not depend on how fast the next request follows.
     */
    @Test
    void aConnectionWithUnsolicitedBytesAfterTheResponseIsNotReused() throws Exception {
        ScriptServer server = server(ScriptServer.keepAliveResponding((conn, request) -> {
            if (conn.id() == 1) {
                conn.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n"
                        + "Content-Length: 7\r\n\r\nsmuggle");
            } else {
                conn.respond(200, "ok");
            }
        }));
        Transport transport = transport(Transport.builder().ticker(new FakeTicker())
                .config(TransportConfig.defaults()));

        Response first = transport.roundTrip(Request.get(server.url("/1")));
        awaitTrue("all bytes of the first answer arrived", () -> {
            try {
                return first.body().available() >= 2;
            } catch (IOException e) {
                return true;
            }
        });
        assertThat(readToEof(first)).isEqualTo("ok");
        assertThat(get(transport, server.url("/2"))).isEqualTo("ok");

        assertThat(connectionIds(server)).containsExactly(1, 2);
    }
}
