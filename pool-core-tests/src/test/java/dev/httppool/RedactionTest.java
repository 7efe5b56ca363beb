package dev.httppool;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The public masking rule, as the Spring endpoint and meters use it on keys and proxies. */
class RedactionTest {

    @Test
    void masksProxyCredentials() {
        assertThat(Redaction.redact("http://user:secret@proxy:3128|http|a:80")).isEqualTo("http://user:***@proxy:3128|http|a:80");
        assertThat(Redaction.redact("http://token@proxy:3128")).isEqualTo("http://***@proxy:3128");
        assertThat(Redaction.redact("|http|a:80")).isEqualTo("|http|a:80");
        assertThat(Redaction.redact(null)).isNull();
    }

    @Test
    void aKeyMaskedByTheTransportStaysTheSame() {
        String key = ConnectMethodKey.of(java.net.URI.create("https://api.example/"),
                java.net.URI.create("http://user:secret@proxy:3128")).toString();

        assertThat(Redaction.redact(key)).isEqualTo(key).isEqualTo("http://user:***@proxy:3128|https|api.example:443");
    }
}
