package dev.httppool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.httppool.testing.ScriptServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 11, item 1: a request body is held to its declared {@code Content-Length}. Bytes past it would reach the
 * server as the start of another request (request smuggling), so a write that would pass it is refused before any
 * of its bytes go out; a body that ends short fails too. Either way the request fails with "expected N bytes but
 * received M" and its connection is closed, never reused. Asserted on what the server received, byte for byte.
 */
@Timeout(30)
class RequestBodyLengthTest extends TransportTestSupport {

    private static final byte[] SMUGGLED = "GET /smuggled HTTP/1.1\r\nHost: evil\r\n\r\n"
            .getBytes(StandardCharsets.ISO_8859_1);
    /** Over the size from which the exchange writes a body in the background while it watches for the response. */
    private static final int LARGE = 70_000;

    /** Answers every complete request it reads with "got N"; a client that gives up mid-body is no error. */
    private ScriptServer answeringServer() {
        return server(conn -> {
            try {
                ScriptServer.Request request;
                while ((request = conn.readRequest()) != null) {
                    conn.respond(200, "got " + request.body().length);
                }
            } catch (IOException clientGaveUp) {
                // the client abandoned the request in the middle of its body
            }
        });
    }

    /** {@code declared} bytes of 'x' and then {@code tail}: a body that says less than it holds. */
    private static byte[] xs(int declared, byte[] tail) {
        byte[] bytes = new byte[declared + tail.length];
        Arrays.fill(bytes, 0, declared, (byte) 'x');
        System.arraycopy(tail, 0, bytes, declared, tail.length);
        return bytes;
    }

    /**
     * A body declaring {@code declared} bytes and holding {@code bytes}: "ofStream", "ofSupplier", "ofStream large"
     * (written in the background), or "custom large" (its own writeTo, one write, in the background).
     */
    private static RequestBody body(String shape, long declared, byte[] bytes) {
        switch (shape) {
            case "ofStream":
            case "ofStream large":
                return RequestBody.ofStream(declared, new ByteArrayInputStream(bytes));
            case "ofSupplier":
                return RequestBody.ofSupplier(declared, () -> new ByteArrayInputStream(bytes));
            case "custom large":
                return new RequestBody() {
                    @Override
                    public long contentLength() {
                        return declared;
                    }

                    @Override
                    public boolean isReplayable() {
                        return true;
                    }

                    @Override
                    public void writeTo(OutputStream out) throws IOException {
                        out.write(bytes);
                    }
                };
            default:
                throw new IllegalArgumentException(shape);
        }
    }

    private static int declaredFor(String shape) {
        return shape.endsWith("large") ? LARGE : 5;
    }

