package dev.httppool.spring.autoconfigure;

import dev.httppool.ProxyResolver;
import dev.httppool.RoundTripper;
import dev.httppool.Transport;
import dev.httppool.TransportConfig;
import dev.httppool.TransportListener;
import dev.httppool.spring.HttpPoolTransports;
import java.util.List;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the shared pooled {@link Transport}, Go's {@code DefaultTransport}: built once from
 * {@code http.pool.*} (proxy included), Spring Boot's global {@code spring.http.clients.connect-timeout} and {@code ssl.bundle}, and
 * the {@link TransportCustomizer} beans; closed with the application context. An application {@code Transport}
 * bean replaces it; an application {@link RoundTripper} bean (a wrapper around the transport) becomes what
 * requests are sent through.
 */
@AutoConfiguration(after = HttpClientAutoConfiguration.class)
@ConditionalOnClass(Transport.class)
@ConditionalOnBooleanProperty(name = "http.pool.enabled", matchIfMissing = true)
@EnableConfigurationProperties(HttpPoolProperties.class)
public final class HttpPoolAutoConfiguration {

    private static final Log logger = LogFactory.getLog(HttpPoolAutoConfiguration.class);

    @Bean
    @ConditionalOnMissingBean
    HttpPoolTransportFactory httpPoolTransportFactory(HttpPoolProperties properties,
            ObjectProvider<TransportListener> transportListeners, ObjectProvider<TransportCustomizer> customizers) {
        TransportConfig config = TransportConfigMapper.map(properties);
        ProxyResolver proxy = TransportConfigMapper.proxyResolver(properties.getProxy());
        if (proxy == null && properties.getProxy().getNoProxy() != null) {
            logger.warn("http.pool.proxy.no-proxy is ignored: it applies to http.pool.proxy.url, which is not set");
        }
        return new HttpPoolTransportFactory(config, proxy, transportListeners.orderedStream().toList(),
                customizers.orderedStream().toList());
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    Transport httpPoolTransport(HttpPoolTransportFactory factory, ObjectProvider<HttpClientSettings> clientSettings) {
        HttpClientSettings settings = clientSettings.getIfAvailable(HttpClientSettings::defaults);
        return factory.create(settings.connectTimeout(), settings.sslBundle());
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    HttpPoolTransports httpPoolTransports(Transport transport, ObjectProvider<RoundTripper> roundTrippers,
            ObjectProvider<HttpClientSettings> clientSettings, HttpPoolTransportFactory factory,
            ObjectProvider<SslBundles> sslBundles) {
        HttpClientSettings settings = clientSettings.getIfAvailable(HttpClientSettings::defaults);
        return new HttpPoolTransports(transport, sharedRoundTripper(transport, roundTrippers), settings.sslBundle(),
                factory::derive, (bundle) -> bundleName(sslBundles.getIfAvailable(), bundle));
    }

    /** The name {@code bundle} is registered under, or null (for the views' transport names). */
    private static @Nullable String bundleName(@Nullable SslBundles bundles, SslBundle bundle) {
        if (bundles != null) {
            for (String name : bundles.getBundleNames()) {
                if (bundles.getBundle(name) == bundle) {
                    return name;
                }
            }
        }
        return null;
    }

    /** The application's {@link RoundTripper} other than the transport itself, or else the transport. */
    private static RoundTripper sharedRoundTripper(Transport transport, ObjectProvider<RoundTripper> roundTrippers) {
        List<RoundTripper> wrappers = roundTrippers.orderedStream()
                .filter((roundTripper) -> !(roundTripper instanceof Transport))
                .toList();
        if (wrappers.size() > 1) {
            throw new IllegalStateException("Found " + wrappers.size() + " RoundTripper beans besides the Transport ("
                    + wrappers.stream().map((w) -> w.getClass().getName()).toList()
                    + "); the pooled request factory can send through only one: define a single one");
        }
        return wrappers.isEmpty() ? transport : wrappers.get(0);
    }
}
