package dev.httppool.internal.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.httppool.InvalidProxyException;
import java.net.URI;
import org.junit.jupiter.api.Test;

class ProxyUrlTest {

    @Test
    void aValueWithoutSchemeMeansHttpInBothModes() {
        assertThat(ProxyUrl.parse("proxy:3128", Mode.STRICT)).isEqualTo(URI.create("http://proxy:3128"));
        assertThat(ProxyUrl.parse(" proxy:3128 ", Mode.LENIENT)).isEqualTo(URI.create("http://proxy:3128"));
    }

    @Test
    void anInternationalProxyHostIsReadInPunycode() {
        assertThat(ProxyUrl.parse("http://гофер.го:3128", Mode.STRICT).getHost()).isEqualTo("xn--c1ae0ajs.xn--c1aw");
    }

    @Test
    void strictRefusesAValueThatIsNotAUriNamingItWithThePasswordMasked() {
        assertThatThrownBy(() -> ProxyUrl.parse("http://user:se cret@pro xy:3128", Mode.STRICT))
                .isInstanceOf(InvalidProxyException.class)
                .hasMessageStartingWith("proxy URL 'http://user:***@pro xy:3128': must be a URI (")
                .hasMessageNotContaining("se cret")
                .satisfies(e -> assertThat(((InvalidProxyException) e).setting())
                        .isEqualTo(InvalidProxyException.Setting.PROXY_URL));
    }

    @Test
    void lenientIgnoresAValueThatIsNotAUriAsGoDoes() {
        assertThat(ProxyUrl.parse("http://user:se cret@pro xy:3128", Mode.LENIENT)).isNull();
        assertThat(ProxyUrl.parse("  ", Mode.LENIENT)).isNull();
    }

    @Test
    void strictRefusesAnEmptyValue() {
        assertThatThrownBy(() -> ProxyUrl.parse(" ", Mode.STRICT)).hasMessage("proxy URL '': must not be empty");
    }

    @Test
    void bothModesRefuseAUriTheTransportCannotUse() {
        for (Mode mode : Mode.values()) {
            assertThatThrownBy(() -> ProxyUrl.parse("socks5://user:secret@p:1080", mode))
                    .hasMessage("proxy URL 'socks5://user:***@p:1080': scheme must be http (the only proxy scheme"
                            + " supported)");
            assertThatThrownBy(() -> ProxyUrl.parse("http://proxy:99999", mode))
                    .hasMessage("proxy URL 'http://proxy:99999': port must be 1-65535");
            assertThatThrownBy(() -> ProxyUrl.parse("http://pro_xy:3128", mode))
                    .hasMessage("proxy URL 'http://pro_xy:3128': must have a host (a domain name or an IP address)");
        }
    }

    @Test
    void checkAcceptsAnHttpProxyWithCredentials() {
        URI proxy = URI.create("http://user:pw@proxy:3128");
        assertThat(ProxyUrl.check(proxy)).isSameAs(proxy);
        assertThat(ProxyUrl.check(URI.create("HTTP://[::1]"))).isNotNull();
    }
}