    /** What the server received on connection 1 after the end of the request head (empty if no head arrived). */
    private static byte[] receivedAfterHead(ScriptServer server) {
        byte[] all = server.received(1);
        String text = new String(all, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        return end < 0 ? new byte[0] : Arrays.copyOfRange(all, end + 4, all.length);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ofStream", "ofSupplier", "ofStream large", "custom large"})
    void aBodyLongerThanItsContentLengthSendsNoByteBeyondItFailsItsRequestAndClosesItsConnection(String shape)
            throws Exception {
        ScriptServer server = answeringServer();
        Transport transport = transport(TransportConfig.defaults());
        int declared = declaredFor(shape);
        RequestBody body = body(shape, declared, xs(declared, SMUGGLED));

        Throwable thrown = catchThrowable(() -> transport.roundTrip(
                Request.builder(server.url("/upload")).post(body).build()).close());

        assertThat(thrown).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("expected " + declared + " bytes but received at least");
        assertThat(server.awaitAccepted(1, WAIT) && server.awaitOpenCount(0, WAIT)).as("the client closed the connection").isTrue();
        assertThat(server.acceptedCount()).isEqualTo(1);
        assertThat(receivedAfterHead(server).length).as("body bytes the server received")
                .isLessThanOrEqualTo(declared);
        assertThat(new String(server.received(1), StandardCharsets.ISO_8859_1)).doesNotContain("smuggled");
        assertThat(server.requests()).as("requests the server parsed").extracting(ScriptServer.Request::target)
                .allMatch("/upload"::equals);
        assertThat(transport.snapshot().totals().connections()).isZero();
        assertThat(closed(transport, CloseReason.BROKEN)).isEqualTo(1);
        assertThat(get(transport, server.url("/after"))).isEqualTo("got 0");
        assertThat(server.acceptedCount()).as("the next request dials anew").isEqualTo(2);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ofStream", "ofSupplier", "ofStream large", "custom large"})
    void aBodyShorterThanItsContentLengthFailsItsRequestAndClosesItsConnection(String shape) throws Exception {
        ScriptServer server = answeringServer();
        Transport transport = transport(TransportConfig.defaults());
        int declared = declaredFor(shape);
        byte[] bytes = xs(declared - 1, new byte[0]);
        RequestBody body = body(shape, declared, bytes);

        Throwable thrown = catchThrowable(() -> transport.roundTrip(
                Request.builder(server.url("/upload")).post(body).build()).close());

        assertThat(thrown).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("expected " + declared + " bytes but received " + (declared - 1));
        assertThat(server.awaitAccepted(1, WAIT) && server.awaitOpenCount(0, WAIT)).as("the client closed the connection").isTrue();
        assertThat(receivedAfterHead(server).length).isLessThan(declared);
        assertThat(transport.snapshot().totals().connections()).isZero();
        assertThat(closed(transport, CloseReason.BROKEN)).isEqualTo(1);
        assertThat(get(transport, server.url("/after"))).isEqualTo("got 0");
        assertThat(server.acceptedCount()).as("the next request dials anew").isEqualTo(2);
    }

    @Test
    void aBodyThatSwallowsTheRefusalAndWritesOnStillFailsAndSendsNothingPastItsLength() throws Exception {
        ScriptServer server = answeringServer();
        Transport transport = transport(TransportConfig.defaults());
        RequestBody stubborn = new RequestBody() {
            @Override
            public long contentLength() {
                return 5;
            }

            @Override
            public boolean isReplayable() {
                return true;
            }

            @Override
            public void writeTo(OutputStream out) {
                for (byte b : xs(5, SMUGGLED)) {
                    try {
                        out.write(b);
                    } catch (IOException ignored) {
                        // a careless body: it keeps writing
                    }
                }
            }
        };

        Throwable thrown = catchThrowable(() -> transport.roundTrip(
                Request.builder(server.url("/upload")).post(stubborn).build()).close());

        assertThat(thrown).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("expected 5 bytes but received at least 6");
        assertThat(server.awaitAccepted(1, WAIT) && server.awaitOpenCount(0, WAIT)).isTrue();
        assertThat(new String(server.received(1), StandardCharsets.ISO_8859_1)).doesNotContain("smuggled");
        assertThat(server.requests()).as("requests the server parsed").extracting(ScriptServer.Request::target)
                .allMatch("/upload"::equals);
        assertThat(transport.snapshot().totals().connections()).isZero();
    }

    @Test
    void aBodyOfExactlyItsContentLengthStillGoesOutWholeOnAReusedConnection() throws Exception {
        ScriptServer server = answeringServer();
        Transport transport = transport(TransportConfig.defaults());
        for (String shape : new String[] {"ofStream", "ofSupplier", "ofStream large", "custom large"}) {
            int declared = declaredFor(shape);
            Request post = Request.builder(server.url("/" + shape.replace(' ', '-')))
                    .post(body(shape, declared, xs(declared, new byte[0]))).build();
            assertThat(readToEof(transport.roundTrip(post))).isEqualTo("got " + declared);
        }
        assertThat(server.acceptedCount()).isEqualTo(1);
        assertThat(closed(transport, CloseReason.BROKEN)).isZero();
    }
}
