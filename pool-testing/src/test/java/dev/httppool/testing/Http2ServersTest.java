package dev.httppool.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The HTTP/2 fixtures, checked with the JDK's own HTTP/2 client and with raw frames. */
@Timeout(60)
class Http2ServersTest {

    @Test
    void theJettyServerSpeaksHttp2AndCountsOneConnectionForManyRequests() throws Exception {
        try (Http2TestServer server = Http2TestServer.start(4)) {
            HttpClient client = HttpClient.newBuilder().sslContext(TestTls.get().clientContext())
                    .version(HttpClient.Version.HTTP_2).connectTimeout(Duration.ofSeconds(10)).build();

            HttpResponse<String> protocol = client.send(HttpRequest.newBuilder(URI.create(server.url("/protocol")))
                    .build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<byte[]> bytes = client.send(HttpRequest.newBuilder(URI.create(server.url("/bytes?n=100000")))
                    .build(), HttpResponse.BodyHandlers.ofByteArray());

            assertThat(protocol.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(protocol.body()).isEqualTo("HTTP/2.0");
            assertThat(bytes.body()).hasSize(100_000);
            assertThat(bytes.body()[99_999]).isEqualTo(Http2TestServer.pattern(99_999));
            assertThat(server.connectionsSeen()).isEqualTo(1);
            assertThat(server.requests()).isEqualTo(2);
        }
    }

    @Test
    void theScriptServerAnswersAHeadersFrameWith200AndOk() throws Exception {
        try (H2ScriptServer server = H2ScriptServer.start(H2ScriptServer.Mode.ANSWER);
                SSLSocket s = (SSLSocket) TestTls.get().clientContext().getSocketFactory()
                        .createSocket("127.0.0.1", server.address().getPort())) {
            SSLParameters params = s.getSSLParameters();
            params.setApplicationProtocols(new String[] {"h2"});
            s.setSSLParameters(params);
            s.setSoTimeout(10_000);
            s.startHandshake();
            assertThat(s.getApplicationProtocol()).isEqualTo("h2");
            OutputStream out = s.getOutputStream();
            out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}); // empty SETTINGS
            out.write(new byte[] {0, 0, 1, 1, 5, 0, 0, 0, 1, (byte) 0x82}); // HEADERS :method GET, END_STREAM|END_HEADERS
            out.flush();

            DataInputStream in = new DataInputStream(s.getInputStream());
            StringBuilder frames = new StringBuilder();
            for (int i = 0; i < 4; i++) { // SETTINGS, SETTINGS ack, HEADERS, DATA
                int length = in.readUnsignedByte() << 16 | in.readUnsignedShort();
                int type = in.readUnsignedByte();
                in.readUnsignedByte();
                int stream = in.readInt();
                byte[] payload = new byte[length];
                in.readFully(payload);
                frames.append(type).append('/').append(stream).append(':')
                        .append(type == 0 ? new String(payload, StandardCharsets.US_ASCII) : length).append(' ');
            }

            assertThat(frames.toString().trim()).isEqualTo("4/0:0 4/0:0 1/1:1 0/1:ok");
            assertThat(server.streamsOn(0)).containsExactly(1);
        }
    }

    @Test
    void thePaddedBodyModeSendsWithinTheClientsWindowsAndResumesOnWindowUpdate() throws Exception {
        try (H2ScriptServer server = H2ScriptServer.start(H2ScriptServer.Mode.PADDED_BODY);
                SSLSocket s = (SSLSocket) TestTls.get().clientContext().getSocketFactory()
                        .createSocket("127.0.0.1", server.address().getPort())) {
            SSLParameters params = s.getSSLParameters();
            params.setApplicationProtocols(new String[] {"h2"});
            s.setSSLParameters(params);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}); // empty SETTINGS: windows of 65,535
            out.write(new byte[] {0, 0, 1, 1, 5, 0, 0, 0, 1, (byte) 0x82});
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            for (int i = 0; i < 3; i++) { // SETTINGS, SETTINGS ack, HEADERS
                readFrame(in);
            }
            for (int i = 0; i < 65_535 / 256; i++) {
                assertThat(readFrame(in)).isEqualTo("0/1:256");
            }
            out.write(new byte[] {0, 0, 8, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}); // PING
            out.flush();
            assertThat(readFrame(in)).as("the window is spent: the PING ack comes first").isEqualTo("6/0:8");
            out.write(new byte[] {0, 0, 4, 8, 0, 0, 0, 0, 0, 0, 0, 1, 0}); // WINDOW_UPDATE connection +256
            out.write(new byte[] {0, 0, 4, 8, 0, 0, 0, 0, 1, 0, 0, 1, 0}); // WINDOW_UPDATE stream 1 +256
            out.flush();
            assertThat(readFrame(in)).isEqualTo("0/1:256");
        }
    }

    private static String readFrame(DataInputStream in) throws java.io.IOException {
        int length = in.readUnsignedByte() << 16 | in.readUnsignedShort();
        int type = in.readUnsignedByte();
        in.readUnsignedByte();
        int stream = in.readInt();
        in.readFully(new byte[length]);
        return type + "/" + stream + ":" + length;
    }
}
