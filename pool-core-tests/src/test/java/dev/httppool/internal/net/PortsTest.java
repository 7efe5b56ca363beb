package dev.httppool.internal.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class PortsTest {

    @Test
    void httpDefaultsTo80AndHttpsTo443InAnyCase() {
        assertThat(Ports.defaultPort("http")).isEqualTo(80);
        assertThat(Ports.defaultPort("HTTPS")).isEqualTo(443);
        assertThat(Ports.defaultPort("ftp")).isEqualTo(-1);
    }

    @Test
    void aUriWithoutPortGetsItsSchemesDefault() {
        assertThat(Ports.of(URI.create("http://example.com/"))).isEqualTo(80);
        assertThat(Ports.of(URI.create("https://example.com/"))).isEqualTo(443);
        assertThat(Ports.of(URI.create("https://example.com:8443/"))).isEqualTo(8443);
    }

    @Test
    void onlyTheSchemesOwnDefaultIsDefault() {
        assertThat(Ports.isDefault("http", 80)).isTrue();
        assertThat(Ports.isDefault("https", 80)).isFalse();
        assertThat(Ports.isDefault("https", 443)).isTrue();
    }

    @Test
    void portsParseAsDigitsFrom1To65535Only() {
        assertThat(Ports.parse("1")).isEqualTo(1);
        assertThat(Ports.parse("65535")).isEqualTo(65535);
        assertThat(Ports.parse("0")).isEqualTo(-1);
        assertThat(Ports.parse("65536")).isEqualTo(-1);
        assertThat(Ports.parse("99999")).isEqualTo(-1);
        assertThat(Ports.parse("")).isEqualTo(-1);
        assertThat(Ports.parse("+80")).isEqualTo(-1);
        assertThat(Ports.parse("8o")).isEqualTo(-1);
        assertThat(Ports.parse("080")).isEqualTo(-1);
    }
}
