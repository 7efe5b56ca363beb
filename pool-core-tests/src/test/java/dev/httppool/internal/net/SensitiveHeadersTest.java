package dev.httppool.internal.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.httppool.Headers;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SensitiveHeadersTest {

    @ParameterizedTest
    @ValueSource(strings = {"Authorization", "proxy-authorization", "WWW-Authenticate", "Proxy-Authenticate", "Cookie",
        "cookie2", "Set-Cookie"})
    void credentialAndCookieFieldsAreSensitiveInAnyCase(String name) {
        assertThat(SensitiveHeaders.contains(name)).isTrue();
        assertThat(SensitiveHeaders.contains(name.toUpperCase(java.util.Locale.ROOT))).isTrue();
        assertThat(Headers.isSensitive(name)).as("the API asks the same list").isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Accept", "X-Authorization-Hint", "Content-Type", "Location"})
    void otherFieldsAreNot(String name) {
        assertThat(SensitiveHeaders.contains(name)).isFalse();
        assertThat(Headers.isSensitive(name)).isFalse();
    }

    @org.junit.jupiter.api.Test
    void headersToStringMasksEverySensitiveValue() {
        Headers h = Headers.of("WWW-Authenticate", "Basic realm=x", "Cookie2", "c=1", "Accept", "text/plain");

        assertThat(h.toString()).isEqualTo("[WWW-Authenticate: ***, Cookie2: ***, Accept: text/plain]");
    }
}
