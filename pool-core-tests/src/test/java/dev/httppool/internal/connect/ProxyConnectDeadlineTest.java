package dev.httppool.internal.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.httppool.ClientTrace;
import dev.httppool.ConnectMethodKey;
import dev.httppool.Dialer;
import dev.httppool.Headers;
import dev.httppool.Ticker;
import dev.httppool.TransportConfig;
import dev.httppool.TransportListener;
import dev.httppool.testing.ScriptServer;
import dev.httppool.testing.Tarpits;
import dev.httppool.testing.TestTls;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 11, item 3: the proxy's CONNECT exchange is bounded as a whole, not per read. A transport uses Go's fixed
 * minute; the connector takes a shorter deadline here so the test does not wait a minute.
 */
@Timeout(30)
class ProxyConnectDeadlineTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void aProxyTricklingItsConnectAnswerOneHeaderLineAtATimeFailsTheDialAtTheDeadlineAndIsClosed() throws Exception {
        // A header line every 50 ms: no single read waits long, so only a deadline on the whole exchange ends it.
        try (ScriptServer proxy = ScriptServer.start(Tarpits.tricklingConnectProxy(Duration.ofMillis(50)))) {
            TcpTlsConnector connector = new TcpTlsConnector(TransportConfig.defaults(), Dialer.tcp(Duration.ZERO),
                    TestTls.get().clientContext(), null, null, Headers.empty(), Ticker.system(),
                    Duration.ofMillis(300), TransportListener.NONE);
            ConnectMethodKey key = ConnectMethodKey.of(URI.create("https://example.test/"),
                    URI.create("http://user:s3cret@127.0.0.1:" + proxy.port()));

            long start = System.nanoTime();
            Throwable thrown = catchThrowable(() -> connector.connect(key, ClientTrace.NONE));
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            assertThat(thrown).isInstanceOf(SocketTimeoutException.class).hasMessage("proxy http://user:***@127.0.0.1:"
                    + proxy.port() + " did not answer CONNECT to example.test:443 within 300 ms");
            assertThat(tookMillis).as("bounded by the 300 ms deadline").isBetween(250L, WAIT.toMillis());
            assertThat(proxy.awaitOpenCount(0, WAIT)).as("the connection to the proxy was closed").isTrue();
            assertThat(proxy.requests()).extracting(ScriptServer.Request::method).containsExactly("CONNECT");
            proxy.assertNoHandlerErrors();
        }
    }
}
