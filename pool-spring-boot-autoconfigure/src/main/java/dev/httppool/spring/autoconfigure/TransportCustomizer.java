package dev.httppool.spring.autoconfigure;

import dev.httppool.Transport;

/**
 * Callback to customize the builder of the auto-configured {@link Transport} before it is built: a dialer, a
 * ticker, TLS settings, or a whole new {@code TransportConfig}. Customizer beans run in {@code @Order}, after the
 * {@code http.pool.*} properties and the SSL bundle have been applied, for the shared transport and for those made
 * for clients with another connect timeout or SSL bundle (whose own timeout and bundle are applied after the
 * customizers). A customizer that sets its own {@code listener} turns off the {@code http.pool.*} counters and
 * timer; register a {@code TransportListener} bean instead.
 */
@FunctionalInterface
public interface TransportCustomizer {

    void customize(Transport.Builder builder);
}
