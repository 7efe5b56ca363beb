package dev.httppool.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ScriptServerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static Socket connect(ScriptServer server) throws IOException {
        Socket socket = new Socket("127.0.0.1", server.port());
        socket.setSoTimeout((int) WAIT.toMillis());
        return socket;
    }

    private static void send(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    private static RawResponse exchange(Socket socket, String target) throws IOException {
        send(socket, RawResponse.get(target));
        return RawResponse.read(socket.getInputStream(), "GET");
    }

    @Test
    void connectionIdsIncreaseInAcceptOrder() throws Exception {
        try (ScriptServer server = ScriptServer.start(
                ScriptServer.keepAlive(req -> "conn " + req.connectionId()))) {
            List<String> bodies = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                try (Socket socket = connect(server)) {
                    bodies.add(exchange(socket, "/n" + i).body());
                }
            }
            assertThat(bodies).containsExactly("conn 1", "conn 2", "conn 3");
            assertThat(server.acceptedCount()).isEqualTo(3);
            assertThat(server.requests()).extracting(ScriptServer.Request::connectionId)
                    .containsExactly(1, 2, 3);
            assertThat(server.requests()).extracting(ScriptServer.Request::target)
                    .containsExactly("/n0", "/n1", "/n2");
            server.assertNoHandlerErrors();
        }
    }

    @Test
    void twoRequestsOnOneSocketReportTheSameConnectionId() throws Exception {
        try (ScriptServer server = ScriptServer.start(ScriptServer.keepAlive(req -> "ok"));
                Socket socket = connect(server)) {
            assertThat(exchange(socket, "/a").body()).isEqualTo("ok");
            assertThat(exchange(socket, "/b").body()).isEqualTo("ok");
            assertThat(server.requests()).extracting(ScriptServer.Request::connectionId)
                    .containsExactly(1, 1);
            assertThat(server.acceptedCount()).isEqualTo(1);
            assertThat(server.openCount()).isEqualTo(1);
        }
    }

    @Test
    void chunkedRequestBodyIsDecodedAndItsTrailersAreSkipped() throws Exception {
        try (ScriptServer server = ScriptServer.start(
                ScriptServer.keepAlive(ScriptServer.Request::bodyText));
                Socket socket = connect(server)) {
            send(socket, "POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n");
            assertThat(RawResponse.read(socket.getInputStream(), "POST").body())
                    .isEqualTo("hello, world");
            assertThat(exchange(socket, "/next").body()).isEmpty();
            assertThat(server.requests().get(0).bodyText()).isEqualTo("hello, world");
            server.assertNoHandlerErrors();
        }
    }

    @Test
    void contentLengthBodyAndHeadersAreReadWithCaseInsensitiveNames() throws Exception {
        try (ScriptServer server = ScriptServer.start(ScriptServer.keepAlive(req -> "done"));
                Socket socket = connect(server)) {
            send(socket, "PUT /p?q=1 HTTP/1.1\r\nHost: x\r\nX-Multi: a\r\nx-multi: b\r\n"
                    + "Content-Length: 4\r\n\r\nbody");
            assertThat(RawResponse.read(socket.getInputStream(), "PUT").body()).isEqualTo("done");
            ScriptServer.Request request = server.requests().get(0);
            assertThat(request.method()).isEqualTo("PUT");
            assertThat(request.target()).isEqualTo("/p?q=1");
            assertThat(request.version()).isEqualTo("HTTP/1.1");
            assertThat(request.header("HOST")).isEqualTo("x");
            assertThat(request.headers("X-MULTI")).containsExactly("a", "b");
            assertThat(request.header("Missing")).isNull();
            assertThat(request.headerNames()).containsExactly("Host", "X-Multi", "Content-Length");
            assertThat(request.bodyText()).isEqualTo("body");
        }
    }

    @Test
    void openCountDropsToZeroAfterTheClientCloses() throws Exception {
        try (ScriptServer server = ScriptServer.start(ScriptServer.keepAlive(req -> "ok"))) {
            Socket first = connect(server);
            Socket second = connect(server);
            exchange(first, "/");
            exchange(second, "/");
            assertThat(server.awaitOpenCount(2, WAIT)).isTrue();
            first.close();
            assertThat(server.awaitOpenCount(1, WAIT)).isTrue();
            second.close();
            assertThat(server.awaitOpenCount(0, WAIT)).isTrue();
            assertThat(server.acceptedCount()).isEqualTo(2);
            assertThat(server.awaitAccepted(3, Duration.ofMillis(20))).isFalse();
            server.assertNoHandlerErrors();
        }
    }

    @Test
    void readRequestReturnsNullWhenTheClientClosesBeforeSendingAnything() throws Exception {
        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        try (ScriptServer server = ScriptServer.start(conn ->
                seen.add(String.valueOf(conn.readRequest())))) {
            connect(server).close();
            assertThat(seen.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("null");
            assertThat(server.awaitOpenCount(0, WAIT)).isTrue();
            assertThat(server.requests()).isEmpty();
            server.assertNoHandlerErrors();
        }
    }

    @Test
    void resetMakesTheClientsReadThrow() throws Exception {
        try (ScriptServer server = ScriptServer.start(conn -> {
            conn.readRequest();
            conn.reset();
        }); Socket socket = connect(server)) {
            send(socket, RawResponse.get("/"));
            assertThatThrownBy(() -> socket.getInputStream().read())
                    .isInstanceOf(SocketException.class).hasMessageContaining("reset");
            server.assertNoHandlerErrors();
        }
    }

    @Test
    void handlerReturningClosesTheConnectionWithAFin() throws Exception {
        try (ScriptServer server = ScriptServer.start(conn -> conn.respond(204, ""));
                Socket socket = connect(server)) {
            RawResponse response = RawResponse.read(socket.getInputStream(), "GET");
            assertThat(response.status()).isEqualTo(204);
            assertThat(response.header("Content-Length")).isNull();
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
            assertThat(server.awaitOpenCount(0, WAIT)).isTrue();
        }
    }

    @Test
    void closeStopsHandlersBlockedInReadsAndInWaitsAndLeavesNoThreadAlive() throws Exception {
        BlockingQueue<Thread> handlerThreads = new LinkedBlockingQueue<>();
        CountDownLatch never = new CountDownLatch(1);
        ScriptServer server = ScriptServer.start(conn -> {
            handlerThreads.add(Thread.currentThread());
            if (conn.id() == 1) {
                conn.readRequest();
            } else {
                never.await();
            }
        });
        Socket first = connect(server);
        Socket second = connect(server);
        Thread a = handlerThreads.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        Thread b = handlerThreads.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(List.of(a.getName(), b.getName()))
                .containsExactlyInAnyOrder("script-server-conn-1", "script-server-conn-2");
        assertThat(a.isDaemon()).isTrue();

        server.close();

        assertThat(a.isAlive()).isFalse();
        assertThat(b.isAlive()).isFalse();
        assertThat(server.openCount()).isZero();
        assertThat(server.handlerErrors()).isEmpty();
        assertThat(first.getInputStream().read()).isEqualTo(-1);
        first.close();
        second.close();
        server.close(); // idempotent
    }

    @Test
    void handlerExceptionsAreRecordedAndCloseTheConnection() throws Exception {
        try (ScriptServer server = ScriptServer.start(conn -> {
            throw new IllegalStateException("scripted failure");
        }); Socket socket = connect(server)) {
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
            assertThat(server.awaitOpenCount(0, WAIT)).isTrue();
            assertThat(server.handlerErrors()).singleElement()
                    .satisfies(e -> assertThat(e).hasMessage("scripted failure"));
            assertThatThrownBy(server::assertNoHandlerErrors).isInstanceOf(AssertionError.class);
        }
    }

    @Test
    void awaitPeerCloseTimesOutWhileTheClientStaysAndSeesItLeave() throws Exception {
        BlockingQueue<Boolean> results = new LinkedBlockingQueue<>();
        try (ScriptServer server = ScriptServer.start(conn -> {
            results.add(conn.awaitPeerClose(Duration.ofMillis(50)));
            results.add(conn.awaitPeerClose(WAIT));
        })) {
            Socket socket = connect(server);
            assertThat(results.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isFalse();
            socket.close();
            assertThat(results.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            assertThat(server.awaitOpenCount(0, WAIT)).isTrue();
        }
    }

    @Test
    void readRequestHeadLetsTheHandlerAnswerExpectContinueBeforeTheBody() throws Exception {
        try (ScriptServer server = ScriptServer.start(conn -> {
            ScriptServer.Request head = conn.readRequestHead();
            conn.write("HTTP/1.1 100 Continue\r\n\r\n");
            conn.respond(200, "got " + new String(conn.readBody(head), StandardCharsets.UTF_8));
        }); Socket socket = connect(server)) {
            send(socket, "POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                    + "Content-Length: 3\r\n\r\n");
            InputStream in = socket.getInputStream();
            assertThat(RawResponse.read(in, "POST").status()).isEqualTo(100);
            send(socket, "abc");
            assertThat(RawResponse.read(in, "POST").body()).isEqualTo("got abc");
            assertThat(server.requests()).singleElement()
                    .satisfies(r -> assertThat(r.bodyText()).isEqualTo("abc"));
        }
    }

    @Test
    void respondChunkedWritesExactChunkedFraming() throws Exception {
        try (ScriptServer server = ScriptServer.start(conn -> {
            conn.readRequest();
            conn.respondChunked(200, List.of("ab", "", "cde"), "Connection: close");
        }); Socket socket = connect(server)) {
            send(socket, RawResponse.get("/"));
            String wire = new String(socket.getInputStream().readAllBytes(),
                    StandardCharsets.ISO_8859_1);
            assertThat(wire).isEqualTo("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
                    + "Connection: close\r\n\r\n2\r\nab\r\n3\r\ncde\r\n0\r\n\r\n");
        }
    }

    @Test
    void responseToHeadHasContentLengthButNoBody() throws Exception {
        try (ScriptServer server = ScriptServer.start(ScriptServer.keepAlive(req -> "12345"));
                Socket socket = connect(server)) {
            send(socket, "HEAD / HTTP/1.1\r\nHost: x\r\n\r\n");
            RawResponse head = RawResponse.read(socket.getInputStream(), "HEAD");
            assertThat(head.header("Content-Length")).isEqualTo("5");
            assertThat(exchange(socket, "/").body()).isEqualTo("12345");
        }
    }

    @Test
    void keepAliveAnswersConnectionCloseAndThenCloses() throws Exception {
        try (ScriptServer server = ScriptServer.start(ScriptServer.keepAlive(req -> "bye"));
                Socket socket = connect(server)) {
            send(socket, RawResponse.get("/", "Connection: close"));
            RawResponse response = RawResponse.read(socket.getInputStream(), "GET");
            assertThat(response.header("connection")).isEqualTo("close");
            assertThat(response.body()).isEqualTo("bye");
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void addressAndUrlNameTheLoopbackPort() {
        try (ScriptServer plain = ScriptServer.start(conn -> { });
                ScriptServer tls = ScriptServer.startTls(conn -> { },
                        TestTls.get().serverContext())) {
            assertThat(plain.address()).isEqualTo("127.0.0.1:" + plain.port());
            assertThat(plain.url("/x")).isEqualTo("http://127.0.0.1:" + plain.port() + "/x");
            assertThat(tls.url("/x")).isEqualTo("https://127.0.0.1:" + tls.port() + "/x");
        }
    }

    private static SSLSocket tlsConnect(ScriptServer server, SSLContext context)
            throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory()
                .createSocket("127.0.0.1", server.port());
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        socket.setSoTimeout((int) WAIT.toMillis());
        return socket;
    }

    @Test
    void tlsClientTrustingTheTestCertificateVerifiesTheIpAddressSan() throws Exception {
        TestTls tls = TestTls.get();
        try (ScriptServer server = ScriptServer.startTls(
                ScriptServer.keepAlive(req -> "secure " + req.connectionId()),
                tls.serverContext());
                SSLSocket socket = tlsConnect(server, tls.clientContext())) {
            socket.startHandshake();
            assertThat(socket.getSession().getPeerCertificates()[0])
                    .isEqualTo(tls.certificate());
            assertThat(exchange(socket, "/").body()).isEqualTo("secure 1");
            assertThat(exchange(socket, "/").body()).isEqualTo("secure 1");
            server.assertNoHandlerErrors();
        }
    }

    @Test
    void defaultJdkTrustRejectsTheTestCertificate() throws Exception {
        try (ScriptServer server = ScriptServer.startTls(ScriptServer.keepAlive(req -> "no"),
                TestTls.get().serverContext());
                SSLSocket socket = tlsConnect(server, SSLContext.getDefault())) {
            assertThatThrownBy(socket::startHandshake).isInstanceOf(SSLHandshakeException.class);
        }
    }

    @Test
    void tlsHandshakeStallsWhileTheHandlerDoesNotTouchTheConnection() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        try (ScriptServer server = ScriptServer.startTls(conn -> never.await(),
                TestTls.get().serverContext());
                SSLSocket socket = tlsConnect(server, TestTls.get().clientContext())) {
            socket.setSoTimeout(200);
            assertThatThrownBy(socket::startHandshake)
                    .isInstanceOf(SocketTimeoutException.class);
            assertThat(server.openCount()).isEqualTo(1);
        }
    }

    @Test
    void tlsHandlerThatReturnsAtOnceFailsTheClientsHandshakeWithoutHanging() throws Exception {
        try (ScriptServer server = ScriptServer.startTls(conn -> { },
                TestTls.get().serverContext());
                SSLSocket socket = tlsConnect(server, TestTls.get().clientContext())) {
            assertThatThrownBy(socket::startHandshake).isInstanceOf(IOException.class);
            assertThat(server.awaitOpenCount(0, WAIT)).isTrue();
            server.assertNoHandlerErrors();
        }
    }

    @Test
    void tlsResetMakesTheClientsReadThrowInsteadOfSeeingCloseNotify() throws Exception {
        TestTls tls = TestTls.get();
        try (ScriptServer server = ScriptServer.startTls(conn -> {
            conn.readRequest();
            conn.reset();
        }, tls.serverContext()); SSLSocket socket = tlsConnect(server, tls.clientContext())) {
            send(socket, RawResponse.get("/"));
            assertThatThrownBy(() -> socket.getInputStream().read())
                    .isInstanceOf(SocketException.class);
        }
    }

    @Test
    void receivedHoldsEveryByteOfAConnectionExactlyAsItArrivedWhicheverWayTheHandlerReadIt() throws Exception {
        String request = "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc";
        String tail = "unframed tail";
        try (ScriptServer server = ScriptServer.start(conn -> {
            conn.readRequest();
            conn.awaitPeerClose(WAIT); // reads the tail through in()
        })) {
            try (Socket socket = connect(server)) {
                send(socket, request + tail);
            }
            assertThat(server.awaitAccepted(1, WAIT) && server.awaitOpenCount(0, WAIT)).isTrue();
            assertThat(new String(server.received(1), StandardCharsets.ISO_8859_1)).isEqualTo(request + tail);
            assertThat(server.requests()).singleElement().satisfies(r -> assertThat(r.bodyText()).isEqualTo("abc"));
            assertThatThrownBy(() -> server.received(2)).isInstanceOf(IllegalArgumentException.class);
            server.assertNoHandlerErrors();
        }
    }
}
