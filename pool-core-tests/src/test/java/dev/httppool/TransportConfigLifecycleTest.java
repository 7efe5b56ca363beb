package dev.httppool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Validation and defaults of the connection lifecycle settings: a bad value names the setting, its rule and itself. */
class TransportConfigLifecycleTest {

    @Test
    void lifetimeAndRequestLimitsDefaultToNoLimit() {
        TransportConfig c = TransportConfig.defaults();

        assertThat(c.maxConnLifetime()).isZero();
        assertThat(c.maxConnLifetimeJitter()).isZero();
        assertThat(c.maxRequestsPerConn()).isZero();
    }

    @Test
    void aNegativeMaxConnLifetimeIsRefused() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> TransportConfig.builder().maxConnLifetime(Duration.ofSeconds(-1)).build())
                .withMessage("maxConnLifetime must be >= 0 (0 means no limit), was PT-1S");
    }

    @Test
    void aNegativeMaxConnLifetimeJitterIsRefused() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> TransportConfig.builder().maxConnLifetimeJitter(Duration.ofMillis(-5)).build())
                .withMessage("maxConnLifetimeJitter must be >= 0 (0 means none), was PT-0.005S");
    }

    @Test
    void aJitterNotShorterThanTheLifetimeIsRefused() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> TransportConfig.builder().maxConnLifetime(Duration.ofMinutes(5))
                        .maxConnLifetimeJitter(Duration.ofMinutes(5)).build())
                .withMessage("maxConnLifetimeJitter must be < maxConnLifetime (PT5M), was PT5M");
    }

    @Test
    void aJitterShorterThanTheLifetimeOrWithoutOneIsAccepted() {
        TransportConfig c = TransportConfig.builder().maxConnLifetime(Duration.ofMinutes(5))
                .maxConnLifetimeJitter(Duration.ofSeconds(30)).build();

        assertThat(c.maxConnLifetime()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.maxConnLifetimeJitter()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.toBuilder().build().maxConnLifetimeJitter()).isEqualTo(Duration.ofSeconds(30));
        assertThat(TransportConfig.builder().maxConnLifetimeJitter(Duration.ofSeconds(30)).build()
                .maxConnLifetimeJitter()).as("no lifetime: the jitter has nothing to shorten")
                .isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void aNegativeMaxRequestsPerConnIsRefused() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> TransportConfig.builder().maxRequestsPerConn(-1).build())
                .withMessage("maxRequestsPerConn must be >= 0 (0 means no limit), was -1");
    }

    @Test
    void theSnapshotShowsTheLifecycleSettings() {
        TransportConfig config = TransportConfig.builder().maxConnLifetime(Duration.ofMinutes(5))
                .maxConnLifetimeJitter(Duration.ofSeconds(30)).maxRequestsPerConn(1000).build();
        try (Transport transport = Transport.builder().config(config).build()) {
            PoolSnapshot.Settings s = transport.snapshot().settings();

            assertThat(s.maxConnLifetime()).isEqualTo(Duration.ofMinutes(5));
            assertThat(s.maxConnLifetimeJitter()).isEqualTo(Duration.ofSeconds(30));
            assertThat(s.maxRequestsPerConn()).isEqualTo(1000);
        }
    }
}
