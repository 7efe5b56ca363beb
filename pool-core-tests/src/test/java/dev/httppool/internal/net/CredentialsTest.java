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
    void aTargetUriIsShownWholeWithOnlyItsUserinfoMasked() {
        assertThat(Credentials.redactUserInfo(URI.create("https://user:secret@api.example/p/a?q=1@2#f")))
                .isEqualTo("https://user:***@api.example/p/a?q=1@2#f");
        assertThat(Credentials.redactUserInfo(URI.create("http://t0ken@h:8080/"))).isEqualTo("http://***@h:8080/");
        assertThat(Credentials.redactUserInfo(URI.create("http://h/mail/bob@example.com")))
                .isEqualTo("http://h/mail/bob@example.com");
        URI plain = URI.create("http://h/p");
        assertThat(Credentials.redactUserInfo(plain)).isSameAs(plain.toString());
        assertThat(Credentials.redactUserInfo(URI.create("http://u:s%40cret@h/").resolve("/next")))
                .isEqualTo("http://u:***@h/next");
    }

    @Test
    void aTargetUriWhoseHostDidNotParseIsMaskedUpToTheLastAt() {
        // The authority is "user:a:" and the path "//b@host/": the password "a://b" is masked whole.
        assertThat(Credentials.redactUserInfo(URI.create("http://user:a://b@host/"))).isEqualTo("http://user:***@host/");
        assertThat(Credentials.redactUserInfo(URI.create("ftp:user:secret@host"))).isEqualTo("ftp:***@host");
    }

    @Test
    void oneUrlValueIsMaskedFromItsSchemeToItsLastAtWhateverThePasswordHolds() {
        for (String password : new String[] {"se/cret", "se@cret", "se://cret", "se'cret", "se\"cret", "se|cret",
                "se<cret>", "se cret", "se\ncret", "se#cret", "se?cret", "[secret"}) {
            assertThat(Credentials.redactUrl("http://user:" + password + "@proxy:3128"))
                    .as(password).isEqualTo("http://user:***@proxy:3128");
            assertThat(Credentials.redactUrl("user:" + password + "@proxy:3128"))
                    .as("without a scheme: " + password).isEqualTo("user:***@proxy:3128");
        }
        assertThat(Credentials.redactUrl("HTTP://t0ken@proxy")).isEqualTo("HTTP://***@proxy");
        assertThat(Credentials.redactUrl("user:pa://ss@proxy")).as("'user:pa' is no scheme").isEqualTo("user:***@proxy");
        assertThat(Credentials.redactUrl("http://proxy:3128")).isEqualTo("http://proxy:3128");
        assertThat(Credentials.redactUrl(null)).isNull();
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
