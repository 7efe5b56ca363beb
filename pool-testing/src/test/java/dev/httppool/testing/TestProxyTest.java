package dev.httppool.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TestProxyTest {

    @Test
    void relaysAnAbsoluteFormRequestAndRecordsItsWholeHead() throws Exception {
        try (TestServer origin = TestServer.start(); TestProxy proxy = TestProxy.start();
                Socket socket = new Socket("127.0.0.1", proxy.port())) {
            origin.text("/x", "hi");
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(RawResponse.get(origin.url("/x"), "Authorization: Bearer t0ken", "Proxy-Authorization: Basic cA==")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();

            RawResponse response = RawResponse.read(socket.getInputStream(), "GET");

            assertThat(response.body()).isEqualTo("hi");
            assertThat(proxy.requestHeads()).containsExactly(List.of("GET " + origin.url("/x") + " HTTP/1.1",
                    "Host: 127.0.0.1", "Authorization: Bearer t0ken", "Proxy-Authorization: Basic cA=="));
            assertThat(proxy.requestLines()).containsExactly("GET " + origin.url("/x") + " HTTP/1.1");
            assertThat(proxy.authorizations()).containsExactly("Basic cA==");
            assertThat(origin.takeRequest().header("Authorization")).as("relayed upstream").isEqualTo("Bearer t0ken");
        }
    }
}
