package dev.httppool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.httppool.testing.ScriptServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The connection goes back with the last body byte, as in Go, even if the caller never reads the end; mark/reset
 * and exact-size reads keep working around that.
 */
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

    /** Starts a keep-alive server whose every response has {@code body}, and GETs /a through a new transport. */
    private Response firstResponseFromServerAnswering(String body) throws Exception {
        server = ScriptServer.start(ScriptServer.keepAlive(req -> body));
        transport = Transport.create();
        return transport.roundTrip(Request.get(server.url("/a")));
    }

    @Test
    void readingExactlyContentLengthBytesReturnsTheConnectionWithoutReadingTheEnd() throws Exception {
        Response r = firstResponseFromServerAnswering("twelve bytes");
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

    @Test
    void resetAfterPeekingAtTheOnlyByteReplaysItAlthoughTheConnectionIsAlreadyBack() throws Exception {
        try (Response r = firstResponseFromServerAnswering("x")) {
            InputStream body = r.body();
            assertThat(body.markSupported()).isTrue();
            body.mark(1); // what RestClient does to see whether a body is empty
            assertThat(body.read()).isEqualTo('x');
            assertThat(transport.snapshot().totals().idle()).isEqualTo(1);
            body.reset();

            assertThat(body.available()).isEqualTo(1);
            assertThat(body.readNBytes(10)).containsExactly('x');
            assertThat(body.read()).isEqualTo(-1);
        }
        assertThat(transport.snapshot().stats().closed()).isEmpty();
    }

    @Test
    void resetReplaysEveryByteReadSinceTheMarkAndTheRestComesFromTheConnection() throws Exception {
        try (Response r = firstResponseFromServerAnswering("hello world")) {
            InputStream body = r.body();
            assertThat(body.read()).isEqualTo('h');
            body.mark(100);
            assertThat(new String(body.readNBytes(4), StandardCharsets.UTF_8)).isEqualTo("ello");
            body.reset();
            assertThat(new String(body.readNBytes(2), StandardCharsets.UTF_8)).isEqualTo("el");
            body.mark(100); // a new mark while replaying keeps the bytes not replayed yet
            assertThat(new String(body.readNBytes(4), StandardCharsets.UTF_8)).isEqualTo("lo w");
            body.reset();
            assertThat(new String(body.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("lo world");
        }
        try (Response next = transport.roundTrip(Request.get(server.url("/b")))) {
            next.body().readAllBytes();
        }
        assertThat(server.requests()).extracting(ScriptServer.Request::connectionId).containsExactly(1, 1);
    }

    @Test
    void resetFailsWithoutAMarkAndAfterReadingPastTheMarksLimit() throws Exception {
        try (Response r = firstResponseFromServerAnswering("abcdef")) {
            InputStream body = r.body();
            assertThatThrownBy(body::reset).isInstanceOf(IOException.class).hasMessageContaining("without a valid mark");
            body.mark(2);
            assertThat(body.readNBytes(3)).containsExactly('a', 'b', 'c');
            assertThatThrownBy(body::reset).isInstanceOf(IOException.class);
            assertThat(body.readAllBytes()).containsExactly('d', 'e', 'f');
        }
        assertThat(transport.snapshot().totals().idle()).isEqualTo(1);
    }

    @Test
    void readNBytesBeyondTheLengthReturnsJustTheBodyAndTheConnection() throws Exception {
        String text = "y".repeat(20_000);
        Response r = firstResponseFromServerAnswering(text);
        byte[] first = r.body().readNBytes(7);
        byte[] rest = r.body().readNBytes(Integer.MAX_VALUE);

        assertThat(first.length + rest.length).isEqualTo(20_000);
        assertThat(new String(rest, StandardCharsets.UTF_8)).isEqualTo(text.substring(7));
        assertThat(transport.snapshot().totals().idle()).isEqualTo(1);
        assertThat(r.body().readNBytes(5)).isEmpty();
        r.close();
        assertThat(transport.snapshot().stats().closed()).isEmpty();
    }
}
