package dev.httppool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Go's ProxyFromEnvironment rules, the JVM's proxy properties, and explicit proxies with NO_PROXY. */
class ProxyResolverTest {

    private static URI proxyFor(ProxyResolver r, String target) {
        return r.proxyFor(URI.create(target));
    }

    @Test
    void environmentUsesTheVariableOfTheTargetsSchemeOnly() {
        ProxyResolver r = ProxyResolver.fromEnvironment(Map.of("HTTP_PROXY", "http://p1:3128"));

        assertThat(proxyFor(r, "http://example.com/")).isEqualTo(URI.create("http://p1:3128"));
        assertThat(proxyFor(r, "https://example.com/")).isNull();
    }

    @Test
    void environmentValueWithoutSchemeMeansHttpAndLowerCaseVariablesWork() {
        ProxyResolver r = ProxyResolver.fromEnvironment(Map.of("https_proxy", "p2:8080"));

        assertThat(proxyFor(r, "https://example.com/")).isEqualTo(URI.create("http://p2:8080"));
    }

    @Test
    void loopbackTargetsAreNeverProxiedFromTheEnvironment() {
        ProxyResolver r = ProxyResolver.fromEnvironment(Map.of("HTTP_PROXY", "http://p:1", "HTTPS_PROXY", "http://p:1"));

        assertThat(proxyFor(r, "http://localhost:8080/")).isNull();
        assertThat(proxyFor(r, "http://127.0.0.1/")).isNull();
        assertThat(proxyFor(r, "http://127.9.9.9/")).isNull();
        assertThat(proxyFor(r, "https://[::1]:8443/")).isNull();
        assertThat(proxyFor(r, "http://10.0.0.1/")).isNotNull();
    }

    @Test
    void noProxyMatchesHostsDomainsSubdomainsCidrsAndPorts() {
        ProxyResolver r = ProxyResolver.fromEnvironment(Map.of("HTTP_PROXY", "http://p:1",
                "NO_PROXY", "example.com, .internal.net, 10.0.0.0/8, api.test:8080, 192.168.1.5"));

        assertThat(proxyFor(r, "http://example.com/")).isNull();
        assertThat(proxyFor(r, "http://www.example.com/")).isNull();
        assertThat(proxyFor(r, "http://ample.com/")).as("label boundary").isNotNull();
        assertThat(proxyFor(r, "http://internal.net/")).as("dot form: subdomains only").isNotNull();
        assertThat(proxyFor(r, "http://db.internal.net/")).isNull();
        assertThat(proxyFor(r, "http://10.20.30.40/")).isNull();
        assertThat(proxyFor(r, "http://11.0.0.1/")).isNotNull();
        assertThat(proxyFor(r, "http://api.test:8080/")).isNull();
        assertThat(proxyFor(r, "http://api.test:9090/")).isNotNull();
        assertThat(proxyFor(r, "http://192.168.1.5/")).isNull();
    }

    @Test
    void noProxyStarDisablesProxying() {
        ProxyResolver r = ProxyResolver.fromEnvironment(Map.of("HTTP_PROXY", "http://p:1", "NO_PROXY", "*"));

        assertThat(proxyFor(r, "http://example.com/")).isNull();
    }

    @Test
    void explicitProxyAppliesToLoopbackTooExceptWhereNoProxySaysOtherwise() {
        ProxyResolver r = ProxyResolver.fixed("http://user:pw@proxy:3128", "internal.example");

        assertThat(proxyFor(r, "http://127.0.0.1:8080/")).isEqualTo(URI.create("http://user:pw@proxy:3128"));
        assertThat(proxyFor(r, "https://svc.internal.example/")).isNull();
    }

    @Test
    void jvmPropertiesChooseByTargetSchemeAndHonourNonProxyHosts() {
        Properties p = new Properties();
        p.setProperty("http.proxyHost", "hp");
        p.setProperty("http.proxyPort", "8000");
        p.setProperty("https.proxyHost", "sp");
        p.setProperty("http.nonProxyHosts", "*.corp|localhost");
        ProxyResolver r = ProxyResolver.fromSystemProperties(p);

        assertThat(proxyFor(r, "http://example.com/")).isEqualTo(URI.create("http://hp:8000"));
        assertThat(proxyFor(r, "https://example.com/")).isEqualTo(URI.create("http://sp:443"));
        assertThat(proxyFor(r, "https://a.corp/")).isNull();
        assertThat(proxyFor(r, "http://localhost/")).isNull();
    }

