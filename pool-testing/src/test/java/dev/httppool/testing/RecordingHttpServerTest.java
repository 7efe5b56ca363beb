package dev.httppool.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class RecordingHttpServerTest {

    private static Socket connect(RecordingHttpServer server) throws IOException {
        Socket socket = new Socket("127.0.0.1", server.port());
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static RawResponse get(Socket socket, String target) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(RawResponse.get(target).getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return RawResponse.read(socket.getInputStream(), "GET");
    }

    @Test
    void requestsOnOneKeepAliveSocketCountAsOneClientConnection() throws Exception {
        try (RecordingHttpServer server = RecordingHttpServer.start()) {
            server.handle("/", exchange -> RecordingHttpServer.respond(exchange, 200, "hi"));
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
        try (RecordingHttpServer server = RecordingHttpServer.start();
                Socket first = connect(server); Socket second = connect(server)) {
            server.handle("/", exchange -> RecordingHttpServer.respond(exchange, 204, ""));
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
        try (RecordingHttpServer server = RecordingHttpServer.start();
                Socket first = connect(server); Socket second = connect(server)) {
            server.handle("/", exchange -> {
                bothInside.countDown();
                boolean together = bothInside.await(10, TimeUnit.SECONDS);
                RecordingHttpServer.respond(exchange, 200, together ? "together" : "alone");
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
        try (RecordingHttpServer server = RecordingHttpServer.start();
                Socket socket = connect(server)) {
            server.handle("/", exchange -> {
                throw new IllegalStateException("scripted failure");
            });
            assertThat(get(socket, "/").status()).isEqualTo(500);
            assertThat(server.handlerErrors()).singleElement()
                    .satisfies(e -> assertThat(e).hasMessage("scripted failure"));
        }
    }
}
