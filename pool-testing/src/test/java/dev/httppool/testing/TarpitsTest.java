package dev.httppool.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TarpitsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration EVERY = Duration.ofMillis(50);

    private static Socket connect(ScriptServer server, int soTimeoutMillis) throws IOException {
        Socket socket = new Socket("127.0.0.1", server.port());
        socket.setSoTimeout(soTimeoutMillis);
        return socket;
    }

    private static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }

    @Test
    void theSilentTlsTarpitSwallowsTheHelloNeverAnswersAndLetsGoWhenTheClientCloses() throws Exception {
        try (ScriptServer server = ScriptServer.start(Tarpits.silentTlsHandshake())) {
            try (Socket socket = connect(server, 300)) {
                send(socket, "\u0016\u0003\u0001 a client hello");

                assertThatThrownBy(() -> socket.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
                assertThat(server.openCount()).isEqualTo(1);
            }
            assertThat(server.awaitOpenCount(0, WAIT)).as("the tarpit let go after the client closed").isTrue();
            server.assertNoHandlerErrors();
        }
    }

    @Test
    void theTricklingTlsTarpitSendsAHandshakeRecordHeaderThenOneByteAtATimeEachWithinAShortReadTimeout()
            throws Exception {
        try (ScriptServer server = ScriptServer.start(Tarpits.tricklingTlsHandshake(EVERY))) {
            try (Socket socket = connect(server, (int) WAIT.toMillis())) {
                send(socket, "\u0016\u0003\u0001 a client hello");
                InputStream in = socket.getInputStream();

                assertThat(in.readNBytes(5)).containsExactly(Tarpits.TLS_RECORD_HEADER);
                long start = System.nanoTime();
                socket.setSoTimeout((int) (EVERY.toMillis() * 20)); // a per-read timeout the trickle always beats
                assertThat(in.readNBytes(4)).containsExactly(0x02, 0, 0, 0);
                long tookMillis = (System.nanoTime() - start) / 1_000_000;

                assertThat(tookMillis).as("four bytes, one per interval").isGreaterThanOrEqualTo(3 * EVERY.toMillis());
            }
            assertThat(server.awaitOpenCount(0, WAIT)).as("the tarpit let go after the client closed").isTrue();
            server.assertNoHandlerErrors();
        }
    }

    @Test
    void theTricklingConnectProxyAnswers200AndThenOneHeaderLineAtATimeWithoutEverEndingTheHead() throws Exception {
        try (ScriptServer server = ScriptServer.start(Tarpits.tricklingConnectProxy(EVERY))) {
            try (Socket socket = connect(server, (int) WAIT.toMillis())) {
                send(socket, "CONNECT example.test:443 HTTP/1.1\r\nHost: example.test:443\r\n\r\n");
                InputStream in = socket.getInputStream();

                String head = readLines(in, 4);

                assertThat(head).isEqualTo("HTTP/1.1 200 Connection established\r\nX-Trickle-0: x\r\n"
                        + "X-Trickle-1: x\r\nX-Trickle-2: x\r\n");
                assertThat(server.requests()).extracting(ScriptServer.Request::method).containsExactly("CONNECT");
            }
            assertThat(server.awaitOpenCount(0, WAIT)).as("the tarpit let go after the client closed").isTrue();
            server.assertNoHandlerErrors();
        }
    }

    private static String readLines(InputStream in, int lines) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int seen = 0;
        while (seen < lines) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            out.write(b);
            if (b == '\n') {
                seen++;
            }
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }
}
