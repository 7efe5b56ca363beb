package dev.httppool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.httppool.testing.RecordingListener;
import dev.httppool.testing.ScriptServer;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Go §3.8, §3.6 and §5 #10, #47, #51, #52: transparent gzip and {@code Expect: 100-continue}. */
@Timeout(30)
class TransportGzipContinueIntegrationTest extends TransportTestSupport {

    private static final String TEXT = "hello, gzip world! ".repeat(50);

    /** Answers every request with TEXT gzip-compressed; "/chunked" uses the chunked coding. */
    private ScriptServer gzipServer(String contentEncoding) {
        byte[] compressed = gzip(TEXT);
        return server(ScriptServer.keepAliveResponding((conn, request) -> {
            if (request.method().equals("HEAD")) {
                conn.write(rawResponse("HTTP/1.1 200 OK", new byte[0], "Content-Length: " + compressed.length));
            } else if (request.target().startsWith("/chunked")) {
                conn.write(rawResponse("HTTP/1.1 200 OK", chunked(compressed, 100),
                        "Content-Encoding: " + contentEncoding, "Transfer-Encoding: chunked"));
            } else {
                conn.write(rawResponse("HTTP/1.1 200 OK", compressed,
                        "Content-Encoding: " + contentEncoding, "Content-Length: " + compressed.length));
            }
        }));
    }

    @ParameterizedTest(name = "Content-Encoding: {0}")
    @ValueSource(strings = {"gzip", "GZIP"})
    void theTransportAsksForGzipAndDecodesTheBodyTransparently(String contentEncoding) throws Exception {
        ScriptServer server = gzipServer(contentEncoding);
        Transport transport = transport(TransportConfig.defaults());

        Response response = transport.roundTrip(Request.get(server.url("/")));

        assertThat(server.requests().get(0).headers("Accept-Encoding")).containsExactly("gzip");
        assertThat(response.uncompressed()).isTrue();
        assertThat(response.headers().contains("Content-Encoding")).isFalse();
        assertThat(response.headers().contains("Content-Length")).isFalse();
        assertThat(response.contentLength()).isEqualTo(-1);
        assertThat(readToEof(response)).isEqualTo(TEXT);
    }

