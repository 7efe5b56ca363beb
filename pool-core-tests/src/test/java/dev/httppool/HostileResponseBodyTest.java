package dev.httppool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.httppool.testing.HostileBodyServer;
import dev.httppool.testing.HostileBodyServer.Body;
import dev.httppool.testing.ScriptServer;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 11, items 2, 9 and 10: what a server's response body can cost a caller. Closing a body early drains it
 * within one deadline and a bound on wire bytes (framing counted), or closes the connection; a chunked body whose
 * framing outgrows its data is refused; an HTTP/1.0 response's Transfer-Encoding is not trusted for framing.
 */
@Timeout(60)
class HostileResponseBodyTest extends TransportTestSupport {

    /** What close() may take: the drain's deadline is 300 ms; generous for a loaded 2-core machine. */
    private static final Duration CLOSE_BOUND = Duration.ofSeconds(5);
    /** The client's receive buffer: small, so what the server sent is close to what the client read. */
    private static final int RECEIVE_BUFFER = 16 * 1024;
    /** The drain's wire limit plus what socket buffers on both sides may hold. */
    private static final long WIRE_BOUND = 256 * 1024 + 256 * 1024;

    private HostileBodyServer hostile;

    private ScriptServer hostileServer() {
        hostile = HostileBodyServer.create();
        return server(hostile.handler());
    }

    private Transport smallBufferTransport() {
        return transport(Transport.builder().dialer(HostileBodyServer.smallReceiveBufferDialer(RECEIVE_BUFFER))
                .config(TransportConfig.defaults()));
    }

    /** Closes {@code response}'s body and returns how long that took. */
    private static Duration timeClose(Response response) throws Exception {
        long start = System.nanoTime();
        response.close();
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** The connection was closed, not pooled, and the next request dials anew and works. */
    private void assertConnectionClosedAndPoolRecovers(Transport transport, ScriptServer server) throws Exception {
        assertThat(server.awaitOpenCount(0, WAIT)).as("the client closed the connection").isTrue();
        assertThat(transport.snapshot().totals().connections()).isZero();
        assertThat(closed(transport, CloseReason.BROKEN)).isEqualTo(1);
        assertThat(get(transport, server.url("/after"))).isEqualTo("ok /after");
        assertThat(server.acceptedCount()).isEqualTo(2);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Body.class, names = {"TRICKLE", "TRICKLE_CHUNKED"})
    void closeReturnsWithinTheDrainDeadlineWhenTheServerTricklesTheBodyAndClosesTheConnection(Body body)
            throws Exception {
        ScriptServer server = hostileServer();
        Transport transport = transport(TransportConfig.defaults());
        Response response = transport.roundTrip(Request.get(server.url(body.path())));

        Duration took = timeClose(response);

        assertThat(took).as("close() against a server sending a byte every 50 ms").isLessThan(CLOSE_BOUND);
        assertConnectionClosedAndPoolRecovers(transport, server);
        assertThat(hostile.bytesSent(body)).as("bytes trickled while close() waited")
                .isLessThan(CLOSE_BOUND.toMillis() / HostileBodyServer.TRICKLE_INTERVAL.toMillis() * 6);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Body.class, names = {"FRAMING_HEAVY", "ENDLESS_CHUNKED", "EXTENSION_FLOOD"})
    void closeReadsABoundedNumberOfWireBytesHoweverTheBodyIsFramedAndClosesTheConnection(Body body)
            throws Exception {
        ScriptServer server = hostileServer();
        Transport transport = smallBufferTransport();
        Response response = transport.roundTrip(Request.get(server.url(body.path())));

        Duration took = timeClose(response);

        assertThat(took).isLessThan(CLOSE_BOUND);
        assertConnectionClosedAndPoolRecovers(transport, server);
        assertThat(hostile.bytesSent(body)).as("wire bytes the server got out while close() drained")
                .isLessThan(WIRE_BOUND);
    }

    @Test
    void aChunkedBodyWhoseExtensionsOutgrowItsDataFailsItsReadAfterAFewKilobytes() throws Exception {
        ScriptServer server = hostileServer();
        Transport transport = smallBufferTransport();
        Response response = transport.roundTrip(Request.get(server.url(Body.EXTENSION_FLOOD.path())));

        Throwable thrown = catchThrowable(() -> response.body().readAllBytes());

        assertThat(thrown).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("bytes of framing (chunk extensions) beyond its data")
                .hasMessageContaining("|http|" + server.address());
        response.close();
        assertConnectionClosedAndPoolRecovers(transport, server);
        assertThat(hostile.bytesSent(Body.EXTENSION_FLOOD)).isLessThan(WIRE_BOUND);
    }

    @Test
    void closeStillSavesTheConnectionOfAChunkedBodyWhoseRestArrivesPromptly() throws Exception {
        byte[] rest = "y".repeat(100_000).getBytes(StandardCharsets.ISO_8859_1);
        ScriptServer server = server(ScriptServer.keepAliveResponding((conn, request) -> {
            if (request.target().equals("/big")) {
                conn.write(rawResponse("HTTP/1.1 200 OK", chunked(rest, 1000), "Transfer-Encoding: chunked"));
            } else {
                conn.respond(200, "ok " + request.target());
            }
        }));
        Transport transport = transport(TransportConfig.defaults());

        try (Response response = transport.roundTrip(Request.get(server.url("/big")))) {
            assertThat(response.body().readNBytes(10)).hasSize(10);
        }

        assertThat(get(transport, server.url("/after"))).isEqualTo("ok /after");
        assertThat(connectionIds(server)).containsExactly(1, 1);
        assertThat(closed(transport, CloseReason.BROKEN)).isZero();
    }

    @Test
    void anHttp10ResponseWithTransferEncodingIsReadUntilCloseAndItsConnectionIsNotReused() throws Exception {
        String rest = "5\r\nhello\r\n0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nsmuggled";
        ScriptServer server = server(ScriptServer.keepAliveResponding((conn, request) -> {
            if (request.target().equals("/old")) {
                conn.write("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive\r\n\r\n" + rest);
                conn.close();
            } else {
                conn.respond(200, "ok " + request.target());
            }
        }));
        Transport transport = transport(TransportConfig.defaults());

        String body;
        try (Response response = transport.roundTrip(Request.get(server.url("/old")))) {
            assertThat(response.protocol()).isEqualTo("HTTP/1.0");
            assertThat(response.contentLength()).isEqualTo(-1);
            body = readToEof(response);
        }

        assertThat(body).as("everything up to the close, not chunks").isEqualTo(rest);
        assertConnectionClosedAndPoolRecovers(transport, server);
    }
}
