package dev.httppool.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Timeout(30)
class HostileBodyServerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("EOF in head: " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(HostileBodyServer.Body.class)
    void eachBodyGoesOnInItsShapeUntilTheClientLeavesAndItsBytesAreCounted(HostileBodyServer.Body body)
            throws Exception {
        HostileBodyServer hostile = HostileBodyServer.create();
        try (ScriptServer server = ScriptServer.start(hostile.handler())) {
            try (Socket socket = new Socket("127.0.0.1", server.port())) {
                socket.setSoTimeout((int) WAIT.toMillis());
                socket.getOutputStream().write(RawResponse.get(body.path()).getBytes(StandardCharsets.ISO_8859_1));
                InputStream in = socket.getInputStream();
                String head = readHead(in);
                byte[] start = in.readNBytes(body.name().startsWith("TRICKLE") ? 3 : 9000);
                String text = new String(start, StandardCharsets.ISO_8859_1);
                switch (body) {
                    case TRICKLE:
                        assertThat(head).contains("Content-Length: 100000");
                        assertThat(text).isEqualTo("xxx");
                        break;
                    case TRICKLE_CHUNKED:
                        assertThat(text).isEqualTo("1\r\n");
                        break;
                    case ENDLESS_CHUNKED:
                        assertThat(text).startsWith("1000\r\nxxxx");
                        break;
                    case FRAMING_HEAVY:
                        assertThat(text).startsWith("1;ext=12345678\r\nx\r\n1;ext=12345678\r\nx\r\n");
                        break;
                    default:
                        assertThat(text).startsWith("1;eeee").contains("eeee\r\nx\r\n1;eeee");
                }
                if (!body.name().equals("TRICKLE")) {
                    assertThat(head).contains("Transfer-Encoding: chunked");
                }
            }
            assertThat(server.awaitOpenCount(0, WAIT)).as("the server ends the body once the client left").isTrue();
            assertThat(hostile.bytesSent(body)).isGreaterThanOrEqualTo(3);
            server.assertNoHandlerErrors();
        }
    }

    @Test
    void otherPathsAreAnsweredOnAKeptAliveConnection() throws Exception {
        HostileBodyServer hostile = HostileBodyServer.create();
        try (ScriptServer server = ScriptServer.start(hostile.handler());
                Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout((int) WAIT.toMillis());
            for (String path : new String[] {"/a", "/b"}) {
                socket.getOutputStream().write(RawResponse.get(path).getBytes(StandardCharsets.ISO_8859_1));
                assertThat(RawResponse.read(socket.getInputStream(), "GET").body()).isEqualTo("ok " + path);
            }
            assertThat(hostile.healthyCount()).isEqualTo(2);
            assertThat(server.acceptedCount()).isEqualTo(1);
        }
    }

    @Test
    void theSmallReceiveBufferDialerConnectsToLoopbackWithTheBufferItWasGiven() throws Exception {
        try (ScriptServer server = ScriptServer.start(conn -> conn.awaitPeerClose(WAIT));
                SocketChannel ch = HostileBodyServer.smallReceiveBufferDialer(8192)
                        .dial("localhost", server.port(), WAIT)) {
            assertThat(ch.isConnected()).isTrue();
            assertThat(ch.isBlocking()).isTrue();
            assertThat(ch.socket().getReceiveBufferSize()).isBetween(8192, 4 * 8192);
        }
    }
}
