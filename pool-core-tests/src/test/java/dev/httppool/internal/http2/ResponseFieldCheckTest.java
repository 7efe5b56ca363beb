package dev.httppool.internal.http2;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ResponseFieldCheckTest {

    private static String check(boolean trailers, String... fields) {
        ResponseFieldCheck c = new ResponseFieldCheck(trailers);
        for (int i = 0; i < fields.length; i += 2) {
            c.field(fields[i], fields[i + 1]);
        }
        return c.violation();
    }

    @Test
    void aStatusFollowedByRegularFieldsIsWellFormed() {
        ResponseFieldCheck c = new ResponseFieldCheck(false);
        c.field(":status", "204");
        c.field("content-type", "text/plain");
        assertThat(c.violation()).isNull();
        assertThat(c.status()).isEqualTo(204);
    }

    @Test
    void aHeaderBlockWithoutExactlyOneThreeDigitStatusIsMalformed() {
        assertThat(check(false, "content-type", "x")).isEqualTo("no :status");
        assertThat(check(false, ":status", "200", ":status", "200")).isEqualTo("second :status");
        assertThat(check(false, ":status", "20")).isEqualTo(":status is not three digits");
        assertThat(check(false, ":status", "2x0")).isEqualTo(":status is not three digits");
    }

    @Test
    void pseudoHeadersAfterRegularFieldsOrOtherThanStatusOrInTrailersAreMalformed() {
        assertThat(check(false, ":status", "200", "a", "b", ":status", "200"))
                .isEqualTo("pseudo-header field :status after a regular field");
        assertThat(check(false, ":status", "200", ":path", "/")).isEqualTo("pseudo-header field :path in a response");
        assertThat(check(true, ":status", "200")).isEqualTo("pseudo-header field :status in trailers");
        assertThat(check(true, "grpc-status", "0")).isNull();
    }

    @Test
    void connectionSpecificFieldsAreMalformed() {
        for (String name : new String[] {"connection", "keep-alive", "proxy-connection", "transfer-encoding",
            "upgrade"}) {
            assertThat(check(false, ":status", "200", name, "x")).isEqualTo("connection-specific field " + name);
        }
    }
}
