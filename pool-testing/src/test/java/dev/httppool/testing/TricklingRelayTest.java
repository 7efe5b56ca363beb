package dev.httppool.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TricklingRelayTest {

    @Test
    void passesBytesThroughAndOnceTricklingDeliversTheServersBytesOneAtATime() throws Exception {
        try (ScriptServer server = ScriptServer.start(ScriptServer.keepAlive(request -> "hello"));
                TricklingRelay relay = TricklingRelay.start(server.port());
                Socket client = new Socket(InetAddress.getLoopbackAddress(), relay.port())) {
            client.setSoTimeout(10_000);
            client.getOutputStream().write("GET /a HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = client.getInputStream();
            String first = readResponse(in);
            assertThat(first).startsWith("HTTP/1.1 200").endsWith("hello");

            relay.trickle(Duration.ofMillis(20));
            client.getOutputStream().write("GET /b HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] one = new byte[64];
            int n = in.read(one);

            assertThat(n).as("a trickled read gets one byte").isEqualTo(1);
            assertThat(server.requests()).hasSize(2);
        }
    }

    /** Reads one response with a Content-Length, head and body. */
    private static String readResponse(InputStream in) throws Exception {
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().contains("\r\n\r\n")) {
            sb.append((char) in.read());
        }
        String head = sb.toString();
        int length = Integer.parseInt(head.replaceAll("(?s).*Content-Length: (\\d+).*", "$1"));
        for (int i = 0; i < length; i++) {
            sb.append((char) in.read());
        }
        return sb.toString();
    }
}
