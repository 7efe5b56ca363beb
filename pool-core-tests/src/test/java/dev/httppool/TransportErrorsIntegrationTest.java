package dev.httppool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.httppool.testing.Async;
import dev.httppool.testing.RecordingListener;
import dev.httppool.testing.ScriptServer;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Go §3.4, §3.10 and §5 #8, #53, #57: early close of big bodies, broken framing, resets, header limits. */
@Timeout(30)
class TransportErrorsIntegrationTest extends TransportTestSupport {

    /** After the test's check, pool totals must show no connection left over either. */
    private static void assertNoConnections(Transport transport) {
        awaitTrue("no connection left", () -> transport.snapshot().totals().connections() == 0);
        assertThat(transport.snapshot().keys()).isEmpty();
    }

    @ParameterizedTest(name = "{0} body")
    @ValueSource(strings = {"chunked", "content-length"})
    void closingAHugeBodyEarlyClosesTheConnectionInsteadOfDrainingIt(String framing) throws Exception {
        CountDownLatch serverWriteFailed = new CountDownLatch(1);
        ScriptServer server = server(conn -> {
            conn.readRequest();
            byte[] line = "a line of an endless body\n".getBytes(StandardCharsets.UTF_8);
            try {
                if (framing.equals("chunked")) {
                    conn.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
                    byte[] chunk = chunked(line, line.length);
                    byte[] noTerminator = java.util.Arrays.copyOf(chunk, chunk.length - 5); // drop "0\r\n\r\n"
                    while (true) {
                        conn.write(noTerminator);
                    }
                } else {
                    conn.write("HTTP/1.1 200 OK\r\nContent-Length: 1000000000000\r\n\r\n");
                    while (true) {
                        conn.write(line);
                    }
                }
            } catch (IOException expected) {
                serverWriteFailed.countDown();
            }
        });
        Transport transport = transport(TransportConfig.defaults());

        Response response = transport.roundTrip(Request.get(server.url("/endless")));
        byte[] start = response.body().readNBytes(3 * 26);
        assertThat(new String(start, StandardCharsets.UTF_8)).startsWith("a line of an endless body\n");
        CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> {
            try {
                response.close();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, Async.THREADS);
        closing.get(5, TimeUnit.SECONDS);

        await(serverWriteFailed, "the server's writes to fail");
        assertThat(closed(transport, CloseReason.BROKEN)).isEqualTo(1);
        assertThat(transport.snapshot().stats().closed()).doesNotContainKey(CloseReason.CLOSE_IDLE.tag());
        assertNoConnections(transport);
        assertThatThrownBy(() -> response.body().read()).isInstanceOf(IOException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void closingABodyWhoseServerStalledGivesUpQuicklyAndClosesTheConnection() throws Exception {
        CountDownLatch peerClosed = new CountDownLatch(1);
        ScriptServer server = server(conn -> {
            conn.readRequest();
            conn.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b");
            if (conn.awaitPeerClose(WAIT)) {
                peerClosed.countDown();
            }
        });
        Transport transport = transport(TransportConfig.defaults());

        Response response = transport.roundTrip(Request.get(server.url("/stall")));
        assertThat(new String(response.body().readNBytes(10), StandardCharsets.UTF_8)).isEqualTo("only ten b");
        long start = System.nanoTime();
        response.close();
        long closeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(closeMillis).as("close() must not wait for the stalled server for long").isLessThan(3_000);
        await(peerClosed, "the server to see the connection closed");
        assertThat(closed(transport, CloseReason.BROKEN)).isEqualTo(1);
        assertNoConnections(transport);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"content-length", "chunked"})
    void aBodyCutShortByTheServerFailsTheReadWithEofAndLeavesNoConnection(String framing) throws Exception {
        ScriptServer server = server(conn -> {
            conn.readRequest();
            if (framing.equals("chunked")) {
                conn.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\n0123456789\r\n5\r\nab");
            } else {
                conn.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789");
            }
        });
        Transport transport = transport(TransportConfig.defaults());

        Response response = transport.roundTrip(Request.get(server.url("/truncated")));
        InputStream body = response.body();

        assertThatThrownBy(body::readAllBytes).isInstanceOf(EOFException.class);
        awaitPoolClean(transport);
        assertThat(closed(transport, CloseReason.BROKEN)).isEqualTo(1);
        assertNoConnections(transport);
    }

    @Test
    void aGarbageStatusLineFailsWithAProtocolExceptionAndLeavesNoConnection() throws Exception {
        ScriptServer server = server(conn -> {
            conn.readRequest();
            conn.write("SSH-2.0-OpenSSH_9.6\r\n\r\n");
            conn.awaitPeerClose(WAIT);
        });
        Transport transport = transport(TransportConfig.defaults());

        Throwable thrown = catchThrowable(() -> transport.roundTrip(Request.get(server.url("/"))));

        assertThat(thrown).isInstanceOf(ProtocolException.class).hasMessageContaining("status line");
        assertThat(closed(transport, CloseReason.BROKEN)).isEqualTo(1);
        assertNoConnections(transport);
        assertThat(server.awaitOpenCount(0, WAIT)).isTrue();
        assertThat(server.acceptedCount()).isEqualTo(1);
    }

    @Test
    void aResetInTheMiddleOfTheHeadersFailsTheRequestAndLeavesNoConnection() throws Exception {
        ScriptServer server = server(conn -> {
            conn.readRequest();
            conn.write("HTTP/1.1 200 OK\r\nContent-Type: text/pl");
            conn.reset();
        });
        Transport transport = transport(TransportConfig.defaults());

        Throwable thrown = catchThrowable(() -> transport.roundTrip(Request.get(server.url("/"))));

        assertThat(thrown).isInstanceOf(IOException.class);
        assertThat(server.acceptedCount()).as("fresh connection: no retry").isEqualTo(1);
        assertNoConnections(transport);
    }

    @Test
    void aResetInTheMiddleOfTheBodyFailsTheReadAndLeavesNoConnection() throws Exception {
        CountDownLatch clientHasHeaders = new CountDownLatch(1);
        ScriptServer server = server(conn -> {
            conn.readRequest();
            conn.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n0123456789");
            clientHasHeaders.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            conn.reset();
        });
        Transport transport = transport(TransportConfig.defaults());

        Response response = transport.roundTrip(Request.get(server.url("/")));
        assertThat(response.status()).isEqualTo(200);
        clientHasHeaders.countDown();

        assertThatThrownBy(() -> response.body().readAllBytes()).isInstanceOf(IOException.class);
        assertThat(closed(transport, CloseReason.BROKEN)).isEqualTo(1);
        assertNoConnections(transport);
    }

    @Test
    void responseHeadersOverMaxResponseHeaderBytesFailWithExceededWhileSmallerOnesPass() throws Exception {
        ScriptServer server = server(ScriptServer.keepAliveResponding((conn, request) -> {
            int size = request.target().equals("/big") ? 2_000 : 500;
            conn.respond(200, "ok", "X-Padding: " + "p".repeat(size));
        }));
        Transport transport = transport(TransportConfig.builder().maxResponseHeaderBytes(1024).build());

        assertThat(get(transport, server.url("/small"))).isEqualTo("ok");
        Throwable thrown = catchThrowable(() -> transport.roundTrip(Request.get(server.url("/big"))));

        assertThat(thrown).isInstanceOf(ProtocolException.class).hasMessageContaining("exceeded")
                .hasMessageContaining("1024");
        assertThat(closed(transport, CloseReason.BROKEN)).isEqualTo(1);
        assertNoConnections(transport);
    }

    @Test
    void interimResponsesCountTowardsTheHeaderLimit() throws Exception {
        ScriptServer server = server(conn -> {
            conn.readRequest();
            for (int i = 0; i < 100; i++) {
                conn.write("HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n");
            }
            conn.respond(200, "finally");
            conn.awaitPeerClose(WAIT);
        });
        Transport transport = transport(TransportConfig.builder().maxResponseHeaderBytes(1024).build());

        Throwable thrown = catchThrowable(() -> transport.roundTrip(Request.get(server.url("/"))));

        assertThat(thrown).isInstanceOf(ProtocolException.class).hasMessageContaining("exceeded");
        assertNoConnections(transport);
    }

    @Test
    void aFewInterimResponsesAreSkippedAndTheFinalOneIsReturned() throws Exception {
        ScriptServer server = server(ScriptServer.keepAliveResponding((conn, request) -> {
            conn.write("HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n");
            conn.write("HTTP/1.1 102 Processing\r\n\r\n");
            conn.respond(200, "final");
        }));
        Transport transport = transport(TransportConfig.defaults());
        RecordingListener trace = new RecordingListener();

        Response response = transport.roundTrip(Request.builder(server.url("/")).trace(trace).build());

        assertThat(response.status()).isEqualTo(200);
        assertThat(readToEof(response)).isEqualTo("final");
        assertThat(trace.events()).contains("got1xxResponse 103", "got1xxResponse 102");
        assertThat(get(transport, server.url("/again"))).isEqualTo("final");
        assertThat(connectionIds(server)).containsExactly(1, 1);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"value with CR LF", "value with LF", "value with NUL", "name with space",
            "name with colon", "bad method", "ftp scheme", "no host"})
    void anInvalidRequestIsRejectedWhenBuiltAndNeverOpensAConnection(String what) throws Exception {
        ScriptServer server = server(ScriptServer.keepAlive(request -> "ok"));
        Transport transport = transport(TransportConfig.defaults());
        String url = server.url("/");

        Throwable thrown = catchThrowable(() -> {
            Request.Builder b = Request.builder(what.equals("ftp scheme") ? "ftp://" + server.address() + "/"
                    : what.equals("no host") ? "http:///path" : url);
            switch (what) {
                case "value with CR LF":
                    b.header("X-Evil", "a\r\nInjected: yes");
                    break;
                case "value with LF":
                    b.header("X-Evil", "a\nInjected: yes");
                    break;
                case "value with NUL":
                    b.header("X-Evil", "a\0b");
                    break;
                case "name with space":
                    b.header("X Evil", "a");
                    break;
                case "name with colon":
                    b.header("X-Evil:", "a");
                    break;
                case "bad method":
                    b.method("GET /other HTTP/1.1\r\n", null);
                    break;
                default:
                    break;
            }
            transport.roundTrip(b.build()).close();
        });

        assertThat(thrown).isInstanceOf(IllegalArgumentException.class);
        assertThat(transport.snapshot().stats().dials()).isZero();
        assertThat(transport.snapshot().keys()).isEmpty();
        assertThat(server.acceptedCount()).isZero();
    }

    @Test
    void aRequestBodyShorterThanItsDeclaredLengthFailsAndIsNotRetried() throws Exception {
        ScriptServer server = server(conn -> {
            try {
                ScriptServer.Request request;
                while ((request = conn.readRequest()) != null) {
                    conn.respond(200, "got " + request.bodyText());
                }
            } catch (IOException clientGaveUp) {
                // the client closed the connection in the middle of the body
            }
        });
        Transport transport = transport(TransportConfig.defaults());
        assertThat(get(transport, server.url("/prime"))).isEqualTo("got ");
        RequestBody lying = RequestBody.ofSupplier(10,
                () -> new java.io.ByteArrayInputStream("five!".getBytes(StandardCharsets.UTF_8)));

        Throwable thrown = catchThrowable(() -> transport.roundTrip(
                Request.builder(server.url("/short")).put(lying).build()));

        assertThat(thrown).isInstanceOf(IOException.class).hasMessageContaining("10");
        assertThat(server.acceptedCount()).isEqualTo(1);
        assertNoConnections(transport);
    }
}
