package dev.httppool.internal.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import dev.httppool.internal.net.Hosts;
import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The request line's target and the Host header, derived from the request's URI. */
class PreparedRequestTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "http://example.com/", "http://example.com", "http://example.com:8080/a", "http://Example.COM:8080/a",
        "http://example.com:80/", "https://example.com:443/", "https://example.com:80/", "http://example.com:443/",
        "http://example.com:/x", "http://example.com:08080/x", "http://user:pw@example.com:8080/",
        "http://user@example.com/", "http://127.0.0.1:1/", "http://127.0.0.1:65535/", "http://[::1]:8080/",
        "http://[::1]/", "http://[fe80::1%25eth0]:8080/", "http://xn--c1ae0ajs.xn--c1aw:8080/", "http://a.b:9/",
        "http://a.b:99/", "http://a.b:999/", "http://a.b:9999/",
    })
    void theHostHeaderIsWhatTheUriSaysWithoutUserinfoOrADefaultPort(String uri) {
        URI u = URI.create(uri);

        assertThat(PreparedRequest.hostHeader(u)).isEqualTo(Hosts.hostHeader(u));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "http://h              | /",
        "http://h/             | /",
        "http://h?q=1          | /?q=1",
        "http://h/p            | /p",
        "http://h/p?           | /p?",
        "http://h/p?q=1&r=%20  | /p?q=1&r=%20",
        "http://h/a%2Fb#frag   | /a%2Fb",
    })
    void theTargetIsThePathAndQueryWithASlashForAnEmptyPath(String uri, String target) {
        assertThat(PreparedRequest.originForm(URI.create(uri))).isEqualTo(target);
    }
}
