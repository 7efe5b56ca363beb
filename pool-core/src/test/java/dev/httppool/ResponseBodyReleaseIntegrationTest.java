package dev.httppool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.httppool.testing.ScriptServer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The connection goes back with the last body byte, as in Go, even if the caller never reads the end. */
class ResponseBodyReleaseIntegrationTest {

    private ScriptServer server;
    private Transport transport;

    @AfterEach
    void cleanUp() {
        if (transport != null) {
            transport.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void readingExactlyContentLengthBytesReturnsTheConnectionWithoutReadingTheEnd() throws Exception {
        server = ScriptServer.start(ScriptServer.keepAlive(req -> "twelve bytes"));
        transport = Transport.create();

        Response r = transport.roundTrip(Request.get(server.url("/a")));
        byte[] body = r.body().readNBytes(12); // what Spring's converters do: no read past Content-Length

        assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo("twelve bytes");
        assertThat(transport.snapshot().totals().idle()).isEqualTo(1);
        assertThat(transport.snapshot().totals().active()).isZero();
        assertThat(r.body().read()).isEqualTo(-1);
        r.close();
        try (Response next = transport.roundTrip(Request.get(server.url("/b")))) {
            next.body().readAllBytes();
        }
        assertThat(server.requests()).extracting(ScriptServer.Request::connectionId).containsExactly(1, 1);
    }

    @Test
    void readingTheLastChunkReturnsTheConnectionWithoutReadingTheEnd() throws Exception {
        server = ScriptServer.start(ScriptServer.keepAliveResponding((conn, req) ->
                conn.respondChunked(200, List.of("hello ", "world"))));
        transport = Transport.create();

        Response r = transport.roundTrip(Request.get(server.url("/a")));
        byte[] body = r.body().readNBytes(11);

        assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo("hello world");
        assertThat(transport.snapshot().totals().idle()).isEqualTo(1);
        r.close();
        assertThat(transport.snapshot().stats().closed()).isEmpty();
    }
}
