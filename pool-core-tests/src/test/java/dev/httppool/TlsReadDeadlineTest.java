package dev.httppool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.httppool.testing.Async;
import dev.httppool.testing.ScriptServer;
import dev.httppool.testing.TestTls;
import dev.httppool.testing.TricklingRelay;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Read deadlines hold over TLS as a whole: the JDK's TLS socket waits its timeout for each piece of a record, so
 * a server trickling the bytes of one record would stretch a single read without end; the transport closes the
 * connection at the deadline instead.
 */
@Timeout(60)
class TlsReadDeadlineTest extends TransportTestSupport {

    @Test
    void aResponseHeaderTimeoutHoldsWhenTheServerTricklesTheBytesOfItsTlsRecords() throws Exception {
        String body = "x".repeat(2000); // one TLS record of about 2 KB: about 40 s at one byte every 20 ms
        ScriptServer server = closeLater(ScriptServer.startTls(conn -> {
            ((SSLSocket) conn.socket()).startHandshake();
            ScriptServer.keepAlive(request -> body).handle(conn);
        }, TestTls.get().serverContext()));
        TricklingRelay relay = closeLater(TricklingRelay.start(server.port()));
        Dialer tcp = Dialer.tcp(Duration.ZERO);
        Transport transport = transport(Transport.builder()
                .dialer((host, port, timeout) -> tcp.dial("127.0.0.1", relay.port(), timeout))
                .sslContext(TestTls.get().clientContext())
                .config(TransportConfig.builder().responseHeaderTimeout(Duration.ofMillis(300)).build()));
        assertThat(get(transport, server.url("/first"))).isEqualTo(body);

        relay.trickle(Duration.ofMillis(20));
        long start = System.nanoTime();
        CompletableFuture<String> second = CompletableFuture.supplyAsync(() -> {
            try {
                return get(transport, server.url("/second"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, Async.THREADS);

        Throwable failure = null;
        try {
            second.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            failure = e.getCause().getCause();
        }
        assertThat(failure).isInstanceOf(SocketTimeoutException.class)
                .hasMessageContaining("timeout awaiting response headers");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5_000);
        assertThat(transport.snapshot().totals().connections()).isZero();
    }
}
