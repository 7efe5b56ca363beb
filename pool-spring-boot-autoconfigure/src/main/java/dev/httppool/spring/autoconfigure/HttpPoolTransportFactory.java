package dev.httppool.spring.autoconfigure;

import dev.httppool.ProxyResolver;
import dev.httppool.Transport;
import dev.httppool.TransportConfig;
import dev.httppool.TransportListener;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslOptions;

/**
 * Builds the auto-configured transports, all from the same {@code http.pool.*} settings, proxy, listeners and
 * {@link TransportCustomizer}s: the shared one, and one per other connect timeout or SSL bundle that a client asks
 * for.
 */
public final class HttpPoolTransportFactory {

    private final TransportConfig config;
    private final @Nullable ProxyResolver proxy;
    private final List<TransportListener> listeners;
    private final List<TransportCustomizer> customizers;

    /**
     * @param config the settings mapped from {@code http.pool.*}
     * @param proxy the proxy from {@code http.pool.proxy.*}, or null for the transport's default (the JVM's proxy
     *     properties, else Go's environment variables, else direct)
     * @param listeners receive the events of every transport built here
     * @param customizers applied to every transport built here, in order
     */
    public HttpPoolTransportFactory(TransportConfig config, @Nullable ProxyResolver proxy, List<TransportListener> listeners,
            List<TransportCustomizer> customizers) {
        this.config = config;
        this.proxy = proxy;
        this.listeners = List.copyOf(listeners);
        this.customizers = List.copyOf(customizers);
    }

    /** The settings mapped from {@code http.pool.*}. */
    public TransportConfig config() {
        return config;
    }

    /**
     * The shared transport: the {@code http.pool.*} settings, the dial timeout and SSL bundle when given (Spring
     * Boot's {@code spring.http.clients.connect-timeout} and {@code ssl.bundle}), then the customizers.
     */
    public Transport create(@Nullable Duration dialTimeout, @Nullable SslBundle sslBundle) {
        TransportConfig c = dialTimeout == null ? config : withDialTimeout(config, dialTimeout);
        Transport.Builder builder = base(c);
        if (sslBundle != null) {
            applySsl(builder, sslBundle);
        }
        customizers.forEach((customizer) -> customizer.customize(builder));
        return builder.build();
    }

    /**
     * A transport for clients that asked for another connect timeout or SSL bundle: the shared transport's
     * settings with that dial timeout and, when given, that bundle, applied after the customizers. The hosts
     * entries apply to it too, but not their min-idle: the shared transport keeps the warm connections, and each
     * derived one would only open as many more.
     */
    public Transport derive(Transport shared, Duration dialTimeout, @Nullable SslBundle sslBundle) {
        Transport.Builder builder = base(config);
        customizers.forEach((customizer) -> customizer.customize(builder));
        builder.config(withoutWarmPools(withDialTimeout(shared.config(), dialTimeout)));
        if (sslBundle != null) {
            applySsl(builder, sslBundle);
        }
        return builder.build();
    }

    private Transport.Builder base(TransportConfig c) {
        Transport.Builder builder = Transport.builder().config(c);
        listeners.forEach(builder::listener);
        if (proxy != null) {
            builder.proxy(proxy);
        }
        return builder;
    }

    private static TransportConfig withoutWarmPools(TransportConfig config) {
        if (config.hosts().stream().allMatch((h) -> h.minIdle() == 0)) {
            return config;
        }
        return config.toBuilder().hosts(config.hosts().stream().map((h) -> h.toBuilder().minIdle(0).build()).toList())
                .build();
    }

    private static TransportConfig withDialTimeout(TransportConfig config, Duration dialTimeout) {
        if (dialTimeout.isNegative() || dialTimeout.isZero()) {
            throw new IllegalArgumentException("the connect timeout must be > 0, was " + dialTimeout);
        }
        return config.toBuilder().dialTimeout(dialTimeout).build();
    }

    private static void applySsl(Transport.Builder builder, SslBundle bundle) {
        builder.sslContext(bundle.createSslContext());
        SslOptions options = bundle.getOptions();
        if (options != null) {
            builder.tlsProtocols(options.getEnabledProtocols());
            builder.tlsCipherSuites(options.getCiphers());
        }
    }
}
