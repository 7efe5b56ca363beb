package dev.httppool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.httppool.testing.ScriptServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ProtocolException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Behaviours Go's transport_test.go checks that the exchange must match: the Content-Length of a HEAD response,
 * the body of an {@code Expect: 100-continue} request answered early, the header limit for interim responses a
 * trace receives, and the request body closed exactly once.
 */
@Timeout(30)
class TransportGoFidelityTest extends TransportTestSupport {

    private static final Duration LONG_CONTINUE_WAIT = Duration.ofSeconds(10);

    // ---- HEAD: Go's readTransfer reports a HEAD response's Content-Length ----

    private ScriptServer headServer(String contentLengthLine) {
        return server(ScriptServer.keepAliveResponding((conn, request) -> {
            if (request.method().equals("HEAD")) {
                conn.write("HTTP/1.1 200 OK\r\n" + contentLengthLine + "\r\n");
            } else {
                conn.respond(200, "got " + request.target());
            }
        }));
    }

    @Test
    void aHeadResponseReportsItsContentLengthWhileItsBodyStaysEmptyAndTheConnectionIsReused() throws Exception {
        ScriptServer server = headServer("Content-Length: 123\r\n");
        Transport transport = transport(TransportConfig.defaults());

        Response response = transport.roundTrip(Request.builder(server.url("/head")).head().build());

        assertThat(response.contentLength()).isEqualTo(123);
        assertThat(response.body().readAllBytes()).isEmpty();
        assertThat(transport.snapshot().totals().active()).as("given back before the response").isZero();
        assertThat(get(transport, server.url("/next"))).isEqualTo("got /next");
        assertThat(connectionIds(server)).containsExactly(1, 1);
    }

    @Test
    void aHeadResponseWithoutContentLengthReportsAnUnknownLength() throws Exception {
        ScriptServer server = headServer("");
        Transport transport = transport(TransportConfig.defaults());

        Response response = transport.roundTrip(Request.builder(server.url("/head")).head().build());

        assertThat(response.contentLength()).isEqualTo(-1);
        assertThat(response.body().readAllBytes()).isEmpty();
    }

    @Test
    void aHeadResponseWithAnInvalidContentLengthFailsAsInGo() throws Exception {
        ScriptServer server = headServer("Content-Length: 12x\r\n");
        Transport transport = transport(TransportConfig.defaults());

        Throwable thrown = catchThrowable(() -> transport.roundTrip(Request.builder(server.url("/")).head().build()));

        assertThat(thrown).isInstanceOf(ProtocolException.class).hasMessageContaining("invalid Content-Length");
    }

    // ---- 1xx responses a trace receives do not count toward maxResponseHeaderBytes (Go #65035) ----

    private static final String PADDING = "X-Padding: " + "a".repeat(100) + "\r\n";

    /** Ten interim responses of about 130 bytes each, then 204: over a 1000-byte limit only if they count. */
    private ScriptServer tenInterimResponsesThen204(String interimStatusLine) {
        return server(conn -> {
            conn.readRequest();
            for (int i = 0; i < 10; i++) {
                conn.write(interimStatusLine + "\r\n" + PADDING + "\r\n");
            }
            conn.write("HTTP/1.1 204 No Content\r\n\r\n");
            conn.awaitPeerClose(WAIT);
        });
    }

    private Transport transportWithSmallHeaderLimit() {
        return transport(TransportConfig.builder().maxResponseHeaderBytes(1000).disableKeepAlives(true).build());
    }

    @Test
    void interimResponsesDeliveredToGot1xxResponseDoNotCountTowardTheHeaderLimit() throws Exception {
        ScriptServer server = tenInterimResponsesThen204("HTTP/1.1 123 Interim");
        Transport transport = transportWithSmallHeaderLimit();
        List<Integer> delivered = new CopyOnWriteArrayList<>();
        ClientTrace trace = new ClientTrace() {
            @Override
            public void got1xxResponse(int code, Headers headers) {
                delivered.add(code);
            }
        };

        Response response = transport.roundTrip(Request.builder(server.url("/")).trace(trace).build());

        assertThat(response.status()).isEqualTo(204);
        assertThat(delivered).hasSize(10).containsOnly(123);
    }

    @Test
    void continueResponsesDeliveredToGot100ContinueDoNotCountTowardTheHeaderLimit() throws Exception {
        ScriptServer server = tenInterimResponsesThen204("HTTP/1.1 100 Continue");
        Transport transport = transportWithSmallHeaderLimit();
        AtomicInteger delivered = new AtomicInteger();
        ClientTrace trace = new ClientTrace() {
            @Override
            public void got100Continue() {
                delivered.incrementAndGet();
            }
        };

        Response response = transport.roundTrip(Request.builder(server.url("/")).trace(trace).build());

        assertThat(response.status()).isEqualTo(204);
        assertThat(delivered.get()).isEqualTo(10);
    }

    @Test
    void interimResponsesNoHookReceivesStillCountTowardTheHeaderLimit() throws Exception {
        ScriptServer server = tenInterimResponsesThen204("HTTP/1.1 123 Interim");
        Transport transport = transportWithSmallHeaderLimit();
        ClientTrace otherHooksOnly = new ClientTrace() {
            @Override
            public void gotFirstResponseByte() {
            }

            @Override
            public void got100Continue() {
                // a 123 is not a 100: this hook does not receive it
            }
        };

        Throwable thrown = catchThrowable(() -> transport.roundTrip(
                Request.builder(server.url("/")).trace(otherHooksOnly).build()));

        assertThat(thrown).isInstanceOf(ProtocolException.class).hasMessageContaining("exceeded 1000 bytes");
    }
}
