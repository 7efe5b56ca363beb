package dev.httppool.internal.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class CredentialsTest {

    @Test
    void aUriIsShownWithItsPasswordMaskedAndWithoutPath() {
        assertThat(Credentials.redact(URI.create("http://user:secret@proxy:3128/x?y")))
                .isEqualTo("http://user:***@proxy:3128");
        assertThat(Credentials.redact(URI.create("http://proxy:3128"))).isEqualTo("http://proxy:3128");
    }

    @Test
    void userinfoWithoutPasswordIsMaskedWholeBecauseItIsOftenAToken() {
        assertThat(Credentials.redact(URI.create("http://t0ken@proxy:3128"))).isEqualTo("http://***@proxy:3128");
        assertThat(Credentials.redact("http://t0ken@proxy:3128")).isEqualTo("http://***@proxy:3128");
    }

    @Test
    void textMasksEveryUriInItAndLeavesTheRest() {
        assertThat(Credentials.redact("http://user:secret@proxy:3128|http|a:80"))
                .isEqualTo("http://user:***@proxy:3128|http|a:80");
        assertThat(Credentials.redact("from 'http://a:one@p1:1' to 'http://b:two@p2:2'"))
                .isEqualTo("from 'http://a:***@p1:1' to 'http://b:***@p2:2'");
        assertThat(Credentials.redact("|http|a:80")).isEqualTo("|http|a:80");
        assertThat(Credentials.redact("mail bob@example.com")).isEqualTo("mail bob@example.com");
        assertThat(Credentials.redact((String) null)).isNull();
    }

    @Test
    void textThatDoesNotParseIsStillMaskedUpToTheLastAt() {
        assertThat(Credentials.redact("http://user:pa/s@s#w@proxy:3128"))
                .isEqualTo("http://user:***@proxy:3128");
        assertThat(Credentials.redact("http://us er:pa ss@proxy")).isEqualTo("http://us er:***@proxy");
        assertThat(Credentials.redact("http://a:one@p1:1 then http://b:two@p2:2"))
                .isEqualTo("http://a:***@p1:1 then http://b:***@p2:2");
        assertThat(Credentials.redact("ftp://user:secret@proxy:21")).isEqualTo("ftp://user:***@proxy:21");
    }

    @Test
    void basicAuthDecodesPercentEncodedUserinfo() {
        assertThat(Credentials.basicAuth(URI.create("http://al%20ice:p%40ss@proxy:3128")))
                .isEqualTo("Basic " + base64("al ice:p@ss"));
        assertThat(Credentials.basicAuth(URI.create("http://token@proxy:3128"))).isEqualTo("Basic " + base64("token:"));
        assertThat(Credentials.basicAuth(URI.create("http://proxy:3128"))).isNull();
    }

    private static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
