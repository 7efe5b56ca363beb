package dev.httppool.spring.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

import dev.httppool.Request;
import dev.httppool.Response;
import dev.httppool.Transport;
import dev.httppool.TransportConfig;
import dev.httppool.spring.HttpPoolTransports;
import dev.httppool.testing.Loopback;
import dev.httppool.testing.TestServer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpPoolMeterBinderTests {

    private final MeterRegistry registry = new SimpleMeterRegistry();
    private TestServer server;
    private Transport transport;
    private HttpPoolMeterBinder binder;
    private String key;

    @BeforeEach
    void start() throws IOException {
        server = TestServer.start();
        server.text("/hello", "hi");
        transport = Transport.builder().build();
        key = "|http|" + server.address();
    }

    @AfterEach
    void stop() {
        if (binder != null) {
            binder.close();
        }
        transport.close();
        server.close();
    }

    @Test
    void countsDialsAndTimesAcquiresPerKey() throws Exception {
        bind(true);
        get(server.url("/hello"));
        get(server.url("/hello"));
        assertThat(registry.get("http.pool.dials").tags("key", key, "outcome", "success").counter().count())
                .isEqualTo(1);
        assertThat(registry.get("http.pool.acquire").tags("key", key, "reused", "false").timer().count())
                .isEqualTo(1);
        assertThat(registry.get("http.pool.acquire").tags("key", key, "reused", "true").timer().count())
                .isEqualTo(1);
    }

    @Test
    void registersTheGaugesOfAKeyWhenItAppearsAndRemovesThemWhenItGoesAway() throws Exception {
        bind(true);
        assertThat(registry.find("http.pool.connections").gauges()).isEmpty();
        get(server.url("/hello"));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(gauge("http.pool.connections", "key", key, "state", "idle")).isEqualTo(1);
            assertThat(gauge("http.pool.connections", "key", key, "state", "active")).isZero();
            assertThat(gauge("http.pool.connections", "key", key, "state", "dialing")).isZero();
            assertThat(gauge("http.pool.waiting", "key", key)).isZero();
        });
        assertThat(transport.closeIdleConnections()).isEqualTo(1);
        assertThat(registry.get("http.pool.closed").tags("key", key, "reason", "close-idle").counter().count())
                .isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(registry.find("http.pool.connections").gauges()).isEmpty();
            assertThat(registry.find("http.pool.waiting").gauges()).isEmpty();
        });
    }

    @Test
    void registersGaugesForKeysAlreadyInThePool() throws Exception {
        get(server.url("/hello"));
        bind(true);
        assertThat(gauge("http.pool.connections", "key", key, "state", "idle")).isEqualTo(1);
    }

    @Test
    void showsAConnectionInUseAsActive() throws Exception {
        bind(true);
        try (Response response = transport.roundTrip(Request.get(server.url("/hello")))) {
            await().atMost(Duration.ofSeconds(5)).untilAsserted(
                    () -> assertThat(gauge("http.pool.connections", "key", key, "state", "active")).isEqualTo(1));
            response.body().readAllBytes();
        }
    }

    @Test
    void countsLeaksByDetectionThresholdAndUnreachable() throws Exception {
        transport.close();
        transport = Transport.builder().config(TransportConfig.builder()
                .leakDetectionThreshold(Duration.ofMillis(1)).build()).build();
        bind(true);
        try (Response response = transport.roundTrip(Request.get(server.url("/hello")))) {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(registry.find("http.pool.leaks")
                    .tags("key", key, "detection", "threshold").counter()).isNotNull());
            response.body().readAllBytes();
        }
        dropUnread(server.url("/hello"));
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            System.gc();
            assertThat(registry.find("http.pool.leaks").tags("key", key, "detection", "unreachable").counter())
                    .isNotNull();
        });
        assertThat(registry.get("http.pool.leaks").tags("key", key, "detection", "unreachable").counter().count())
                .isEqualTo(1);
        assertThat(registry.get("http.pool.closed").tags("key", key, "reason", "broken").counter().count())
                .isEqualTo(1);
    }

    /** A request whose response is forgotten without reading or closing its body. */
    private void dropUnread(String url) throws IOException {
        assertThat(transport.roundTrip(Request.get(url)).status()).isEqualTo(200);
    }

    @Test
    void countsFailedDials() throws Exception {
        bind(true);
        int port = Loopback.closedPort();
        assertThatExceptionOfType(IOException.class).isThrownBy(() -> get("http://127.0.0.1:" + port + "/"));
        assertThat(registry.get("http.pool.dials").tags("key", "|http|127.0.0.1:" + port, "outcome", "failure")
                .counter().count()).isEqualTo(1);
    }

    @Test
    void dropsTheKeyTagWhenNotPerKey() throws Exception {
        bind(false);
        get(server.url("/hello"));
        get(server.url("/hello"));
        assertThat(registry.getMeters()).allSatisfy((meter) -> assertThat(meter.getId().getTag("key")).isNull());
        assertThat(registry.get("http.pool.dials").tags("outcome", "success").counter().count()).isEqualTo(1);
        assertThat(registry.get("http.pool.acquire").tags("reused", "true").timer().count()).isEqualTo(1);
        assertThat(gauge("http.pool.connections", "state", "idle")).isEqualTo(1);
        assertThat(gauge("http.pool.waiting")).isZero();
        transport.closeIdleConnections();
        assertThat(registry.get("http.pool.closed").tags("reason", "close-idle").counter().count()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(gauge("http.pool.connections", "state", "idle")).isZero());
    }

    @Test
    void sumsTheGaugesAndCountsTheEventsOfEveryTransportIncludingOnesMadeAfterBinding() throws Exception {
        try (HttpPoolTransports transports = transports()) {
            binder = new HttpPoolMeterBinder(transports, false);
            binder.bindTo(registry);
            get(server.url("/hello"));
            Transport second = (Transport) transports.roundTripper(Duration.ofSeconds(7), null);
            try (Response response = second.roundTrip(Request.get(server.url("/hello")))) {
                response.body().readAllBytes();
            }
            await().atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(gauge("http.pool.connections", "state", "idle")).isEqualTo(2));
            assertThat(registry.get("http.pool.dials").tags("outcome", "success").counter().count()).isEqualTo(2);
        }
    }

    @Test
    void stopsListeningWhenClosed() throws Exception {
        bind(true);
        binder.close();
        get(server.url("/hello"));
        assertThat(registry.find("http.pool.dials").counters()).isEmpty();
    }

    private void bind(boolean perKey) {
        binder = new HttpPoolMeterBinder(transports(), perKey);
        binder.bindTo(registry);
    }

    /** The test's transport as the shared one; other connect timeouts get a plain transport of their own. */
    private HttpPoolTransports transports() {
        return new HttpPoolTransports(transport, transport, null, (shared, dialTimeout, ssl) -> Transport.builder()
                .config(shared.config().toBuilder().dialTimeout(dialTimeout).build()).build());
    }

    private double gauge(String name, String... tags) {
        Gauge gauge = registry.find(name).tags(tags).gauge();
        assertThat(gauge).as("gauge %s %s", name, List.of(tags)).isNotNull();
        return gauge.value();
    }

    private void get(String url) throws IOException {
        try (Response response = transport.roundTrip(Request.get(url))) {
            response.body().readAllBytes();
        }
    }
}
