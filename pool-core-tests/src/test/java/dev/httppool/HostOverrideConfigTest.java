package dev.httppool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The checks of a {@link HostOverride} and of its place in a {@link TransportConfig}. */
class HostOverrideConfigTest {

    @Test
    void anEntryLeavesEverySettingUnsetUntilItSetsOne() {
        HostOverride o = HostOverride.builder(" *.internal ").build();
        assertThat(o.match()).isEqualTo("*.internal");
        assertThat(o.maxConnsPerHost()).isNull();
        assertThat(o.maxIdleConnsPerHost()).isNull();
        assertThat(o.idleConnTimeout()).isNull();
        assertThat(o.leaseStrategy()).isNull();
        assertThat(o.minIdle()).isZero();
        assertThat(o).hasToString("HostOverride{match=*.internal}");
    }

    @Test
    void aBadMatchIsRefusedNamingTheForms() {
        assertThatIllegalArgumentException().isThrownBy(() -> HostOverride.builder("ftp://x").build())
                .withMessageStartingWith("match must be host, host:port, *.domain or scheme://host[:port]");
    }

    @Test
    void aNegativeValueIsRefusedWithTheCoresWording() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> HostOverride.builder("a.test").maxConnsPerHost(-1).build())
                .withMessage("maxConnsPerHost must be >= 0 (0 means no limit), was -1");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> HostOverride.builder("a.test").idleConnTimeout(Duration.ofSeconds(-1)).build())
                .withMessage("idleConnTimeout must be >= 0 (0 means forever), was PT-1S");
        assertThat(HostOverride.builder("a.test").maxIdleConnsPerHost(TransportConfig.AUTO_IDLE_CONNS_PER_HOST)
                .build().maxIdleConnsPerHost()).isEqualTo(-1);
    }

    @Test
    void minIdleNeedsABaseUrlMatch() {
        assertThatIllegalArgumentException().isThrownBy(() -> HostOverride.builder("*.internal").minIdle(1).build())
                .withMessage("minIdle needs a match in base-URL form scheme://host[:port] (a target to dial), "
                        + "was 1 with match '*.internal'");
        assertThat(HostOverride.builder("https://api.example.com").minIdle(1).build().minIdle()).isEqualTo(1);
    }

    @Test
    void minIdleMayNotExceedTheEntrysOrTheGlobalMaxConnsPerHost() {
        assertThatIllegalArgumentException().isThrownBy(
                () -> HostOverride.builder("http://a.test").minIdle(3).maxConnsPerHost(2).build())
                .withMessage("minIdle must be <= maxConnsPerHost (2), was 3");
        HostOverride warm = HostOverride.builder("http://a.test").minIdle(3).build();
        assertThatIllegalArgumentException().isThrownBy(
                () -> TransportConfig.builder().maxConnsPerHost(2).hosts(List.of(warm)).build())
                .withMessage("hosts[0].minIdle must be <= maxConnsPerHost (2), was 3");
    }

    @Test
    void theEntriesMinIdleMustFitUnderMaxIdleConnsAndNeedKeepAlives() {
        List<HostOverride> hosts = List.of(HostOverride.builder("http://a.test").minIdle(3).build(),
                HostOverride.builder("http://b.test").minIdle(3).build());
        assertThatIllegalArgumentException().isThrownBy(
                () -> TransportConfig.builder().maxIdleConns(5).hosts(hosts).build())
                .withMessage("hosts[*].minIdle must be <= maxIdleConns (5) added up, was 6");
        assertThatIllegalArgumentException().isThrownBy(
                () -> TransportConfig.builder().disableKeepAlives(true).hosts(hosts).build())
                .withMessage("hosts[0].minIdle must be 0 when disableKeepAlives is set, was 3");
    }

    @Test
    void anEntrysLifetimeMustExceedTheGlobalJitter() {
        List<HostOverride> hosts = List.of(HostOverride.builder("a.test").build(),
                HostOverride.builder("b.test").maxConnLifetime(Duration.ofSeconds(10)).build());
        assertThatIllegalArgumentException().isThrownBy(() -> TransportConfig.builder()
                .maxConnLifetime(Duration.ofMinutes(5)).maxConnLifetimeJitter(Duration.ofSeconds(30))
                .hosts(hosts).build())
                .withMessage("hosts[1].maxConnLifetime must be > maxConnLifetimeJitter (PT30S), was PT10S");
    }

    @Test
    void theConfigKeepsItsEntriesInOrderAndShowsThem() {
        HostOverride a = HostOverride.builder("a.test").maxConnsPerHost(4).build();
        HostOverride b = HostOverride.builder("*.b.test").build();
        TransportConfig config = TransportConfig.builder().hosts(List.of(a, b)).build();
        assertThat(config.hosts()).containsExactly(a, b);
        assertThat(config.toBuilder().build().hosts()).containsExactly(a, b);
        assertThat(config.toString()).contains("hosts=[HostOverride{match=a.test, maxConnsPerHost=4}, "
                + "HostOverride{match=*.b.test}]");
        assertThat(TransportConfig.defaults().hosts()).isEmpty();
    }
}
