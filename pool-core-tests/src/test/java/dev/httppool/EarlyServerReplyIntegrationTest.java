package dev.httppool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.httppool.testing.ScriptServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Go #7569 and #11745: a server that answers before reading the request body is heard, and its connection is
 * not reused, because large bodies are written while the response is watched for.
 */
class EarlyServerReplyIntegrationTest {

    private static final byte[] TWO_MB = new byte[2 * 1024 * 1024];

    private ScriptServer server;
    private Transport transport;

    @AfterEach
    void poolIsClean() {
        if (transport != null) {
            PoolSnapshot.Totals t = transport.snapshot().totals();
            assertThat(t.active() + t.dialing() + t.waiting()).isZero();
            transport.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void responseSentWithoutReadingALargeBodyReachesTheCallerEveryTime() throws Exception {
        server = ScriptServer.start(conn -> {
            ScriptServer.Request head = conn.readRequestHead();
            if (head == null) {
                return;
            }
            conn.respond(400, "too big", "Connection: close");
            // returning closes the socket with the body unread: the client's writes now fail
        });
        transport = Transport.create();

        for (int i = 0; i < 20; i++) {
            Request put = Request.builder(server.url("/upload")).put(RequestBody.of(TWO_MB)).build();
            try (Response r = transport.roundTrip(put)) {
                assertThat(r.status()).as("attempt %d", i).isEqualTo(400);
                assertThat(new String(r.body().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("too big");
            }
        }
        assertThat(server.acceptedCount()).isEqualTo(20);
    }

    @Test
    void connectionThatAnsweredBeforeItsBodyWasWrittenIsNotReused() throws Exception {
        java.util.concurrent.CountDownLatch clientDone = new java.util.concurrent.CountDownLatch(1);
        server = ScriptServer.start(conn -> {
            ScriptServer.Request req;
            while ((req = conn.readRequestHead()) != null) {
                if (req.target().equals("/early")) {
                    conn.respond(200, "early");
                    // Not reading: the client cannot finish writing a body larger than the socket buffers.
                    clientDone.await(5, java.util.concurrent.TimeUnit.SECONDS);
                    return;
                }
                conn.readBody(req);
                conn.respond(200, "ok");
            }
        });
        transport = Transport.create();
        byte[] body = new byte[32 * 1024 * 1024];

        try (Response r = transport.roundTrip(Request.builder(server.url("/early")).post(RequestBody.of(body)).build())) {
            assertThat(new String(r.body().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("early");
        }
        try (Response r = transport.roundTrip(Request.get(server.url("/next")))) {
            assertThat(new String(r.body().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("ok");
        } finally {
            clientDone.countDown();
        }

        assertThat(server.requests()).extracting(ScriptServer.Request::connectionId).containsExactly(1, 2);
        assertThat(transport.snapshot().stats().closed()).containsEntry("broken", 1L);
    }

    @Test
    void largeBodyOfUnknownLengthIsStreamedChunkedAndTheConnectionReused() throws Exception {
        server = ScriptServer.start(ScriptServer.keepAliveResponding((conn, req) ->
                conn.respond(200, Integer.toString(req.body().length))));
        transport = Transport.create();
        byte[] data = new byte[300 * 1024];
        Arrays.fill(data, (byte) 'y');

        for (int i = 0; i < 3; i++) {
            RequestBody unknownLength = RequestBody.ofSupplier(-1, () -> new java.io.ByteArrayInputStream(data));
            try (Response r = transport.roundTrip(Request.builder(server.url("/up")).post(unknownLength).build())) {
                assertThat(new String(r.body().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("307200");
            }
        }

        assertThat(server.requests()).extracting(ScriptServer.Request::connectionId).containsOnly(1);
        assertThat(server.requests().get(0).header("Transfer-Encoding")).isEqualTo("chunked");
    }

    @Test
    void requestBodyThatFailsItselfFailsTheRequestWithItsOwnError() throws Exception {
        server = ScriptServer.start(ScriptServer.keepAliveResponding((conn, req) -> conn.respond(200, "ok")));
        transport = Transport.create();
        RequestBody failing = RequestBody.ofStream(-1, new InputStream() {
            private int n;

            @Override
            public int read() throws IOException {
                if (n++ < 100_000) {
                    return 'z';
                }
                throw new IOException("disk on fire");
            }
        });

        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                transport.roundTrip(Request.builder(server.url("/up")).post(failing).build()))
                .isInstanceOf(IOException.class).hasMessageContaining("disk on fire");
        assertThat(transport.snapshot().totals().connections()).isZero();
    }
}