    @Test
    void aCallerThatAsksForGzipItselfGetsTheCompressedBytesUntouched() throws Exception {
        ScriptServer server = gzipServer("gzip");
        Transport transport = transport(TransportConfig.defaults());

        Response response = transport.roundTrip(
                Request.builder(server.url("/")).header("Accept-Encoding", "gzip").build());

        assertThat(server.requests().get(0).headers("Accept-Encoding")).containsExactly("gzip");
        assertThat(response.uncompressed()).isFalse();
        assertThat(response.headers().first("Content-Encoding")).isEqualTo("gzip");
        assertThat(response.body().readAllBytes()).isEqualTo(gzip(TEXT));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Range request", "HEAD request", "disableCompression", "caller's identity"})
    void noAcceptEncodingIsAddedForRangeOrHeadRequestsOrWhenDisabled(String kind) throws Exception {
        ScriptServer server = server(ScriptServer.keepAlive(request -> "plain"));
        Transport transport = transport(TransportConfig.builder()
                .disableCompression(kind.equals("disableCompression")).build());
        Request.Builder b = Request.builder(server.url("/"));
        if (kind.equals("Range request")) {
            b.header("Range", "bytes=0-3");
        } else if (kind.equals("HEAD request")) {
            b.head();
        } else if (kind.equals("caller's identity")) {
            b.header("Accept-Encoding", "identity");
        }

        Response response = transport.roundTrip(b.build());
        readToEof(response);

        List<String> sent = server.requests().get(0).headers("Accept-Encoding");
        if (kind.equals("caller's identity")) {
            assertThat(sent).containsExactly("identity");
        } else {
            assertThat(sent).isEmpty();
        }
        assertThat(response.uncompressed()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/content-length", "/chunked"})
    void aGzipBodyReadToItsEndReturnsTheConnectionForReuse(String path) throws Exception {
        ScriptServer server = gzipServer("gzip");
        Transport transport = transport(TransportConfig.defaults());

        for (int i = 0; i < 2; i++) {
            Response response = transport.roundTrip(Request.get(server.url(path + i)));
            assertThat(response.uncompressed()).isTrue();
            assertThat(readToEof(response)).isEqualTo(TEXT);
            assertThat(transport.snapshot().totals().active()).isZero();
        }

        assertThat(connectionIds(server)).containsExactly(1, 1);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/content-length", "/chunked"})
    void closingAGzipBodyEarlyDrainsItAndReusesTheConnection(String path) throws Exception {
        ScriptServer server = gzipServer("gzip");
        Transport transport = transport(TransportConfig.defaults());

        for (int i = 0; i < 3; i++) {
            try (Response response = transport.roundTrip(Request.get(server.url(path + i)))) {
                if (i > 0) {
                    assertThat(new String(response.body().readNBytes(5))).isEqualTo("hello");
                }
            }
        }

        assertThat(connectionIds(server)).containsExactly(1, 1, 1);
    }

    @Test
    void aTruncatedGzipStreamFailsTheReadWithEof() throws Exception {
        byte[] compressed = gzip(TEXT);
        byte[] truncated = Arrays.copyOf(compressed, compressed.length / 2);
        ScriptServer server = server(ScriptServer.keepAliveResponding((conn, request) -> conn.write(rawResponse(
                "HTTP/1.1 200 OK", truncated, "Content-Encoding: gzip", "Content-Length: " + truncated.length))));
        Transport transport = transport(TransportConfig.defaults());

        Response response = transport.roundTrip(Request.get(server.url("/")));

        assertThatThrownBy(() -> response.body().readAllBytes()).isInstanceOf(EOFException.class);
        response.close();
    }

    // ---- Expect: 100-continue ----

    private static Request expectContinuePost(String url, RecordingListener trace) {
        return Request.builder(url).post(RequestBody.of("the body")).header("Expect", "100-continue")
                .trace(trace).build();
    }

    /** Whether any byte arrives on {@code conn} within {@code millis} (a bounded look, not synchronisation). */
    private static boolean bytesArriveWithin(ScriptServer.Conn conn, int millis) throws IOException {
        conn.socket().setSoTimeout(millis);
        try {
            conn.in().mark(1);
            boolean arrived = conn.in().read() >= 0;
            conn.in().reset();
            return arrived;
        } catch (SocketTimeoutException e) {
            return false;
        } finally {
            conn.socket().setSoTimeout(0);
        }
    }

    @Test
    void theBodyIsSentOnlyAfterTheServerAnswers100Continue() throws Exception {
        ScriptServer server = server(conn -> {
            ScriptServer.Request head;
            while ((head = conn.readRequestHead()) != null) {
                if (head.headerHasToken("Expect", "100-continue")) {
                    if (bytesArriveWithin(conn, 200)) {
                        conn.respond(500, "body arrived before 100 Continue");
                        return;
                    }
                    conn.write("HTTP/1.1 100 Continue\r\n\r\n");
                }
                conn.respond(200, "got " + new String(conn.readBody(head)));
            }
        });
        Transport transport = transport(TransportConfig.builder()
                .expectContinueTimeout(Duration.ofSeconds(10)).build());
        RecordingListener trace = new RecordingListener();

        Response response = transport.roundTrip(expectContinuePost(server.url("/upload"), trace));

        assertThat(readToEof(response)).isEqualTo("got the body");
        assertThat(server.requests().get(0).headers("Expect")).containsExactly("100-continue");
        assertThat(trace.events()).contains("wait100Continue", "got100Continue");
        assertThat(get(transport, server.url("/next"))).isEqualTo("got ");
        assertThat(connectionIds(server)).containsExactly(1, 1);
    }

    @Test
    void anEarlyFinalResponseWithConnectionCloseIsReturnedAndTheBodyIsNeverSent() throws Exception {
        AtomicLong bytesAfterResponse = new AtomicLong(-1);
        ScriptServer server = server(conn -> {
            conn.readRequestHead();
            conn.respond(417, "no thanks", "Connection: close");
            conn.socket().setSoTimeout((int) WAIT.toMillis());
            ByteArrayOutputStream rest = new ByteArrayOutputStream();
            conn.in().transferTo(rest); // until the client closes
            bytesAfterResponse.set(rest.size());
        });
        Transport transport = transport(TransportConfig.builder()
                .expectContinueTimeout(Duration.ofSeconds(10)).build());
        RecordingListener trace = new RecordingListener();

        Response response = transport.roundTrip(expectContinuePost(server.url("/upload"), trace));

        assertThat(response.status()).isEqualTo(417);
        assertThat(readToEof(response)).isEqualTo("no thanks");
        assertThat(server.awaitOpenCount(0, WAIT)).as("connection closed by the client").isTrue();
        awaitTrue("server finished reading", () -> bytesAfterResponse.get() >= 0);
        assertThat(bytesAfterResponse.get()).as("body bytes sent after the 417").isZero();
        assertThat(trace.events()).contains("wait100Continue").doesNotContain("got100Continue");
        assertThat(transport.snapshot().totals().connections()).isZero();
    }

    @Test
    void anEarlyFinalResponseWithoutConnectionCloseLeavesTheTransportUsable() throws Exception {
        ScriptServer server = server(conn -> {
            ScriptServer.Request head;
            while ((head = conn.readRequestHead()) != null) {
                if (head.headerHasToken("Expect", "100-continue")) {
                    conn.respond(417, "no thanks");
                    try {
                        conn.readBody(head); // Go sends the body to keep the connection in sync...
                    } catch (EOFException closedInstead) {
                        return; // ...closing the connection instead is fine too
                    }
                    continue;
                }
                conn.readBody(head);
                conn.respond(200, "fine");
            }
        });
        Transport transport = transport(TransportConfig.builder()
                .expectContinueTimeout(Duration.ofSeconds(10)).build());

        Response response = transport.roundTrip(expectContinuePost(server.url("/upload"), new RecordingListener()));
        assertThat(response.status()).isEqualTo(417);
        readToEof(response);

        assertThat(get(transport, server.url("/next"))).isEqualTo("fine");
        assertThat(server.requests()).extracting(ScriptServer.Request::target).containsExactly("/upload", "/next");
    }

    @Test
    void withoutAnAnswerWithinExpectContinueTimeoutTheBodyIsSentAnyway() throws Exception {
        AtomicLong bodyDelayMillis = new AtomicLong();
        ScriptServer server = server(conn -> {
            ScriptServer.Request head = conn.readRequestHead();
            long start = System.nanoTime();
            byte[] body = conn.readBody(head); // never answers 100
            bodyDelayMillis.set(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            conn.respond(200, "got " + new String(body));
        });
        Transport transport = transport(TransportConfig.builder()
                .expectContinueTimeout(Duration.ofMillis(200)).build());
        RecordingListener trace = new RecordingListener();

        Response response = transport.roundTrip(expectContinuePost(server.url("/upload"), trace));

        assertThat(readToEof(response)).isEqualTo("got the body");
        assertThat(bodyDelayMillis.get()).as("the client waited before sending the body").isGreaterThanOrEqualTo(150);
        assertThat(trace.events()).contains("wait100Continue").doesNotContain("got100Continue");
    }

    @Test
    void aZeroExpectContinueTimeoutSendsTheBodyAtOnce() throws Exception {
        ScriptServer server = server(ScriptServer.keepAlive(request -> "got " + request.bodyText()));
        Transport transport = transport(TransportConfig.builder().expectContinueTimeout(Duration.ZERO).build());
        RecordingListener trace = new RecordingListener();

        Response response = transport.roundTrip(expectContinuePost(server.url("/upload"), trace));

        assertThat(readToEof(response)).isEqualTo("got the body");
        assertThat(trace.events()).doesNotContain("wait100Continue");
    }

    @Test
    void traceOfA100ContinuePostThenAGetFiresEachHookOnceInGosOrder() throws Exception {
        ScriptServer server = server(conn -> {
            ScriptServer.Request head;
            while ((head = conn.readRequestHead()) != null) {
                if (head.headerHasToken("Expect", "100-continue")) {
                    conn.write("HTTP/1.1 100 Continue\r\n\r\n");
                }
                conn.readBody(head);
                conn.respond(200, "ok");
            }
        });
        Transport transport = transport(TransportConfig.builder()
                .expectContinueTimeout(Duration.ofSeconds(10)).build());
        RecordingListener post = new RecordingListener();
        RecordingListener get = new RecordingListener();

        readToEof(transport.roundTrip(expectContinuePost(server.url("/post"), post)));
        readToEof(transport.roundTrip(Request.builder(server.url("/get")).trace(get).build()));

        assertThat(post.events()).containsExactly("getConn", "connectStart", "connectDone ok",
                "gotConn reused=false wasIdle=false", "wroteHeaders", "wait100Continue", "gotFirstResponseByte",
                "got100Continue", "got1xxResponse 100", "wroteRequest ok", "putIdleConn null");
        assertThat(get.events()).containsExactly("getConn", "gotConn reused=true wasIdle=true", "wroteHeaders",
                "wroteRequest ok", "gotFirstResponseByte", "putIdleConn null");
    }
}
