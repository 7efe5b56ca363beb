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
    void passesBytesThroughAndOnceTricklingDeliversTheServersBytesNoFasterThanOneEveryPeriod() throws Exception {
        try (ScriptServer server = ScriptServer.start(ScriptServer.keepAlive(request -> "hello"));
                TricklingRelay relay = TricklingRelay.start(server.port());
                Socket client = new Socket(InetAddress.getLoopbackAddress(), relay.port())) {
            client.setSoTimeout(10_000);
            client.getOutputStream().write("GET /a HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = client.getInputStream();
            String first = readResponse(in);
            assertThat(first).startsWith("HTTP/1.1 200").endsWith("hello");

            relay.trickle(Duration.ofMillis(10));
            long start = System.nanoTime();
            client.getOutputStream().write("GET /b HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String second = readResponse(in);
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

            assertThat(second).startsWith("HTTP/1.1 200").endsWith("hello");
            // one byte every 10 ms: the whole response cannot arrive sooner, however the threads are scheduled
            assertThat(elapsedMillis).as("a trickled response takes at least 10 ms per byte after the first")
                    .isGreaterThanOrEqualTo(10L * (second.length() - 1));
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
