package dev.httppool.internal.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The four forms of a {@code hosts[i].match}, and what each matches. */
class HostPatternTest {

    @Test
    void aHostMatchesThatHostOnAnySchemeAndPortButNoOtherHost() {
        HostPattern p = HostPattern.parse("api.example.com");
        assertThat(p.form()).isEqualTo(HostPattern.Form.HOST);
        assertThat(p.matches("https", "api.example.com", 443)).isTrue();
        assertThat(p.matches("http", "api.example.com", 8080)).isTrue();
        assertThat(p.matches("https", "www.example.com", 443)).isFalse();
        assertThat(p.matches("https", "x.api.example.com", 443)).isFalse();
    }

    @Test
    void aHostIsComparedLowerCasedAndAnInternationalNameAsItsPunycode() {
        assertThat(HostPattern.parse("API.Example.COM").matches("https", "api.example.com", 443)).isTrue();
        HostPattern idn = HostPattern.parse("гофер.го");
        assertThat(idn.matches("http", "xn--c1ae0ajs.xn--c1aw", 80)).isTrue();
        assertThat(HostPattern.parse("*.Го").matches("http", "xn--c1ae0ajs.xn--c1aw", 80)).isTrue();
    }

    @Test
    void aHostAndPortMatchesOnlyThatPort() {
        HostPattern p = HostPattern.parse("api.example.com:8443");
        assertThat(p.form()).isEqualTo(HostPattern.Form.HOST_PORT);
        assertThat(p.matches("https", "api.example.com", 8443)).isTrue();
        assertThat(p.matches("http", "api.example.com", 8443)).isTrue();
        assertThat(p.matches("https", "api.example.com", 443)).isFalse();
    }

    @Test
    void aDomainWildcardMatchesEverySubdomainButNotTheBareDomain() {
        HostPattern p = HostPattern.parse("*.internal");
        assertThat(p.form()).isEqualTo(HostPattern.Form.DOMAIN);
        assertThat(p.matches("http", "billing.internal", 80)).isTrue();
        assertThat(p.matches("https", "a.b.internal", 9443)).isTrue();
        assertThat(p.matches("http", "internal", 80)).isFalse();
        assertThat(p.matches("http", "notinternal", 80)).isFalse();
    }

    @Test
    void aBaseUrlMatchesItsSchemeHostAndPortWithThePortDefaultedByTheScheme() {
        HostPattern https = HostPattern.parse("HTTPS://API.example.com/");
        assertThat(https.form()).isEqualTo(HostPattern.Form.BASE_URL);
        assertThat(https.baseUrl()).isEqualTo("https://api.example.com:443");
        assertThat(https.matches("https", "api.example.com", 443)).isTrue();
        assertThat(https.matches("http", "api.example.com", 443)).isFalse();
        assertThat(https.matches("https", "api.example.com", 8443)).isFalse();
        assertThat(HostPattern.parse("http://api.example.com").matches("http", "api.example.com", 80)).isTrue();
        assertThat(HostPattern.parse("http://127.0.0.1:8080").matches("http", "127.0.0.1", 8080)).isTrue();
    }

    @Test
    void anIpv6AddressMatchesBareOrInBrackets() {
        assertThat(HostPattern.parse("::1").matches("http", "::1", 80)).isTrue();
        assertThat(HostPattern.parse("[::1]:8080").matches("http", "::1", 8080)).isTrue();
        assertThat(HostPattern.parse("http://[::1]:8080").baseUrl()).isEqualTo("http://[::1]:8080");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "ftp://host", "https://host/path", "host:0",
            "host:http", "*.domain:80", "*.", "a*.b", "host.", "https://::1", "[::1", "https://host?q"})
    void aMatchInNoneOfTheFormsIsRefusedNamingTheForms(String match) {
        assertThatIllegalArgumentException().isThrownBy(() -> HostPattern.parse(match))
                .withMessageStartingWith("match must be host, host:port, *.domain or scheme://host[:port] (")
                .withMessageEndingWith(", was '" + match + "'");
    }

    @Test
    void aBaseUrlWithUserInfoIsRefusedWithoutShowingThePassword() {
        assertThatIllegalArgumentException().isThrownBy(() -> HostPattern.parse("https://user:secret@host"))
                .withMessageContaining("no user info")
                .withMessageNotContaining("secret");
    }
}
