package dev.httppool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.httppool.testing.FakeTicker;
import dev.httppool.testing.GatedDialer;
import dev.httppool.testing.ScriptServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Go §3.5 and §5 #30–#32: which requests are retried when a reused connection turns out to be dead; and, beyond Go,
 * the one retry of an idempotent request whose fresh connection died before any response byte.
 */
@Timeout(30)
class TransportRetryIntegrationTest extends TransportTestSupport {

    /**
     * Connection 1 answers its first request, then reads the next one completely and closes without answering;
     * every later connection answers everything with the method and body it got.
     */
    private ScriptServer serverThatDropsTheSecondRequestOnConnectionOne() {
        return server(conn -> {
            int served = 0;
            ScriptServer.Request request;
            while ((request = conn.readRequest()) != null) {
                served++;
                if (conn.id() == 1 && served == 2) {
                    return; // closes the connection: the client sees EOF before any response byte
                }
                conn.respond(200, request.method() + " " + request.bodyText());
            }
        });
    }

    static Stream<Arguments> retried() {
        return Stream.of(
                Arguments.of("GET", ""),
                Arguments.of("HEAD", ""),
                Arguments.of("DELETE with Idempotency-Key", ""),
                Arguments.of("POST with a replayable body and Idempotency-Key", "payload"),
                Arguments.of("POST with a supplier body and X-Idempotency-Key", "supplied"),
                Arguments.of("PUT with an empty Idempotency-Key", "put-body"));
    }

    private static Request build(String kind, String url) {
        Request.Builder b = Request.builder(url);
        switch (kind) {
            case "GET":
                return b.get().build();
            case "HEAD":
                return b.head().build();
            case "DELETE with Idempotency-Key":
                return b.delete().header("Idempotency-Key", "k-1").build();
            case "POST with a replayable body and Idempotency-Key":
                return b.post(RequestBody.of("payload")).header("Idempotency-Key", "k-2").build();
            case "POST with a supplier body and X-Idempotency-Key":
                byte[] bytes = "supplied".getBytes(StandardCharsets.UTF_8);
                return b.post(RequestBody.ofSupplier(bytes.length, () -> new ByteArrayInputStream(bytes)))
                        .header("X-Idempotency-Key", "k-3").build();
            case "PUT with an empty Idempotency-Key":
                return b.put(RequestBody.of("put-body")).header("Idempotency-Key", "").build();
            case "plain POST":
                return b.post(RequestBody.of("once")).build();
            case "POST with a one-shot stream body and Idempotency-Key":
                byte[] once = "stream".getBytes(StandardCharsets.UTF_8);
                return b.post(RequestBody.ofStream(once.length, new ByteArrayInputStream(once)))
                        .header("Idempotency-Key", "k-4").build();
            case "PUT":
                return b.put(RequestBody.of("put")).build();
            default:
                throw new IllegalArgumentException(kind);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("retried")
    void anIdempotentRequestOnADeadReusedConnectionIsRetriedOnANewOne(String kind, String body)
            throws Exception {
        ScriptServer server = serverThatDropsTheSecondRequestOnConnectionOne();
        Transport transport = transport(TransportConfig.defaults());
        assertThat(get(transport, server.url("/prime"))).isEqualTo("GET ");

        Request request = build(kind, server.url("/x"));
        Response response = transport.roundTrip(request);
        String text = readToEof(response);

        String method = request.method();
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.request()).isSameAs(request);
        assertThat(text).isEqualTo(method.equals("HEAD") ? "" : method + " " + body);
        assertThat(server.requests()).extracting(r -> r.connectionId() + " " + r.method() + " " + r.target())
                .containsExactly("1 GET /prime", "1 " + method + " /x", "2 " + method + " /x");
        assertThat(server.requests().get(1).bodyText()).isEqualTo(body);
        assertThat(server.requests().get(2).bodyText()).as("body sent again").isEqualTo(body);
        if (kind.contains("empty Idempotency-Key")) {
            assertThat(server.requests().get(2).headers("Idempotency-Key")).as("empty key is not sent").isEmpty();
        }
        assertThat(server.acceptedCount()).isEqualTo(2);
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"plain POST", "PUT",
            "POST with a one-shot stream body and Idempotency-Key"})
    void aNonReplayableRequestOnADeadReusedConnectionFailsWithoutARetry(String kind) throws Exception {
        ScriptServer server = serverThatDropsTheSecondRequestOnConnectionOne();
        Transport transport = transport(TransportConfig.defaults());
        assertThat(get(transport, server.url("/prime"))).isEqualTo("GET ");

        Request request = build(kind, server.url("/x"));
        Throwable thrown = catchThrowable(() -> transport.roundTrip(request));

        assertThat(thrown).isInstanceOf(IOException.class);
        assertThat(server.requests()).extracting(r -> r.connectionId() + " " + r.method() + " " + r.target())
                .containsExactly("1 GET /prime", "1 " + request.method() + " /x");
        assertThat(server.acceptedCount()).isEqualTo(1);
        assertThat(transport.snapshot().totals().connections()).isZero();
    }

