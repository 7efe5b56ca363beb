package dev.httppool.internal.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.httppool.InvalidProxyException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class NoProxyTest {

    private static boolean bypasses(String list, String host, int port) {
        return NoProxy.parse(list, Mode.LENIENT).matches(host, port);
    }

    @Test
    void aDomainMatchesItselfAndItsSubdomainsAtLabelBoundaries() {
        assertThat(bypasses("example.com", "example.com", 80)).isTrue();
        assertThat(bypasses("example.com", "www.Example.COM", 80)).isTrue();
        assertThat(bypasses("example.com", "ample.com", 80)).isFalse();
        assertThat(bypasses("example.com", "badexample.com", 80)).isFalse();
    }

    @Test
    void aLeadingDotOrStarDotMatchesSubdomainsOnly() {
        assertThat(bypasses(".example.com", "example.com", 80)).isFalse();
        assertThat(bypasses(".example.com", "a.example.com", 80)).isTrue();
        assertThat(bypasses("*.example.com", "example.com", 80)).isFalse();
        assertThat(bypasses("*.example.com", "a.b.example.com", 80)).isTrue();
    }

    @Test
    void starAloneMatchesEverything() {
        assertThat(bypasses("foo, *", "anything.example", 1)).isTrue();
    }

    @Test
    void aPortLimitsTheEntryToThatPort() {
        assertThat(bypasses("api.test:8080", "api.test", 8080)).isTrue();
        assertThat(bypasses("api.test:8080", "api.test", 9090)).isFalse();
        assertThat(bypasses("[::1]:8080", "[::1]", 8080)).isTrue();
        assertThat(bypasses("10.0.0.1:80", "10.0.0.1", 81)).isFalse();
        assertThat(bypasses("api.test:080", "api.test", 80)).as("ports compare as written, as in Go").isFalse();
    }

    @Test
    void addressesAndCidrRangesMatchIpTargets() {
        assertThat(bypasses("192.168.1.5", "192.168.1.5", 80)).isTrue();
        assertThat(bypasses("192.168.1.5", "192.168.1.6", 80)).isFalse();
        assertThat(bypasses("10.0.0.0/8", "10.20.30.40", 80)).isTrue();
        assertThat(bypasses("10.0.0.0/8", "11.0.0.1", 80)).isFalse();
        assertThat(bypasses("fd00::/8", "[fd12::1]", 443)).isTrue();
        assertThat(bypasses("fd00::1", "[FD00::1]", 443)).isTrue();
        assertThat(bypasses("[fd00::1]", "fd00::1", 443)).as("brackets without a port").isTrue();
        assertThat(bypasses("0.0.0.0/0", "[::1]", 443)).as("an IPv4 range never holds an IPv6 address").isFalse();
    }

    @Test
    void internationalEntriesAndTargetsCompareInPunycode() {
        assertThat(bypasses("гофер.го", "xn--c1ae0ajs.xn--c1aw", 80)).isTrue();
        assertThat(bypasses(".xn--c1aw", "гофер.го", 80)).isTrue();
    }

    @Test
    void lenientKeepsTheThreeBadEntriesAsGoDoesWhereTheyMatchNothing() {
        NoProxy list = NoProxy.parse("example.com:99999, exa mple.com, 10.0.0.0/33", Mode.LENIENT);

        assertThat(list.matches("example.com", 80)).isFalse();
        assertThat(list.matches("example.com", 443)).isFalse();
        assertThat(list.matches("mple.com", 80)).isFalse();
        assertThat(list.matches("10.0.0.0", 80)).as("no /33 read as /32").isFalse();
        assertThat(list.matches("10.0.0.1", 80)).isFalse();
    }

    @Test
    void lenientStillUsesTheGoodEntriesBesideBadOnes() {
        NoProxy list = NoProxy.parse("10.0.0.0/33,,:80, good.example", Mode.LENIENT);

        assertThat(list.matches("good.example", 80)).isTrue();
        assertThat(list.matches("other.example", 80)).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            example.com:99999 | NO_PROXY entry 'example.com:99999': port must be 1-65535
            exa mple.com      | NO_PROXY entry 'exa mple.com': host must be a domain name (letters, digits, '-', '_' and '.') or an IP address
            10.0.0.0/33       | NO_PROXY entry '10.0.0.0/33': prefix length must be 0-32
            fd00::/129        | NO_PROXY entry 'fd00::/129': prefix length must be 0-128
            example.com/8     | NO_PROXY entry 'example.com/8': a CIDR range must be an IP address, '/' and a prefix length
            example.com:0     | NO_PROXY entry 'example.com:0': port must be 1-65535
            example.com:      | NO_PROXY entry 'example.com:': port must be 1-65535
            example.com:080   | NO_PROXY entry 'example.com:080': port must be 1-65535
            :8080             | NO_PROXY entry ':8080': must name a host before ':port'
            [::1]:99999       | NO_PROXY entry '[::1]:99999': port must be 1-65535
            [::1]8080         | NO_PROXY entry '[::1]8080': port must be 1-65535
            [example.com]:80  | NO_PROXY entry '[example.com]:80': brackets must hold an IPv6 address
            fd00::1::2        | NO_PROXY entry 'fd00::1::2': must be an IPv6 address (with a port: [address]:port)
            -bad.example      | NO_PROXY entry '-bad.example': host must be a domain name (letters, digits, '-', '_' and '.') or an IP address
            a..example        | NO_PROXY entry 'a..example': host must be a domain name (letters, digits, '-', '_' and '.') or an IP address
            .                 | NO_PROXY entry '.': host must be a domain name (letters, digits, '-', '_' and '.') or an IP address
            256.1.1.1         | NO_PROXY entry '256.1.1.1': '256.1.1.1' is not an IPv4 address (four numbers 0-255)
            """)
    void strictRefusesABadEntryNamingItAndTheRule(String entry, String message) {
        assertThatThrownBy(() -> NoProxy.parse("localhost, " + entry + ", 10.0.0.0/8", Mode.STRICT))
                .isInstanceOf(InvalidProxyException.class)
                .hasMessage(message)
                .satisfies(e -> {
                    InvalidProxyException ex = (InvalidProxyException) e;
                    assertThat(ex.setting()).isEqualTo(InvalidProxyException.Setting.NO_PROXY);
                    assertThat(ex.value()).isEqualTo(entry);
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"*", "localhost", "Example.COM", ".internal.example.com", "*.corp", "my_host.lan",
        "api.test:8080", "10.0.0.0/8", "0.0.0.0/0", "fd00::/8", "192.168.1.5", "192.168.1.5:443", "::1", "[::1]",
        "[::1]:8080", "гофер.го", "*.го:443"})
    void strictAcceptsEveryFormGoReads(String entry) {
        assertThat(NoProxy.parse(entry, Mode.STRICT)).isNotNull();
    }

    @Test
    void strictAndLenientMatchAGoodListAlike() {
        String list = "example.com, .internal.net, 10.0.0.0/8, api.test:8080, [::1]:8443";
        NoProxy strict = NoProxy.parse(list, Mode.STRICT);
        NoProxy lenient = NoProxy.parse(list, Mode.LENIENT);

        for (String host : new String[] {"example.com", "db.internal.net", "internal.net", "10.1.2.3", "api.test",
            "[::1]", "other.example"}) {
            for (int port : new int[] {80, 8080, 8443}) {
                assertThat(strict.matches(host, port)).as(host + ":" + port).isEqualTo(lenient.matches(host, port));
            }
        }
    }

    @Test
    void anEmptyOrMissingListMatchesNothing() {
        assertThat(NoProxy.parse(null, Mode.STRICT).matches("example.com", 80)).isFalse();
        assertThat(NoProxy.parse(" , ", Mode.STRICT).matches("example.com", 80)).isFalse();
    }
}
