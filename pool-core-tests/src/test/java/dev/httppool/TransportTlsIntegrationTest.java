package dev.httppool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.httppool.testing.RecordingListener;
import dev.httppool.testing.ScriptServer;
import dev.httppool.testing.TestTls;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Go §3.1, §3.6 and §5 #13 (https), #27, #46: https connections, trust, and the handshake timeout. */
@Timeout(60)
class TransportTlsIntegrationTest extends TransportTestSupport {

    private ScriptServer tlsServer(ScriptServer.Handler handler) {
        return closeLater(ScriptServer.startTls(handler, TestTls.get().serverContext()));
    }

    private Transport trustingTransport(TransportConfig config) {
        return transport(Transport.builder().config(config).sslContext(TestTls.get().clientContext()));
    }

    @Test
    void httpsWithTheTestCertificateWorksAndReusesTheConnectionWithOneHandshake() throws Exception {
        ScriptServer server = tlsServer(ScriptServer.keepAlive(request -> "secure " + request.target()));
        Transport transport = trustingTransport(TransportConfig.defaults());
        RecordingListener first = new RecordingListener();
        RecordingListener second = new RecordingListener();

        Response r1 = transport.roundTrip(Request.builder(server.url("/1")).trace(first).build());
        assertThat(readToEof(r1)).isEqualTo("secure /1");
        Response r2 = transport.roundTrip(Request.builder(server.url("/2")).trace(second).build());
        assertThat(readToEof(r2)).isEqualTo("secure /2");

        assertThat(server.url("/")).startsWith("https://127.0.0.1:");
        assertThat(connectionIds(server)).containsExactly(1, 1);
        assertThat(first.events()).contains("tlsHandshakeStart", "tlsHandshakeDone ok",
                "gotConn reused=false wasIdle=false");
        assertThat(second.events()).doesNotContain("tlsHandshakeStart")
                .contains("gotConn reused=true wasIdle=true");
        assertThat(transport.snapshot().key("|https|" + server.address()).idle()).isEqualTo(1);
        assertThat(transport.snapshot().key("|http|" + server.address())).isNull();
        server.assertNoHandlerErrors();
    }

    @Test
    void httpsToAServerTheJvmDoesNotTrustFailsTheHandshakeAndPoolsNothing() throws Exception {
        ScriptServer server = tlsServer(ScriptServer.keepAlive(request -> "unreachable"));
        Transport transport = transport(TransportConfig.defaults()); // the JVM's default trust store
        RecordingListener trace = new RecordingListener();

        Throwable thrown = catchThrowable(
                () -> transport.roundTrip(Request.builder(server.url("/")).trace(trace).build()));

        assertThat(thrown).isInstanceOf(IOException.class);
        assertThat(thrown).isInstanceOf(javax.net.ssl.SSLException.class);
        assertThat(trace.events()).contains("tlsHandshakeStart", "tlsHandshakeDone error")
                .noneMatch(e -> e.startsWith("gotConn"));
        assertThat(transport.snapshot().stats().dialFailures()).isEqualTo(1);
        assertThat(transport.snapshot().stats().dials()).isZero();
        assertThat(transport.snapshot().keys()).isEmpty();
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void aServerThatNeverAnswersTheHandshakeFailsWithAHandshakeTimeoutAndTheSocketIsClosed() throws Exception {
        CountDownLatch peerClosed = new CountDownLatch(1);
        // A plain TCP server: it swallows the ClientHello and never answers.
        ScriptServer server = server(conn -> {
            byte[] discard = new byte[4096];
            conn.socket().setSoTimeout((int) WAIT.toMillis() * 2);
            try {
                while (conn.in().read(discard) >= 0) {
                    // keep swallowing
                }
                peerClosed.countDown();
            } catch (IOException reset) {
                peerClosed.countDown();
            }
        });
        Transport transport = trustingTransport(TransportConfig.builder()
                .tlsHandshakeTimeout(Duration.ofMillis(300)).build());

        long start = System.nanoTime();
        Throwable thrown = catchThrowable(
                () -> transport.roundTrip(Request.get("https://" + server.address() + "/")));
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(thrown).isInstanceOf(SocketTimeoutException.class).hasMessageContaining("handshake");
        assertThat(tookMillis).isBetween(250L, 4_000L);
        await(peerClosed, "the server to see the connection closed");
        assertThat(transport.snapshot().stats().dialFailures()).isEqualTo(1);
        assertThat(transport.snapshot().keys()).isEmpty();
    }

    @Test
    void whenATlsServerClosesAnIdleConnectionTheNextRequestUsesANewOne() throws Exception {
        ScriptServer server = tlsServer(ScriptServer.keepAliveResponding((conn, request) -> {
            conn.respond(200, "ok " + request.target());
            if (conn.id() == 1) {
                conn.close(); // close_notify, then FIN, with no Connection: close header
            }
        }));
        Transport transport = trustingTransport(TransportConfig.defaults());

        assertThat(get(transport, server.url("/a"))).isEqualTo("ok /a");
        assertThat(get(transport, server.url("/b"))).isEqualTo("ok /b");

        assertThat(connectionIds(server)).containsExactly(1, 2);
        awaitTrue("connection 1 dropped from the pool",
                () -> transport.snapshot().totals().connections() == 1);
        assertThat(transport.snapshot().stats().dials()).isEqualTo(2);
    }

    @Test
    void aTlsConnectionTheServerClosedWhileIdleIsDroppedInTheBackground() throws Exception {
        ScriptServer server = tlsServer(ScriptServer.keepAliveResponding((conn, request) -> {
            conn.respond(200, "ok");
            conn.close();
        }));
        Transport transport = trustingTransport(TransportConfig.defaults());

        assertThat(get(transport, server.url("/"))).isEqualTo("ok");
        awaitTrue("dead TLS connection dropped", () -> transport.snapshot().totals().connections() == 0,
                Duration.ofSeconds(3));
        assertThat(closed(transport, CloseReason.SERVER_CLOSED)).isEqualTo(1);
    }
}