    @Test
    void aRetryUnderACapOfOneFreesTheDeadConnectionsSlotBeforeDialingAgain() throws Exception {
        ScriptServer server = serverThatDropsTheSecondRequestOnConnectionOne();
        Transport transport = transport(TransportConfig.builder().maxConnsPerHost(1).build());
        assertThat(get(transport, server.url("/prime"))).isEqualTo("GET ");

        assertThat(get(transport, server.url("/x"))).isEqualTo("GET ");

        assertThat(connectionIds(server)).containsExactly(1, 1, 2);
        assertThat(transport.snapshot().totals().connections()).isEqualTo(1);
    }

    /** How the first connection(s) die before any response byte, as a server's backlog does when it quits. */
    enum FreshDeath {
        RESET_AS_THE_REQUEST_ARRIVES, RESET_AFTER_READING_THE_REQUEST, CLOSED_AFTER_READING_THE_REQUEST;

        void kill(ScriptServer.Conn conn) throws IOException {
            if (this == RESET_AS_THE_REQUEST_ARRIVES) {
                // Waits for the first byte, so the client's connect has completed: a reset during the connect
                // itself is a failed dial, not a dead connection.
                conn.in().read();
            } else {
                conn.readRequest();
            }
            if (this == CLOSED_AFTER_READING_THE_REQUEST) {
                conn.close();
            } else {
                conn.reset();
            }
        }
    }

    /** Connections 1..{@code dying} die before any response byte; later ones answer with the method and body. */
    private ScriptServer serverWhoseFirstConnectionsDie(int dying, FreshDeath death) {
        return server(conn -> {
            if (conn.id() <= dying) {
                death.kill(conn);
                return;
            }
            ScriptServer.Request request;
            while ((request = conn.readRequest()) != null) {
                conn.respond(200, request.method() + " " + request.bodyText());
            }
        });
    }

