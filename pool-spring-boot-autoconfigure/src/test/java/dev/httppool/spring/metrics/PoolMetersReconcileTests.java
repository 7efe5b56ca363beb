package dev.httppool.spring.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.httppool.Request;
import dev.httppool.Response;
import dev.httppool.Transport;
import dev.httppool.testing.TestServer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The per-key gauges follow the keys of the pool, and never go away while their key is still there. */
class PoolMetersReconcileTests {

    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final TestServer server = TestServer.start().text("/hello", "hi");
    private final Transport transport = Transport.builder().build();

    @AfterEach
    void stop() {
        transport.close();
        server.close();
    }

    @Test
    void aKeyThatComesBackWhileItsGaugesAreBeingRemovedKeepsItsGauges() throws Exception {
        try (Response response = transport.roundTrip(Request.get(server.url("/hello")))) {
            response.body().readAllBytes();
        }
        String key = "|http|" + server.address();
        Queue<Runnable> reconciles = new ArrayDeque<>();
        AtomicBoolean raceOnce = new AtomicBoolean();
        PoolMeters[] meters = new PoolMeters[1];
        // The reconcile's first look sees the key gone; its connection is back (and says so) before the removal.
        PoolCounts counts = new PoolCounts(() -> {
            if (raceOnce.compareAndSet(true, false)) {
                meters[0].acquired(transport.keyFor(URI.create(server.url("/"))), true, 0);
                return List.of();
            }
            return List.of(transport);
        });
        meters[0] = new PoolMeters(registry, counts, true, reconciles::add);
        meters[0].start();
        assertThat(idleGauge(key)).isNotNull();

        raceOnce.set(true);
        meters[0].reconcile();
        while (!reconciles.isEmpty()) {
            reconciles.poll().run();
        }

        assertThat(transport.snapshot().key(key).idle()).isEqualTo(1);
        assertThat(idleGauge(key)).as("the key is still in the pool").isNotNull();
        assertThat(idleGauge(key).value()).isEqualTo(1);
    }

    private Gauge idleGauge(String key) {
        return registry.find("http.pool.connections").tags("key", key, "state", "idle").gauge();
    }
}
