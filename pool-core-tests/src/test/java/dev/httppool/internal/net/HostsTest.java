package dev.httppool.internal.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.IDN;
import java.net.URI;
import org.junit.jupiter.api.Test;

class HostsTest {

    private static final String GOPHER = "xn--c1ae0ajs.xn--c1aw"; // гофер.го

    @Test
    void aTrailingDotIsRefusedSayingWhatToWrite() {
        assertThatThrownBy(() -> Hosts.requireNoTrailingDot("api.example.com."))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("host 'api.example.com.' ends with a dot: names with a trailing dot are not supported, "
                        + "write 'api.example.com'");
        Hosts.requireNoTrailingDot("api.example.com");
        Hosts.requireNoTrailingDot("::1");
    }

    @Test
    void theTestsPunycodeIsWhatTheJdkComputes() {
        assertThat(IDN.toASCII("гофер.го")).isEqualTo(GOPHER);
    }

    @Test
    void internationalNamesBecomePunycodeAndAsciiNamesKeepTheirCase() {
        assertThat(Hosts.toAscii("гофер.го")).isEqualTo(GOPHER);
        assertThat(Hosts.toAscii("Example.COM")).isEqualTo("Example.COM");
        assertThat(Hosts.toAscii("[::1]")).isEqualTo("::1");
    }

    @Test
    void canonicalHostsAreLowerCaseAsciiWithoutBrackets() {
        assertThat(Hosts.canonical("Example.COM")).isEqualTo("example.com");
        assertThat(Hosts.canonical("ГОФЕР.го")).isEqualTo(GOPHER);
        assertThat(Hosts.canonical("[FD00::1]")).isEqualTo("fd00::1");
    }

    @Test
    void canonicalAddressDefaultsThePortAndBracketsIpv6() {
        assertThat(Hosts.canonicalAddress(URI.create("http://Example.COM/x"))).isEqualTo("example.com:80");
        assertThat(Hosts.canonicalAddress(URI.create("https://example.com/"))).isEqualTo("example.com:443");
        assertThat(Hosts.canonicalAddress(URI.create("https://[::1]:8443/"))).isEqualTo("[::1]:8443");
        assertThat(Hosts.canonicalAddress(URI.create("http://" + GOPHER + ":8080/"))).isEqualTo(GOPHER + ":8080");
    }

    @Test
    void aUriWithoutHostIsRefusedWithoutShowingItsPassword() {
        assertThatThrownBy(() -> Hosts.canonicalAddress(URI.create("http://user:secret@/")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no host").hasMessageNotContaining("secret");
    }

    @Test
    void joinHostPortBracketsIpv6Only() {
        assertThat(Hosts.joinHostPort("example.com", 80)).isEqualTo("example.com:80");
        assertThat(Hosts.joinHostPort("::1", 80)).isEqualTo("[::1]:80");
    }

    @Test
    void hostHeaderOmitsTheSchemesDefaultPortAndUserinfo() {
        assertThat(Hosts.hostHeader(URI.create("http://u:p@Example.com:80/"))).isEqualTo("Example.com");
        assertThat(Hosts.hostHeader(URI.create("https://example.com:443/"))).isEqualTo("example.com");
        assertThat(Hosts.hostHeader(URI.create("http://example.com:443/"))).isEqualTo("example.com:443");
        assertThat(Hosts.hostHeader(URI.create("http://[::1]:8080/"))).isEqualTo("[::1]:8080");
        assertThat(Hosts.hostHeader(URI.create("http://[::1]/"))).isEqualTo("[::1]");
    }

    @Test
    void loopbackIsLocalhostItsSubdomainsAndLoopbackAddresses() {
        assertThat(Hosts.isLoopback("LOCALHOST")).isTrue();
        assertThat(Hosts.isLoopback("api.localhost")).isTrue();
        assertThat(Hosts.isLoopback("127.0.0.2")).isTrue();
        assertThat(Hosts.isLoopback("[::1]")).isTrue();
        assertThat(Hosts.isLoopback("localhost.example")).isFalse();
        assertThat(Hosts.isLoopback("10.0.0.1")).isFalse();
    }
}
