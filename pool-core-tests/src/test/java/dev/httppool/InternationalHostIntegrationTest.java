package dev.httppool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.httppool.testing.ScriptServer;
import dev.httppool.testing.TestTls;
import java.io.IOException;
import java.net.IDN;
import java.net.URI;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.StandardConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Requests to an internationalised domain name ({@code гофер.го}): the pool key, the dial, the {@code Host}
 * header and the TLS server name all carry its punycode. A dialer that connects to a loopback server whatever
 * the host keeps everything on this machine.
 */
@Timeout(60)
class InternationalHostIntegrationTest extends TransportTestSupport {

    private static final String PUNYCODE = "xn--c1ae0ajs.xn--c1aw";

    private final List<String> dialed = new CopyOnWriteArrayList<>();

    /** Records the address it was asked for and connects to {@code server} instead. */
    private Dialer loopbackTo(ScriptServer server) {
        return (host, port, timeout) -> {
            dialed.add(host + ":" + port);
            SocketChannel channel = Dialer.tcp(Duration.ZERO).dial("127.0.0.1", server.port(), timeout);
            return channel;
        };
    }

    @Test
    void thePunycodeInTheseTestsIsTheJdks() {
        assertThat(IDN.toASCII("гофер.го")).isEqualTo(PUNYCODE);
    }

    @Test
    void aRequestToAnInternationalHostUsesPunycodeForKeyDialAndHostHeader() throws Exception {
        ScriptServer server = server(ScriptServer.keepAlive(request -> "Host: " + request.header("Host")));
        Transport transport = transport(Transport.builder().dialer(loopbackTo(server)));

        Request request = Request.get("http://гофер.го:8080/x");
        assertThat(request.uri()).isEqualTo(URI.create("http://" + PUNYCODE + ":8080/x"));
        assertThat(transport.keyFor(request.uri()).address()).isEqualTo(PUNYCODE + ":8080");

        assertThat(readToEof(transport.roundTrip(request))).isEqualTo("Host: " + PUNYCODE + ":8080");
        assertThat(readToEof(transport.roundTrip(Request.builder("http://ГОФЕР.го:8080/y").build())))
                .isEqualTo("Host: " + PUNYCODE + ":8080");

        assertThat(dialed).containsExactly(PUNYCODE + ":8080");
        assertThat(connectionIds(server)).as("both requests share one pooled connection").containsExactly(1, 1);
        assertThat(transport.snapshot().key("|http|" + PUNYCODE + ":8080").idle()).isEqualTo(1);
        server.assertNoHandlerErrors();
    }

    @Test
    void aUriWhoseInternationalHostTheJdkKeptOnlyInTheAuthorityIsAcceptedToo() throws Exception {
        ScriptServer server = server(ScriptServer.keepAlive(request -> "Host: " + request.header("Host")));
        Transport transport = transport(Transport.builder().dialer(loopbackTo(server)));
        URI unread = URI.create("http://гофер.го/");
        assertThat(unread.getHost()).isNull();

        assertThat(readToEof(transport.roundTrip(Request.builder(unread).build()))).isEqualTo("Host: " + PUNYCODE);
        assertThat(dialed).containsExactly(PUNYCODE + ":80");
    }

    @Test
    void tlsSendsThePunycodeAsServerNameAndVerifiesTheCertificateAgainstIt() throws Exception {
        List<String> serverNames = new CopyOnWriteArrayList<>();
        ScriptServer server = closeLater(ScriptServer.startTls(conn -> {
            SSLSocket socket = (SSLSocket) conn.socket();
            SSLParameters params = socket.getSSLParameters();
            params.setSNIMatchers(List.of(new RecordingMatcher(serverNames)));
            socket.setSSLParameters(params);
            conn.readRequest(); // runs the handshake, which the client aborts
        }, TestTls.get().serverContext()));
        Transport transport = transport(Transport.builder().dialer(loopbackTo(server))
                .sslContext(TestTls.get().clientContext()));

        Throwable thrown = catchThrowable(() -> transport.roundTrip(Request.get("https://гофер.го:8443/")));

        assertThat(serverNames).containsExactly(PUNYCODE);
        assertThat(thrown).as("the test certificate names localhost only").isInstanceOf(IOException.class)
                .hasStackTraceContaining(PUNYCODE);
        assertThat(dialed).containsExactly(PUNYCODE + ":8443");
    }

    /** Accepts every server name and records it. */
    private static final class RecordingMatcher extends SNIMatcher {
        private final List<String> names;

        RecordingMatcher(List<String> names) {
            super(StandardConstants.SNI_HOST_NAME);
            this.names = names;
        }

        @Override
        public boolean matches(SNIServerName name) {
            names.add(((SNIHostName) name).getAsciiName());
            return true;
        }
    }
}
