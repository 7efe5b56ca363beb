package dev.httppool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.httppool.testing.ScriptServer;
import dev.httppool.testing.TestTls;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The listener hears the TCP connect and the TLS handshake of each dial apart, with their outcomes. */
@Timeout(60)
class TransportDialTimingEventsTest extends TransportTestSupport {

    private final List<String> events = new CopyOnWriteArrayList<>();
    private final TransportListener timings = new TransportListener() {
        @Override
        public void connected(ConnectMethodKey key, boolean success, long nanos) {
            events.add("connected " + key + " " + success + (nanos >= 0 ? "" : " negative"));
        }

        @Override
        public void tlsHandshake(ConnectMethodKey key, boolean success, long nanos) {
            events.add("tls " + key + " " + success + (nanos >= 0 ? "" : " negative"));
        }
    };

    @Test
    void anHttpsDialReportsItsConnectThenItsHandshakeOncePerConnection() throws Exception {
        ScriptServer server = closeLater(ScriptServer.startTls(ScriptServer.keepAlive(request -> "ok"),
                TestTls.get().serverContext()));
        Transport transport = transport(Transport.builder().sslContext(TestTls.get().clientContext())
                .listener(timings));

        get(transport, server.url("/1"));
        get(transport, server.url("/2"));

        String key = "|https|" + server.address();
        assertThat(events).containsExactly("connected " + key + " true", "tls " + key + " true");
    }

    @Test
    void aPlainHttpDialReportsItsConnectAndNoHandshake() throws Exception {
        ScriptServer server = server(ScriptServer.keepAlive(request -> "ok"));
        Transport transport = transport(Transport.builder().listener(timings));

        get(transport, server.url("/"));

        assertThat(events).containsExactly("connected |http|" + server.address() + " true");
    }

    @Test
    void aHandshakeTheClientRejectsIsReportedAsAFailedHandshakeAfterASuccessfulConnect() throws Exception {
        ScriptServer server = closeLater(ScriptServer.startTls(ScriptServer.keepAlive(request -> "unreachable"),
                TestTls.get().serverContext()));
        Transport transport = transport(Transport.builder().listener(timings)); // the JVM's trust store

        Throwable thrown = catchThrowable(() -> get(transport, server.url("/")));

        assertThat(thrown).isInstanceOf(javax.net.ssl.SSLException.class);
        String key = "|https|" + server.address();
        assertThat(events).containsExactly("connected " + key + " true", "tls " + key + " false");
    }

    @Test
    void aRefusedConnectIsReportedAsAFailedConnect() throws Exception {
        ScriptServer server = server(ScriptServer.keepAlive(request -> "ok"));
        String url = server.url("/");
        String address = server.address();
        server.close();
        Transport transport = transport(Transport.builder().listener(timings));

        Throwable thrown = catchThrowable(() -> get(transport, url));

        assertThat(thrown).isInstanceOf(java.io.IOException.class);
        assertThat(events).containsExactly("connected |http|" + address + " false");
    }
}
