package dev.httppool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.httppool.testing.GatedDialer;
import dev.httppool.testing.RecordingListener;
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

    // ---- Expect: 100-continue answered with a final status (Go's readResponse and writeLoop) ----

    private static Request expectContinuePost(String url, String body, String... headers) {
        Request.Builder b = Request.builder(url).post(RequestBody.of(body)).header("Expect", "100-continue");
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return b.build();
    }

    /**
     * Answers an {@code Expect: 100-continue} request at once with {@code status} and no 100, then reads its body
     * as the next bytes, as a server that keeps the connection must; other requests get 200 "next".
     */
    private ScriptServer earlyAnsweringServer(int status, CountDownLatch bodyRead) {
        return server(conn -> {
            ScriptServer.Request head;
            while ((head = conn.readRequestHead()) != null) {
                if (head.headerHasToken("Expect", "100-continue")) {
                    conn.respond(status, "early " + status);
                    conn.readBody(head);
                    bodyRead.countDown();
                } else {
                    conn.readBody(head);
                    conn.respond(200, "next");
                }
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {200, 401, 417})
    void aFinalAnswerBefore100ContinueWithoutCloseStillGetsTheBodyAndTheConnectionIsReused(int status)
            throws Exception {
        CountDownLatch bodyRead = new CountDownLatch(1);
        ScriptServer server = earlyAnsweringServer(status, bodyRead);
        Transport transport = transport(TransportConfig.builder().expectContinueTimeout(LONG_CONTINUE_WAIT).build());

        Response response = transport.roundTrip(expectContinuePost(server.url("/upload"), "the body"));

        assertThat(response.status()).isEqualTo(status);
        assertThat(readToEof(response)).isEqualTo("early " + status);
        await(bodyRead, "the server read the body");
        assertThat(server.requests().get(0).bodyText()).isEqualTo("the body");
        assertThat(get(transport, server.url("/next"))).isEqualTo("next");
        assertThat(connectionIds(server)).containsExactly(1, 1);
        assertThat(closed(transport, CloseReason.BROKEN)).isZero();
    }

    @Test
    void aLargeBodyIsSentAfterAnEarlyFinalAnswerWhileTheCallerReadsTheResponse() throws Exception {
        CountDownLatch bodyRead = new CountDownLatch(1);
        ScriptServer server = earlyAnsweringServer(401, bodyRead);
        Transport transport = transport(TransportConfig.builder().expectContinueTimeout(LONG_CONTINUE_WAIT).build());
        String large = "x".repeat(300 * 1024);

        Response response = transport.roundTrip(expectContinuePost(server.url("/upload"), large));

        assertThat(response.status()).isEqualTo(401);
        await(bodyRead, "the server read the body");
        assertThat(readToEof(response)).isEqualTo("early 401");
        assertThat(server.requests().get(0).bodyText()).isEqualTo(large);
        assertThat(get(transport, server.url("/next"))).isEqualTo("next");
        assertThat(connectionIds(server)).containsExactly(1, 1);
    }

    @Test
    void aRequestThatSaysConnectionCloseSkipsTheBodyAfterAnEarlyFinalAnswer() throws Exception {
        AtomicLong bytesAfterResponse = new AtomicLong(-1);
        ScriptServer server = server(conn -> {
            conn.readRequestHead();
            conn.respond(401, "no"); // no Connection: close from the server
            conn.socket().setSoTimeout((int) WAIT.toMillis());
            ByteArrayOutputStream rest = new ByteArrayOutputStream();
            conn.in().transferTo(rest); // until the client closes
            bytesAfterResponse.set(rest.size());
        });
        Transport transport = transport(TransportConfig.builder().expectContinueTimeout(LONG_CONTINUE_WAIT).build());

        RecordingListener trace = new RecordingListener();

        Response response = transport.roundTrip(expectContinuePost(server.url("/upload"), "the body",
                "Connection", "close").toBuilder().trace(trace).build());

        assertThat(response.status()).isEqualTo(401);
        assertThat(readToEof(response)).isEqualTo("no");
        awaitTrue("server finished reading", () -> bytesAfterResponse.get() >= 0);
        assertThat(bytesAfterResponse.get()).as("body bytes sent after the 401").isZero();
        assertThat(transport.snapshot().totals().connections()).isZero();
        assertThat(trace.events()).as("Go's write ends, without the body").contains("wroteRequest ok");
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

    // ---- The request body is closed exactly once, whatever happens (Go #35015, #49621) ----

    /** Bytes that count how often they are closed. */
    static final class CountingStream extends ByteArrayInputStream {
        final AtomicInteger closes = new AtomicInteger();

        CountingStream(String text) {
            super(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }

    @Test
    void aStreamBodyIsClosedOnceWhenTheDialFails() throws Exception {
        ScriptServer server = server(ScriptServer.keepAlive(request -> "ok"));
        GatedDialer dialer = gatedDialer();
        dialer.fail(1);
        Transport transport = transport(Transport.builder().dialer(dialer));
        CountingStream in = new CountingStream("never sent");

        Throwable thrown = catchThrowable(() -> transport.roundTrip(
                Request.builder(server.url("/")).post(RequestBody.ofStream(10, in)).build()));

        assertThat(thrown).isInstanceOf(ConnectException.class);
        assertThat(in.closes.get()).isEqualTo(1);
    }

    @Test
    void aStreamBodyIsClosedOnceWhenTheTransportIsClosed() throws Exception {
        Transport transport = transport(TransportConfig.defaults());
        transport.close();
        CountingStream in = new CountingStream("never sent");

        Throwable thrown = catchThrowable(() -> transport.roundTrip(
                Request.builder("http://127.0.0.1:1/").post(RequestBody.ofStream(10, in)).build()));

        assertThat(thrown).isInstanceOf(IOException.class).hasMessageContaining("closed");
        assertThat(in.closes.get()).isEqualTo(1);
    }

    @Test
    void aStreamBodyIsClosedOnceWhenTheConnectionDiesBeforeTheBodyIsWritten() throws Exception {
        ScriptServer server = server(conn -> conn.readRequestHead()); // then closes, waiting for no body
        Transport transport = transport(TransportConfig.builder().expectContinueTimeout(LONG_CONTINUE_WAIT).build());
        CountingStream in = new CountingStream("never sent");

        Throwable thrown = catchThrowable(() -> transport.roundTrip(Request.builder(server.url("/"))
                .post(RequestBody.ofStream(10, in)).header("Expect", "100-continue").build()));

        assertThat(thrown).isInstanceOf(IOException.class);
        assertThat(in.closes.get()).isEqualTo(1);
    }

    @Test
    void aStreamBodyIsClosedOnceWhenAnEarlyAnswerWithConnectionCloseSkipsIt() throws Exception {
        ScriptServer server = server(conn -> {
            conn.readRequestHead();
            conn.respond(417, "no thanks", "Connection: close");
        });
        Transport transport = transport(TransportConfig.builder().expectContinueTimeout(LONG_CONTINUE_WAIT).build());
        CountingStream in = new CountingStream("never sent");

        Response response = transport.roundTrip(Request.builder(server.url("/"))
                .post(RequestBody.ofStream(10, in)).header("Expect", "100-continue").build());

        assertThat(response.status()).isEqualTo(417);
        readToEof(response);
        assertThat(in.closes.get()).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {10, 200 * 1024})
    void aStreamBodyThatIsWrittenIsClosedOnceToo(int size) throws Exception {
        ScriptServer server = server(ScriptServer.keepAlive(request -> "got " + request.body().length));
        Transport transport = transport(TransportConfig.defaults());
        CountingStream in = new CountingStream("y".repeat(size));

        Response response = transport.roundTrip(
                Request.builder(server.url("/")).post(RequestBody.ofStream(size, in)).build());

        assertThat(readToEof(response)).isEqualTo("got " + size);
        assertThat(in.closes.get()).isEqualTo(1);
    }

    /** A replayable body that counts its writes and closes. */
    static final class CountingBody implements RequestBody {
        final AtomicInteger writes = new AtomicInteger();
        final AtomicInteger closes = new AtomicInteger();

        @Override
        public long contentLength() {
            return 7;
        }

        @Override
        public boolean isReplayable() {
            return true;
        }

        @Override
        public void writeTo(java.io.OutputStream out) throws IOException {
            writes.incrementAndGet();
            out.write("payload".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }

    /** Connection 1 answers its first request, then reads the next one and closes without answering. */
    private ScriptServer serverThatDropsTheSecondRequestOnConnectionOne() {
        return server(conn -> {
            int served = 0;
            ScriptServer.Request request;
            while ((request = conn.readRequest()) != null) {
                if (conn.id() == 1 && ++served == 2) {
                    return;
                }
                conn.respond(200, "got " + request.bodyText());
            }
        });
    }

    @Test
    void aBodyIsClosedOnceAfterTheRetryThatSentItAgainNotAfterEachAttempt() throws Exception {
        ScriptServer server = serverThatDropsTheSecondRequestOnConnectionOne();
        Transport transport = transport(TransportConfig.defaults());
        assertThat(get(transport, server.url("/prime"))).isEqualTo("got ");
        CountingBody body = new CountingBody();

        Response response = transport.roundTrip(
                Request.builder(server.url("/x")).post(body).header("Idempotency-Key", "k").build());

        assertThat(body.writes.get()).as("sent on connection 1, then again on connection 2").isEqualTo(2);
        assertThat(body.closes.get()).isEqualTo(1);
        assertThat(readToEof(response)).isEqualTo("got payload");
        assertThat(body.closes.get()).isEqualTo(1);
    }

    @Test
    void eachStreamOfASupplierBodyIsClosedOnceAcrossARetry() throws Exception {
        ScriptServer server = serverThatDropsTheSecondRequestOnConnectionOne();
        Transport transport = transport(TransportConfig.defaults());
        assertThat(get(transport, server.url("/prime"))).isEqualTo("got ");
        List<CountingStream> opened = new CopyOnWriteArrayList<>();
        RequestBody body = RequestBody.ofSupplier(7, () -> {
            CountingStream in = new CountingStream("payload");
            opened.add(in);
            return in;
        });

        Response response = transport.roundTrip(
                Request.builder(server.url("/x")).post(body).header("Idempotency-Key", "k").build());

        assertThat(readToEof(response)).isEqualTo("got payload");
        assertThat(opened).hasSize(2).allSatisfy(in -> assertThat(in.closes.get()).isEqualTo(1));
    }

    @Test
    void aBodyStillBeingWrittenWhenTheRoundTripReturnsIsClosedOnlyOnceItsWriteEnds() throws Exception {
        CountDownLatch bodyRead = new CountDownLatch(1);
        ScriptServer server = earlyAnsweringServer(401, bodyRead);
        Transport transport = transport(TransportConfig.builder().expectContinueTimeout(LONG_CONTINUE_WAIT).build());
        CountDownLatch roundTripReturned = new CountDownLatch(1);
        AtomicInteger closes = new AtomicInteger();
        AtomicInteger closesDuringWrite = new AtomicInteger();
        AtomicInteger writing = new AtomicInteger();
        byte[] half = new byte[100 * 1024];
        RequestBody body = new RequestBody() {
            @Override
            public long contentLength() {
                return 2L * half.length;
            }

            @Override
            public boolean isReplayable() {
                return false;
            }

            @Override
            public void writeTo(java.io.OutputStream out) throws IOException {
                writing.incrementAndGet();
                try {
                    out.write(half);
                    await(roundTripReturned, "roundTrip returned");
                    out.write(half);
                } catch (InterruptedException e) {
                    throw new java.io.InterruptedIOException();
                } finally {
                    writing.decrementAndGet();
                }
            }

            @Override
            public void close() {
                closes.incrementAndGet();
                if (writing.get() > 0) {
                    closesDuringWrite.incrementAndGet();
                }
            }
        };

        Response response = transport.roundTrip(Request.builder(server.url("/upload")).post(body)
                .header("Expect", "100-continue").build());
        assertThat(closes.get()).as("closed while its write still runs").isZero();
        roundTripReturned.countDown();

        await(bodyRead, "the server read the body");
        awaitTrue("the body closed", () -> closes.get() > 0);
        assertThat(readToEof(response)).isEqualTo("early 401");
        assertThat(server.requests().get(0).body()).hasSize(2 * half.length);
        assertThat(closes.get()).isEqualTo(1);
        assertThat(closesDuringWrite.get()).isZero();
    }
}
