package dev.httppool.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TestServerTest {

    private static Socket connect(TestServer server) throws IOException {
        Socket socket = new Socket("127.0.0.1", server.port());
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static RawResponse get(Socket socket, String target, String... headerLines) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(RawResponse.get(target, headerLines).getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return RawResponse.read(socket.getInputStream(), "GET");
    }

    @Test
    void requestsOnOneKeepAliveSocketCountAsOneClientConnection() throws Exception {
        try (TestServer server = TestServer.start()) {
            server.text("/a", "hi").text("/b", "hi");
            try (Socket socket = connect(server)) {
                assertThat(get(socket, "/a").body()).isEqualTo("hi");
                assertThat(get(socket, "/b").body()).isEqualTo("hi");
                assertThat(server.clientPorts())
                        .containsExactly(socket.getLocalPort(), socket.getLocalPort());
            }
            assertThat(server.requestCount()).isEqualTo(2);
            assertThat(server.distinctClientConnections()).isEqualTo(1);
        }
    }

    @Test
    void requestsOnTwoSocketsCountAsTwoClientConnections() throws Exception {
        try (TestServer server = TestServer.start();
                Socket first = connect(server); Socket second = connect(server)) {
            server.on("/", (exchange, body) -> TestServer.respond(exchange, 204, ""));
            assertThat(get(first, "/").status()).isEqualTo(204);
            assertThat(get(second, "/").status()).isEqualTo(204);
            assertThat(get(first, "/").status()).isEqualTo(204);
            assertThat(server.clientPorts()).containsExactly(first.getLocalPort(),
                    second.getLocalPort(), first.getLocalPort());
            assertThat(server.distinctClientConnections()).isEqualTo(2);
            assertThat(server.url("/x")).isEqualTo("http://" + server.address() + "/x");
        }
    }

    @Test
    void concurrentRequestsAreServedInParallel() throws Exception {
        CountDownLatch bothInside = new CountDownLatch(2);
        try (TestServer server = TestServer.start();
                Socket first = connect(server); Socket second = connect(server)) {
            server.on("/", (exchange, body) -> {
                bothInside.countDown();
                boolean together = bothInside.await(10, TimeUnit.SECONDS);
                TestServer.respond(exchange, 200, together ? "together" : "alone");
            });
            for (Socket socket : List.of(first, second)) {
                socket.getOutputStream().write(RawResponse.get("/")
                        .getBytes(StandardCharsets.ISO_8859_1));
            }
            assertThat(RawResponse.read(first.getInputStream(), "GET").body())
                    .isEqualTo("together");
            assertThat(RawResponse.read(second.getInputStream(), "GET").body())
                    .isEqualTo("together");
        }
    }

    @Test
    void handlerExceptionsAreRecordedAndAnsweredWith500() throws Exception {
        try (TestServer server = TestServer.start(); Socket socket = connect(server)) {
            server.on("/", (exchange, body) -> {
                throw new IllegalStateException("scripted failure");
            });
            assertThat(get(socket, "/").status()).isEqualTo(500);
            assertThat(server.handlerErrors()).singleElement()
                    .satisfies(e -> assertThat(e).hasMessage("scripted failure"));
        }
    }

    @Test
    void takeRequestHandsOutEveryRequestOnceWithLowerCaseHeaderNames() throws Exception {
        try (TestServer server = TestServer.start(); Socket socket = connect(server)) {
            assertThat(get(socket, "/nobody?q=1", "X-Trace: t1").status()).isEqualTo(404);
            assertThat(get(socket, "/nobody").body()).isEqualTo("no handler for /nobody");

            TestServer.Recorded first = server.takeRequest();
            assertThat(first.method()).isEqualTo("GET");
            assertThat(first.target()).isEqualTo("/nobody?q=1");
            assertThat(first.headers()).containsKey("x-trace");
            assertThat(first.header("X-TRACE")).isEqualTo("t1");
            assertThat(first.clientPort()).isEqualTo(socket.getLocalPort());
            assertThat(server.takeRequest().target()).isEqualTo("/nobody");
            assertThat(server.requestCount()).as("taking does not forget").isEqualTo(2);
        }
    }

    @Test
    void aSecondLoopbackAddressPlaysAnotherHost() {
        try (TestServer other = TestServer.start("127.0.0.2")) {
            assertThat(other.address()).isEqualTo("127.0.0.2:" + other.port());
            assertThat(other.url("/x")).isEqualTo("http://127.0.0.2:" + other.port() + "/x");
        }
    }

    @Test
    void anHttpsServerPresentsTheTestCertificate() throws Exception {
        try (TestServer server = TestServer.startHttps();
                SSLSocket socket = (SSLSocket) TestTls.get().clientContext().getSocketFactory()
                        .createSocket("127.0.0.1", server.port())) {
            server.text("/secure", "over tls");
            socket.setSoTimeout(10_000);
            assertThat(get(socket, "/secure").body()).isEqualTo("over tls");
            assertThat(socket.getSession().getPeerCertificates()[0]).isEqualTo(TestTls.get().certificate());
            assertThat(server.url("/secure")).startsWith("https://127.0.0.1:");
        }
    }
}
