package dev.httppool.internal.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import dev.httppool.Headers;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What {@code Keep-Alive: timeout=N, max=M} tells the pool (respectServerKeepAlive). */
class KeepAliveHintTest {

    private static KeepAliveHint of(String value) {
        return KeepAliveHint.of(Headers.of("Keep-Alive", value));
    }

    @Test
    void aTimeoutWithoutMaxCapsTheIdleTimeAtTheTimeoutMinusOneSecondAndSaysNothingOfRequests() {
        KeepAliveHint hint = of("timeout=5");

        assertThat(hint.idleNanos).isEqualTo(TimeUnit.SECONDS.toNanos(4));
        assertThat(hint.moreRequests).isEqualTo(-1);
    }

    @Test
    void aTimeoutWithMaxAlsoTellsHowManyMoreRequestsTheServerTakes() {
        KeepAliveHint hint = of("timeout=15, max=99");

        assertThat(hint.idleNanos).isEqualTo(TimeUnit.SECONDS.toNanos(14));
        assertThat(hint.moreRequests).isEqualTo(99);
    }

    @Test
    void maxAloneLimitsRequestsAndLeavesTheIdleTimeAlone() {
        KeepAliveHint hint = of("max=0");

        assertThat(hint.idleNanos).isEqualTo(-1);
        assertThat(hint.moreRequests).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"timeout=1", "timeout=0"})
    void aTimeoutOfOneSecondOrLessMeansNotKeptIdle(String value) {
        assertThat(of(value).idleNanos).isZero();
    }

    @Test
    void parameterNamesIgnoreCaseAndSpacesAndTheirOrderDoesNotMatter() {
        KeepAliveHint hint = of(" MAX=3 ,Timeout = 10 ");

        assertThat(hint.idleNanos).isEqualTo(TimeUnit.SECONDS.toNanos(9));
        assertThat(hint.moreRequests).isEqualTo(3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "timeout", "timeout=abc", "max=-1", "timeout=5s", "timeout=9999999999", "foo=3"})
    void aMissingOrMalformedParameterSaysNothing(String value) {
        assertThat(of(value)).isSameAs(KeepAliveHint.NONE);
    }

    @Test
    void aMalformedParameterDoesNotHideAWellFormedOne() {
        KeepAliveHint hint = of("timeout=abc, max=2");

        assertThat(hint.idleNanos).isEqualTo(-1);
        assertThat(hint.moreRequests).isEqualTo(2);
    }

    @Test
    void withoutAKeepAliveHeaderNothingChanges() {
        assertThat(KeepAliveHint.of(Headers.of("Connection", "keep-alive"))).isSameAs(KeepAliveHint.NONE);
    }
}
