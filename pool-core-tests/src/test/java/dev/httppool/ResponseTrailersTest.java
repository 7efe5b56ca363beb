package dev.httppool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.httppool.testing.H2ScriptServer;
import dev.httppool.testing.H2ScriptServer.Mode;
import dev.httppool.testing.ScriptServer;
import dev.httppool.testing.TestTls;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Trailer fields reach the caller through {@link Response#trailers()} once the body has been read to its end. */
@Timeout(30)
class ResponseTrailersTest extends TransportTestSupport {

    @Test
    void theTrailersOfAnHttp2ResponseAreOnTheResponseOnceItsBodyIsRead() throws Exception {
        H2ScriptServer server = closeLater(H2ScriptServer.start(Mode.TRAILERS));
        Transport transport = transport(Transport.builder().sslContext(TestTls.get().clientContext()));

        try (Response r = transport.roundTrip(Request.get(server.url("/")))) {
            assertThat(r.trailers().size()).as("before the body is read").isZero();
            assertThat(new String(r.body().readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("ok");

            assertThat(r.trailers().first("X-Checksum")).isEqualTo("ok");
        }
    }

    @Test
    void theTrailersOfAChunkedHttp11ResponseAreOnTheResponseOnceItsBodyIsRead() throws Exception {
        ScriptServer server = server(ScriptServer.keepAliveResponding((conn, request) -> conn.write(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Checksum\r\n\r\n"
                        + "2\r\nok\r\n0\r\nX-Checksum: ok\r\n\r\n")));
        Transport transport = transport(TransportConfig.defaults());

        try (Response r = transport.roundTrip(Request.get(server.url("/")))) {
            assertThat(r.trailers().size()).as("before the body is read").isZero();
            assertThat(new String(r.body().readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("ok");

            assertThat(r.trailers().first("X-Checksum")).isEqualTo("ok");
        }
    }

    @Test
    void aResponseWithoutTrailersHasEmptyTrailers() throws Exception {
        ScriptServer server = server(ScriptServer.keepAlive(request -> "plain"));
        Transport transport = transport(TransportConfig.defaults());

        try (Response r = transport.roundTrip(Request.get(server.url("/")))) {
            r.body().readAllBytes();

            assertThat(r.trailers().size()).isZero();
        }
    }
}