    @Test
    void unsupportedProxySchemesAreRejectedWithoutShowingCredentials() {
        assertThatThrownBy(() -> ProxyResolver.fixed("socks5://user:secret@p:1080", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("socks5").hasMessageNotContaining("secret");
    }

    @Test
    void keysThroughAProxyMaskThePasswordButKeepCredentialsApart() {
        URI target = URI.create("https://api.example.com/x");
        ConnectMethodKey a = ConnectMethodKey.of(target, URI.create("http://user:one@proxy:3128"));
        ConnectMethodKey b = ConnectMethodKey.of(target, URI.create("http://user:two@proxy:3128"));

        assertThat(a.toString()).isEqualTo("http://user:***@proxy:3128|https|api.example.com:443");
        assertThat(a).isNotEqualTo(b);
        assertThat(a.toString()).isEqualTo(b.toString());
        assertThat(ConnectMethodKey.of(URI.create("http://plain.example/"), URI.create("http://proxy:3128")).toString())
                .isEqualTo("http://proxy:3128|http|");
    }

    @Test
    void fixedChecksItsNoProxyListStrictlyNamingTheBadEntry() {
        assertThatThrownBy(() -> ProxyResolver.fixed("http://proxy:3128", "localhost, example.com:99999"))
                .isInstanceOf(InvalidProxyException.class)
                .hasMessage("NO_PROXY entry 'example.com:99999': port must be 1-65535");
        assertThatThrownBy(() -> ProxyResolver.fixed("http://proxy:3128", "10.0.0.0/33"))
                .hasMessage("NO_PROXY entry '10.0.0.0/33': prefix length must be 0-32");
    }

    @Test
    void validateChecksEitherSettingAloneAndTheUrlFirst() {
        ProxyResolver.validate(null, null);
        ProxyResolver.validate("proxy:3128", "localhost, [::1]:8080, fd00::/8, *");

        assertThatThrownBy(() -> ProxyResolver.validate(null, "exa mple.com"))
                .isInstanceOf(InvalidProxyException.class)
                .extracting(e -> ((InvalidProxyException) e).value()).isEqualTo("exa mple.com");
        assertThatThrownBy(() -> ProxyResolver.validate("ftp://user:secret@proxy:21", "exa mple.com"))
                .isInstanceOf(InvalidProxyException.class)
                .hasMessage("proxy URL 'ftp://user:***@proxy:21': scheme must be http (the only proxy scheme supported)");
    }

    @Test
    void environmentNoProxyIsReadLenientlyAsGoReadsIt() {
        ProxyResolver r = ProxyResolver.fromEnvironment(Map.of("HTTP_PROXY", "http://p:1",
                "NO_PROXY", "example.com:99999, exa mple.com, 10.0.0.0/33, good.example"));

        assertThat(proxyFor(r, "http://example.com/")).isNotNull();
        assertThat(proxyFor(r, "http://10.0.0.0/")).isNotNull();
        assertThat(proxyFor(r, "http://good.example/")).isNull();
    }

    @Test
    void environmentProxyValueThatIsNotAUriIsIgnoredAsGoIgnoresIt() {
        ProxyResolver r = ProxyResolver.fromEnvironment(Map.of("HTTP_PROXY", "http://pro xy:1",
                "HTTPS_PROXY", "http://p:2"));

        assertThat(proxyFor(r, "http://example.com/")).isNull();
        assertThat(proxyFor(r, "https://example.com/")).isEqualTo(URI.create("http://p:2"));
    }

    @Test
    void noProxyMatchesInternationalTargetsInPunycode() {
        ProxyResolver r = ProxyResolver.fixed("http://proxy:3128", "гофер.го");

        assertThat(r.proxyFor(Request.get("http://гофер.го:8080/").uri())).isNull();
        assertThat(r.proxyFor(Request.get("http://api.гофер.го/").uri())).isNull();
        assertThat(r.proxyFor(Request.get("http://example.com/").uri())).isNotNull();
    }

    @Test
    void keysThroughAProxyGivenWithATokenMaskTheWholeToken() {
        ConnectMethodKey key = ConnectMethodKey.of(URI.create("https://api.example.com/"),
                URI.create("http://t0ken@Proxy:3128"));

        assertThat(key.toString()).isEqualTo("http://***@Proxy:3128|https|api.example.com:443");
        assertThat(key.firstHopAddress()).isEqualTo("proxy:3128");
    }

    /**
     * Whatever the password holds, the error for a bad proxy URL never shows it: the password is S3C + one
     * character or more + R3T, so neither half may appear.
     */
    @ParameterizedTest
    @ValueSource(strings = {"http://user:S3C/R3T@proxy:3128", "http://user:S3C@R3T@proxy:3128",
            "http://user:S3CR3T@proxy:99999", "ftp://user:S3CR3T@proxy", "http://user:S3CR3T@[bad:3128",
            "http://user:S3C|R3T@proxy:3128", "http://user:S3C\"R3T@proxy", "http://user:S3C'R3T@proxy:99999",
            "http://user:S3C://R3T@proxy", "http://user:S3C\nR3T@proxy", "http://user:S3C<R3T>@proxy",
            "user:S3C/R3T@proxy:99999", "user:S3C://R3T@proxy", "socks5://user:S3C'R3T@proxy"})
    void aBadProxyUrlIsRefusedWithoutShowingItsPassword(String url) {
        for (Runnable use : new Runnable[] {() -> ProxyResolver.validate(url, null),
                () -> ProxyResolver.fixed(url, null)}) {
            assertThatThrownBy(use::run).isInstanceOfSatisfying(InvalidProxyException.class, e -> {
                assertThat(e.getMessage()).startsWith("proxy URL '").contains("user:***@")
                        .doesNotContain("S3C").doesNotContain("R3T");
                assertThat(e.value()).contains("user:***@").doesNotContain("S3C").doesNotContain("R3T");
                assertThat(e.getCause()).isNull();
            });
        }
    }
}
