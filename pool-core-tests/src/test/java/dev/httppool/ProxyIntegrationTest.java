package dev.httppool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.httppool.testing.ScriptServer;
import dev.httppool.testing.TestProxy;
import dev.httppool.testing.TestTls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Requests through a real forward proxy: absolute-form forwarding, CONNECT tunnels, Basic auth. */
class ProxyIntegrationTest {

    private ScriptServer upstream;
    private TestProxy proxy;
    private Transport transport;

    @AfterEach
    void cleanUp() throws IOException {
        if (transport != null) {
            PoolSnapshot.Totals t = transport.snapshot().totals();
            assertThat(t.active() + t.dialing() + t.waiting()).isZero();
            transport.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    private static String text(Response r) throws IOException {
        try (r) {
            return new String(r.body().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void httpTargetsGoThroughTheProxyInAbsoluteFormWithBasicCredentialsOnEveryRequest() throws Exception {
        upstream = ScriptServer.start(ScriptServer.keepAlive(req -> "hello " + req.target()));
        proxy = TestProxy.startWithAuth("alice", "s3cret");
        transport = Transport.builder().proxy(ProxyResolver.fixed(proxy.url("alice:s3cret"), null)).build();

        assertThat(text(transport.roundTrip(Request.get(upstream.url("/a"))))).isEqualTo("hello /a");
        assertThat(text(transport.roundTrip(Request.get(upstream.url("/b?q=1"))))).isEqualTo("hello /b?q=1");

        String expectedAuth = "Basic " + Base64.getEncoder().encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8));
        assertThat(proxy.requestLines()).containsExactly(
                "GET " + upstream.url("/a") + " HTTP/1.1", "GET " + upstream.url("/b?q=1") + " HTTP/1.1");
        assertThat(proxy.authorizations()).containsOnly(expectedAuth);
        assertThat(proxy.acceptedCount()).as("one pooled connection to the proxy").isEqualTo(1);
        PoolSnapshot.KeyStats key = transport.snapshot().keys().get(0);
        assertThat(key.key()).isEqualTo("http://alice:***@127.0.0.1:" + proxy.port() + "|http|");
        assertThat(key.address()).isEmpty();
        assertThat(transport.snapshot().toString()).doesNotContain("s3cret");
    }

    @Test
    void httpsTargetsTunnelThroughConnectAndTheTunnelIsPooled() throws Exception {
        upstream = ScriptServer.startTls(ScriptServer.keepAlive(req -> "secure " + req.target()),
                TestTls.get().serverContext());
        proxy = TestProxy.start();
        transport = Transport.builder().proxy(ProxyResolver.fixed(proxy.url(null), null))
                .sslContext(TestTls.get().clientContext()).build();
        String base = "https://127.0.0.1:" + upstream.port();

        for (int i = 0; i < 3; i++) {
            assertThat(text(transport.roundTrip(Request.get(base + "/" + i)))).isEqualTo("secure /" + i);
        }

        assertThat(proxy.connectCount()).isEqualTo(1);
        assertThat(proxy.requestLines()).containsExactly("CONNECT 127.0.0.1:" + upstream.port() + " HTTP/1.1");
        assertThat(upstream.requests()).extracting(ScriptServer.Request::connectionId).containsOnly(1);
        assertThat(transport.snapshot().keys()).extracting(PoolSnapshot.KeyStats::key)
                .containsExactly("http://127.0.0.1:" + proxy.port() + "|https|127.0.0.1:" + upstream.port());
    }

    @Test
    void proxyRefusingConnectGivesAClearErrorWithTheStatusAndNoCredentials() throws Exception {
        upstream = ScriptServer.startTls(ScriptServer.keepAlive(req -> "x"), TestTls.get().serverContext());
        proxy = TestProxy.startWithAuth("alice", "right");
        transport = Transport.builder().proxy(ProxyResolver.fixed(proxy.url("alice:wrong"), null))
                .sslContext(TestTls.get().clientContext()).build();

        assertThatThrownBy(() -> transport.roundTrip(Request.get("https://127.0.0.1:" + upstream.port() + "/")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("407 Proxy Authentication Required")
                .hasMessageContaining("alice:***@")
                .hasMessageNotContaining("wrong");
        assertThat(transport.snapshot().totals().connections()).isZero();
        assertThat(transport.snapshot().stats().dialFailures()).isEqualTo(1);
    }

    @Test
    void plainHttpProxyAnswering407ReachesTheCallerAsAResponse() throws Exception {
        upstream = ScriptServer.start(ScriptServer.keepAlive(req -> "x"));
        proxy = TestProxy.startWithAuth("alice", "right");
        transport = Transport.builder().proxy(ProxyResolver.fixed(proxy.url(null), null)).build();

        try (Response r = transport.roundTrip(Request.get(upstream.url("/")))) {
            assertThat(r.status()).isEqualTo(407);
        }
        assertThat(proxy.authorizations()).containsExactly("-");
    }

    @Test
    void noProxyTargetsConnectDirectly() throws Exception {
        upstream = ScriptServer.start(ScriptServer.keepAlive(req -> "direct"));
        proxy = TestProxy.start();
        transport = Transport.builder().proxy(ProxyResolver.fixed(proxy.url(null), "127.0.0.1")).build();

        assertThat(text(transport.roundTrip(Request.get(upstream.url("/"))))).isEqualTo("direct");

        assertThat(proxy.acceptedCount()).isZero();
        assertThat(transport.snapshot().keys().get(0).key()).isEqualTo("|http|" + upstream.address());
    }

    @Test
    void unreachableProxyFailsNamingTheProxyWithoutItsPassword() throws Exception {
        proxy = TestProxy.start();
        int deadPort = proxy.port();
        proxy.close();
        proxy = null;
        transport = Transport.builder()
                .proxy(ProxyResolver.fixed("http://bob:hunter2@127.0.0.1:" + deadPort, null)).build();

        assertThatThrownBy(() -> transport.roundTrip(Request.get("http://example.invalid/")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("proxyconnect")
                .hasMessageContaining("bob:***@")
                .hasMessageNotContaining("hunter2");
    }
}
