package dev.httppool.internal.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.httppool.ConnectMethodKey;
import org.junit.jupiter.api.Test;

/** What the pool remembers of which keys spoke HTTP/2, and how much of it. */
class Http2KeysTest {

    private final Http2Keys keys = new Http2Keys();

    private static ConnectMethodKey key(int i) {
        return new ConnectMethodKey("", "https", "h" + i + ".test:443", false);
    }

    @Test
    void aKeyIsRememberedAfterAnHttp2DialAndForgottenAfterAnHttp11One() {
        keys.dialedLocked(key(1), true);
        assertThat(keys.spokeHttp2Locked(key(1))).isTrue();
        assertThat(keys.spokeHttp2Locked(key(2))).isFalse();

        keys.dialedLocked(key(1), false);
        assertThat(keys.spokeHttp2Locked(key(1))).isFalse();
        assertThat(keys.sizeLocked()).isZero();
    }

    @Test
    void beyondItsBoundTheKeyDialedLongestAgoIsForgottenFirst() {
        for (int i = 0; i < Http2Keys.MAX_KEYS; i++) {
            keys.dialedLocked(key(i), true);
        }
        keys.dialedLocked(key(0), true); // dialed again: now the most recent

        keys.dialedLocked(key(Http2Keys.MAX_KEYS), true);

        assertThat(keys.sizeLocked()).isEqualTo(Http2Keys.MAX_KEYS);
        assertThat(keys.spokeHttp2Locked(key(0))).as("dialed again, kept").isTrue();
        assertThat(keys.spokeHttp2Locked(key(1))).as("dialed longest ago, forgotten").isFalse();
        assertThat(keys.spokeHttp2Locked(key(Http2Keys.MAX_KEYS))).isTrue();
    }
}