    /**
     * Beyond Go's rules (issue 11, item 13): a server that is quitting resets the new connections in its backlog;
     * an idempotent request on such a fresh connection is retried once, on a new connection.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(FreshDeath.class)
    void anIdempotentRequestWhoseFreshConnectionDiesBeforeAnyResponseByteIsRetriedOnceOnANewConnection(
            FreshDeath death) throws Exception {
        ScriptServer server = serverWhoseFirstConnectionsDie(1, death);
        Transport transport = transport(TransportConfig.defaults());

        assertThat(get(transport, server.url("/x"))).isEqualTo("GET ");

        assertThat(server.acceptedCount()).isEqualTo(2);
        assertThat(server.requests()).extracting(r -> r.connectionId() + " " + r.method() + " " + r.target())
                .endsWith("2 GET /x");
        assertThat(transport.snapshot().stats().dials()).isEqualTo(2);
    }

    @Test
    void aPostWithAnIdempotencyKeyWhoseFreshConnectionIsResetIsRetriedOnceWithItsBody() throws Exception {
        ScriptServer server = serverWhoseFirstConnectionsDie(1, FreshDeath.RESET_AFTER_READING_THE_REQUEST);
        Transport transport = transport(TransportConfig.defaults());

        Request post = build("POST with a replayable body and Idempotency-Key", server.url("/pay"));
        assertThat(readToEof(transport.roundTrip(post))).isEqualTo("POST payload");

        assertThat(server.requests()).extracting(r -> r.connectionId() + " " + r.method() + " " + r.target())
                .containsExactly("1 POST /pay", "2 POST /pay");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(FreshDeath.class)
    void aPostWithoutIdempotencyKeyWhoseFreshConnectionDiesIsNotRetried(FreshDeath death) throws Exception {
        ScriptServer server = serverWhoseFirstConnectionsDie(1, death);
        Transport transport = transport(TransportConfig.defaults());

        Throwable thrown = catchThrowable(() -> transport.roundTrip(build("plain POST", server.url("/once"))));

        assertThat(thrown).isInstanceOf(IOException.class);
        assertThat(server.acceptedCount()).isEqualTo(1);
        assertThat(transport.snapshot().stats().dials()).isEqualTo(1);
        assertThat(transport.snapshot().totals().connections()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(FreshDeath.class)
    void aSecondFreshConnectionThatDiesOnTheRetryIsNotRetriedAgain(FreshDeath death) throws Exception {
        ScriptServer server = serverWhoseFirstConnectionsDie(2, death);
        Transport transport = transport(TransportConfig.defaults());

        Throwable thrown = catchThrowable(() -> transport.roundTrip(Request.get(server.url("/twice"))));

        assertThat(thrown).isInstanceOf(IOException.class).hasMessageContaining(server.address());
        assertThat(server.acceptedCount()).as("the first connection and one retry").isEqualTo(2);
        assertThat(transport.snapshot().stats().dials()).isEqualTo(2);
        assertThat(transport.snapshot().totals().connections()).isZero();
    }

    @Test
    void aGetIsNotRetriedOnceResponseHeaderBytesArrived() throws Exception {
        ScriptServer server = server(conn -> {
            int served = 0;
            while (conn.readRequest() != null) {
                if (conn.id() == 1 && ++served == 2) {
                    conn.write("HTTP/1.1 200 OK\r\nContent-Le");
                    return;
                }
                conn.respond(200, "ok");
            }
        });
        Transport transport = transport(TransportConfig.defaults());
        assertThat(get(transport, server.url("/prime"))).isEqualTo("ok");

        Throwable thrown = catchThrowable(() -> transport.roundTrip(Request.get(server.url("/x"))));

        assertThat(thrown).isInstanceOf(IOException.class);
        assertThat(server.requests()).hasSize(2);
        assertThat(server.acceptedCount()).isEqualTo(1);
    }

    /**
     * The server resets an idle connection. With a frozen clock the pool does not probe it before reuse, so the
     * request is written into the dead socket and fails before a single byte goes out: then even a POST is
     * retried, since its body can be sent again (Go's nothingWrittenError).
     */
    @Test
    void aPostThatFailedBeforeAnyByteWasWrittenIsRetriedOnANewConnection() throws Exception {
        AtomicReference<ScriptServer.Conn> first = new AtomicReference<>();
        ScriptServer server = server(conn -> {
            if (conn.id() == 1) {
                first.set(conn);
            }
            try {
                ScriptServer.Request request;
                while ((request = conn.readRequest()) != null) {
                    conn.respond(200, request.method() + " " + request.bodyText());
                }
            } catch (IOException e) {
                if (conn.id() != 1) {
                    throw e; // only connection 1 is reset by the test
                }
            }
        });
        GatedDialer dialer = gatedDialer();
        Transport transport = transport(Transport.builder().dialer(dialer).ticker(new FakeTicker())
                .config(TransportConfig.defaults()));
        assertThat(get(transport, server.url("/prime"))).isEqualTo("GET ");

        first.get().reset();
        awaitReset(dialer.channels.get(0));
        Request post = Request.builder(server.url("/post")).post(RequestBody.of("body")).build();
        String text = readToEof(transport.roundTrip(post));

        assertThat(text).isEqualTo("POST body");
        assertThat(server.requests()).extracting(r -> r.connectionId() + " " + r.method() + " " + r.target())
                .containsExactly("1 GET /prime", "2 POST /post");
    }

    /** Waits until the client side of an idle connection has seen the server's reset. */
    private static void awaitReset(SocketChannel channel) {
        ByteBuffer buffer = ByteBuffer.allocate(16);
        awaitTrue("reset reached the client socket", () -> {
            synchronized (channel.blockingLock()) {
                try {
                    channel.configureBlocking(false);
                    try {
                        buffer.clear();
                        return channel.read(buffer) != 0;
                    } finally {
                        channel.configureBlocking(true);
                    }
                } catch (IOException e) {
                    return true;
                }
            }
        });
    }
}
