package dev.httppool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.httppool.testing.Async;
import dev.httppool.testing.Http2TestServer;
import dev.httppool.testing.TestProxy;
import dev.httppool.testing.TestTls;
import dev.httppool.testing.TinyProxy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * HTTP/2 through an {@code http://} CONNECT proxy (issue 14): TLS and ALPN run inside the tunnel, so the server's
 * choice of {@code h2} holds as without a proxy, and one tunnel carries every concurrent request as a stream. Against
 * the tests' own proxy, and against Debian's tinyproxy when installed.
 */
@Timeout(60)
class Http2ProxyTest extends TransportTestSupport {

    private static final int CONCURRENT = 8;

    private static String body(Response r) throws IOException {
        try (r) {
            return r.protocol() + " " + new String(r.body().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void concurrentRequestsThroughAConnectProxyNegotiateH2InTheTunnelAndShareIt() throws Exception {
        Http2TestServer server = closeLater(Http2TestServer.start());
        TestProxy proxy = closeLater(TestProxy.start());

        multiplexesThroughOneTunnel(server, proxy.url(null), proxy.port(), proxy::connectCount);

        assertThat(proxy.requestLines()).containsExactly("CONNECT 127.0.0.1:" + server.port() + " HTTP/1.1");
    }

    @Test
    void concurrentRequestsThroughTinyproxyNegotiateH2InTheTunnelAndShareIt() throws Exception {
        assumeTrue(TinyProxy.available(), "tinyproxy is not installed");
        Http2TestServer server = closeLater(Http2TestServer.start());
        TinyProxy proxy = closeLater(TinyProxy.start(server.port()));

        multiplexesThroughOneTunnel(server, proxy.url(), proxy.port(), proxy::connectCount);
    }

    /**
     * A cold burst of {@link #CONCURRENT} requests, held by the server all at once, then one more: with one connection
     * allowed per key, a single CONNECT carries them all, spoken in HTTP/2, and the pool's views say so.
     */
    private void multiplexesThroughOneTunnel(Http2TestServer server, String proxyUrl, int proxyPort,
            LongSupplier connects) throws Exception {
        Transport transport = transport(Transport.builder().sslContext(TestTls.get().clientContext())
                .proxy(ProxyResolver.fixed(proxyUrl, ""))
                .config(TransportConfig.builder().maxConnsPerHost(1).build()));
        String key = "http://127.0.0.1:" + proxyPort + "|https|127.0.0.1:" + server.port();

        List<CompletableFuture<String>> results = new ArrayList<>();
        for (int i = 0; i < CONCURRENT; i++) {
            results.add(CompletableFuture.supplyAsync(() -> call(transport, server.url("/hold")), Async.THREADS));
        }
        awaitTrue(CONCURRENT + " requests held by the server at once",
                () -> server.holding() == CONCURRENT, java.time.Duration.ofSeconds(15));

        PoolSnapshot.KeyStats during = transport.snapshot().key(key);
        assertThat(during.connections()).isEqualTo(1);
        assertThat(during.activeConnections()).singleElement().satisfies(c -> {
            assertThat(c.protocol()).isEqualTo("h2");
            assertThat(c.streams()).isEqualTo(CONCURRENT);
        });
        server.release();
        for (CompletableFuture<String> f : results) {
            assertThat(f.get(5, TimeUnit.SECONDS)).isEqualTo("HTTP/2.0 held");
        }
        assertThat(call(transport, server.url("/protocol"))).isEqualTo("HTTP/2.0 HTTP/2.0");

        awaitTrue("the tunnel idle again", () -> transport.snapshot().key(key).idle() == 1);
        assertThat(transport.snapshot().key(key).idleConnections()).singleElement()
                .satisfies(c -> assertThat(c.protocol()).isEqualTo("h2"));
        assertThat(connects.getAsLong()).as("CONNECT requests the proxy saw").isEqualTo(1);
        assertThat(server.connectionsSeen()).isEqualTo(1);
        assertThat(server.requests()).isEqualTo(CONCURRENT + 1);
    }

    private static String call(Transport transport, String url) {
        try {
            return body(transport.roundTrip(Request.get(url)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
