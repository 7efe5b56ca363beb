package dev.httppool.internal.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import dev.httppool.CloseReason;
import dev.httppool.Request;
import dev.httppool.RequestBody;
import dev.httppool.internal.exchange.ExchangeException.Stage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Go's shouldRetryRequest, as {@link ExchangeException#allowsRetry} states it. */
class RetryRuleTest {

    private static final String URL = "http://127.0.0.1:1/";

    private static ExchangeException failed(Stage stage) {
        return new ExchangeException(stage, CloseReason.BROKEN, new IOException("test"));
    }

    private static Request post(RequestBody body, String... headers) {
        Request.Builder b = Request.builder(URL).post(body);
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return b.build();
    }

    private static RequestBody oneShot() {
        return RequestBody.ofStream(3, new ByteArrayInputStream(new byte[3]));
    }

    @ParameterizedTest
    @EnumSource(Stage.class)
    void aFailureOnAFreshConnectionIsNeverRetried(Stage stage) {
        assertThat(failed(stage).allowsRetry(false, Request.get(URL))).isFalse();
    }

    @Test
    void nothingWrittenRetriesAnyRequestWhoseBodyCanBeSentAgainEvenAPost() {
        ExchangeException e = failed(Stage.NOTHING_WRITTEN);

        assertThat(e.allowsRetry(true, Request.get(URL))).isTrue();
        assertThat(e.allowsRetry(true, post(RequestBody.of("x")))).isTrue();
        assertThat(e.allowsRetry(true, post(oneShot()))).isFalse();
    }

    @ParameterizedTest
    @EnumSource(value = Stage.class, names = {"BEFORE_RESPONSE", "SERVER_CLOSED_IDLE"})
    void aFailureBeforeTheResponseRetriesOnlyReplayableRequests(Stage stage) {
        ExchangeException e = failed(stage);

        assertThat(e.allowsRetry(true, Request.get(URL))).isTrue();
        assertThat(e.allowsRetry(true, post(RequestBody.of("x")))).isFalse();
        assertThat(e.allowsRetry(true, post(RequestBody.of("x"), "Idempotency-Key", "k1"))).isTrue();
        assertThat(e.allowsRetry(true, post(oneShot(), "Idempotency-Key", "k1"))).isFalse();
    }

    @Test
    void aFailureAfterTheResponseStartedIsNeverRetried() {
        assertThat(failed(Stage.FINAL).allowsRetry(true, Request.get(URL))).isFalse();
    }
}
