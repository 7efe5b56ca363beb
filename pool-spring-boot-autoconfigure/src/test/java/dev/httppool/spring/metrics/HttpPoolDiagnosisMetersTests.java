package dev.httppool.spring.metrics;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.httppool.ConnWaitTimeoutException;
import dev.httppool.PoolExhaustedException;
import dev.httppool.Request;
import dev.httppool.Response;
import dev.httppool.Transport;
import dev.httppool.TransportConfig;
import dev.httppool.spring.HttpPoolTransports;
import dev.httppool.testing.Async;
import dev.httppool.testing.TestServer;
import dev.httppool.testing.TestTls;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The diagnosis meters: dial and TLS timers, the time queued at max-conns-per-host and rejected requests. */
class HttpPoolDiagnosisMetersTests {

    private final MeterRegistry registry = new SimpleMeterRegistry();
    private TestServer server;
    private Transport transport;
    private HttpPoolMeterBinder binder;

    @AfterEach
    void stop() {
        if (binder != null) {
            binder.close();
        }
        if (transport != null) {
            transport.close();
        }
        server.close();
    }

    private void bind(Transport.Builder builder) {
        transport = builder.build();
        binder = new HttpPoolMeterBinder(new HttpPoolTransports(transport, transport, null,
                (shared, dialTimeout, ssl) -> { throw new UnsupportedOperationException(); }), true);
        binder.bindTo(registry);
    }

    @Test
    void timesTheConnectAndTheTlsHandshakeOfEachDialPerKeyAndOutcome() throws Exception {
        server = TestServer.startHttps();
        server.text("/hello", "hi");
        bind(Transport.builder().sslContext(TestTls.get().clientContext()));
        get(server.url("/hello"));
        get(server.url("/hello"));

        String key = "|https|" + server.address();
        assertThat(registry.get("http.pool.dial.duration").tags("key", key, "outcome", "success").timer().count())
                .isEqualTo(1);
        assertThat(registry.get("http.pool.tls.duration").tags("key", key, "outcome", "success").timer().count())
                .isEqualTo(1);
    }

    @Test
    void aRejectedHandshakeIsTimedWithOutcomeFailure() throws Exception {
        server = TestServer.startHttps();
        server.text("/hello", "hi");
        bind(Transport.builder()); // the JVM's trust store does not trust the test certificate

        assertThat(catchThrowable(() -> get(server.url("/hello")))).isInstanceOf(IOException.class);

        String key = "|https|" + server.address();
        assertThat(registry.get("http.pool.tls.duration").tags("key", key, "outcome", "failure").timer().count())
                .isEqualTo(1);
        assertThat(registry.get("http.pool.dial.duration").tags("key", key, "outcome", "success").timer().count())
                .isEqualTo(1);
    }

    @Test
    void countsARequestRefusedAtMaxWaitingPerHostAndTimesTheQueuedOnesWait() throws Exception {
        server = TestServer.start();
        server.text("/hello", "hi");
        bind(Transport.builder().config(TransportConfig.builder().maxConnsPerHost(1).maxWaitingPerHost(1).build()));
        String key = "|http|" + server.address();

        Response held = transport.roundTrip(Request.get(server.url("/hello")));
        CompletableFuture<Void> queued = CompletableFuture.runAsync(() -> {
            try {
                get(server.url("/hello"));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }, Async.THREADS);
        awaitWaiting(1);
        Throwable refused = catchThrowable(() -> get(server.url("/hello")));
        held.body().readAllBytes();
        held.close();
        queued.get(5, SECONDS);

        assertThat(refused).isInstanceOf(PoolExhaustedException.class);
        assertThat(registry.get("http.pool.rejected").tags("key", key, "reason", "max-waiting").counter().count())
                .isEqualTo(1);
        assertThat(registry.get("http.pool.wait.duration").tags("key", key).timer().count()).isEqualTo(1);
    }

    @Test
    void countsARequestThatTimedOutWaitingAtMaxConnsPerHost() throws Exception {
        server = TestServer.start();
        server.text("/hello", "hi");
        bind(Transport.builder().config(TransportConfig.builder().maxConnsPerHost(1)
                .connWaitTimeout(Duration.ofMillis(100)).build()));
        String key = "|http|" + server.address();

        try (Response held = transport.roundTrip(Request.get(server.url("/hello")))) {
            assertThat(catchThrowable(() -> get(server.url("/hello")))).isInstanceOf(ConnWaitTimeoutException.class);
            held.body().readAllBytes();
        }

        assertThat(registry.get("http.pool.rejected").tags("key", key, "reason", "wait-timeout").counter().count())
                .isEqualTo(1);
        assertThat(registry.get("http.pool.wait.duration").tags("key", key).timer().count()).isEqualTo(1);
        assertThat(registry.find("http.pool.rejected").tags("reason", "max-waiting").counter()).isNull();
    }

    private void awaitWaiting(int n) {
        await().atMost(Duration.ofSeconds(5)).until(() -> transport.snapshot().totals().waiting() >= n);
    }

    private void get(String url) throws IOException {
        try (Response response = transport.roundTrip(Request.get(url))) {
            response.body().readAllBytes();
        }
    }
}
