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
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Go's shouldRetryRequest, as {@link ExchangeException#allowsRetry} states it, plus one step beyond it: an
 * idempotent request whose freshly dialed connection died before any response byte is retried once.
 */
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

    private static Request request(String kind) {
        switch (kind) {
            case "GET":
                return Request.get(URL);
            case "POST":
                return post(RequestBody.of("x"));
            case "POST+key":
                return post(RequestBody.of("x"), "Idempotency-Key", "k1");
            case "one-shot POST+key":
                return post(oneShot(), "Idempotency-Key", "k1");
            default:
                throw new IllegalArgumentException(kind);
        }
    }

    /** On a fresh connection: retried once, and only an idempotent request that the server never answered. */
    @ParameterizedTest(name = "{0} on a fresh connection, {1}, retried once already: {2} -> {3}")
    @CsvSource({
            "NOTHING_WRITTEN,    GET,               false, true",
            "SERVER_CLOSED_IDLE, GET,               false, true",
            "BEFORE_RESPONSE,    GET,               false, true",
            "BEFORE_RESPONSE,    POST+key,          false, true",
            "SERVER_CLOSED_IDLE, POST+key,          false, true",
            "NOTHING_WRITTEN,    POST,              false, false",
            "SERVER_CLOSED_IDLE, POST,              false, false",
            "BEFORE_RESPONSE,    POST,              false, false",
            "BEFORE_RESPONSE,    one-shot POST+key, false, false",
            "FINAL,              GET,               false, false",
            "NOTHING_WRITTEN,    GET,               true,  false",
            "SERVER_CLOSED_IDLE, GET,               true,  false",
            "BEFORE_RESPONSE,    GET,               true,  false",
            "BEFORE_RESPONSE,    POST+key,          true,  false",
    })
    void aFreshConnectionThatDiedBeforeAnyResponseByteRetriesAnIdempotentRequestOnce(Stage stage, String kind,
            boolean freshRetryTaken, boolean retried) {
        assertThat(failed(stage).allowsRetry(false, freshRetryTaken, request(kind))).isEqualTo(retried);
    }

    @ParameterizedTest
    @EnumSource(value = Stage.class, names = {"NOTHING_WRITTEN", "SERVER_CLOSED_IDLE", "BEFORE_RESPONSE"})
    void goRulesOnAReusedConnectionDoNotDependOnAnEarlierFreshRetry(Stage stage) {
        assertThat(failed(stage).allowsRetry(true, true, Request.get(URL))).isTrue();
    }

    @Test
    void nothingWrittenRetriesAnyRequestWhoseBodyCanBeSentAgainEvenAPost() {
        ExchangeException e = failed(Stage.NOTHING_WRITTEN);

        assertThat(e.allowsRetry(true, false, Request.get(URL))).isTrue();
        assertThat(e.allowsRetry(true, false, post(RequestBody.of("x")))).isTrue();
        assertThat(e.allowsRetry(true, false, post(oneShot()))).isFalse();
    }

    @ParameterizedTest
    @EnumSource(value = Stage.class, names = {"BEFORE_RESPONSE", "SERVER_CLOSED_IDLE"})
    void aFailureBeforeTheResponseRetriesOnlyReplayableRequests(Stage stage) {
        ExchangeException e = failed(stage);

        assertThat(e.allowsRetry(true, false, Request.get(URL))).isTrue();
        assertThat(e.allowsRetry(true, false, post(RequestBody.of("x")))).isFalse();
        assertThat(e.allowsRetry(true, false, post(RequestBody.of("x"), "Idempotency-Key", "k1"))).isTrue();
        assertThat(e.allowsRetry(true, false, post(oneShot(), "Idempotency-Key", "k1"))).isFalse();
    }

    @Test
    void aFailureAfterTheResponseStartedIsNeverRetried() {
        assertThat(failed(Stage.FINAL).allowsRetry(true, false, Request.get(URL))).isFalse();
    }
}
