package dev.httppool.spring.client;

import dev.httppool.RoundTripper;
import dev.httppool.spring.HttpPoolTransports;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.HttpRedirects;

/**
 * Builds {@link HttpPoolClientHttpRequestFactory} instances over the application's pooled transports, honouring
 * Spring Boot's {@link HttpClientSettings}:
 * <ul>
 * <li>{@code readTimeout}: applied to each request;
 * <li>{@code redirects}: {@link HttpRedirects#DONT_FOLLOW} returns 3xx responses, anything else follows them as
 * Go's {@code http.Client} does;
 * <li>{@code connectTimeout} and {@code sslBundle}: when they match the shared transport's (or are unset), the
 * factory sends through the shared transport, or the application's wrapper around it; otherwise through a
 * transport made once for that combination (see {@link HttpPoolTransports}).
 * </ul>
 * {@link #build(HttpClientSettings)} allocates only the small factory: Spring Boot calls it for every
 * {@code RestClient.Builder} it hands out.
 */
public final class HttpPoolClientHttpRequestFactoryBuilder
        implements ClientHttpRequestFactoryBuilder<HttpPoolClientHttpRequestFactory> {

    private final HttpPoolTransports transports;
    private final List<Consumer<HttpPoolClientHttpRequestFactory>> customizers;

    public HttpPoolClientHttpRequestFactoryBuilder(HttpPoolTransports transports) {
        this(transports, List.of());
    }

    private HttpPoolClientHttpRequestFactoryBuilder(HttpPoolTransports transports,
            List<Consumer<HttpPoolClientHttpRequestFactory>> customizers) {
        this.transports = Objects.requireNonNull(transports, "transports");
        this.customizers = List.copyOf(customizers);
    }

    @Override
    public HttpPoolClientHttpRequestFactoryBuilder withCustomizer(Consumer<HttpPoolClientHttpRequestFactory> customizer) {
        return withCustomizers(List.of(customizer));
    }

    @Override
    public HttpPoolClientHttpRequestFactoryBuilder withCustomizers(
            Collection<Consumer<HttpPoolClientHttpRequestFactory>> customizers) {
        List<Consumer<HttpPoolClientHttpRequestFactory>> merged = new ArrayList<>(this.customizers);
        merged.addAll(customizers);
        return new HttpPoolClientHttpRequestFactoryBuilder(transports, merged);
    }

    @Override
    public HttpPoolClientHttpRequestFactory build(@Nullable HttpClientSettings settings) {
        HttpClientSettings s = settings != null ? settings : HttpClientSettings.defaults();
        RoundTripper roundTripper = transports.roundTripper(s.connectTimeout(), s.sslBundle());
        HttpPoolClientHttpRequestFactory factory = new HttpPoolClientHttpRequestFactory(roundTripper);
        factory.setReadTimeout(s.readTimeout());
        factory.setFollowRedirects(s.redirects() != HttpRedirects.DONT_FOLLOW);
        for (Consumer<HttpPoolClientHttpRequestFactory> customizer : customizers) {
            customizer.accept(factory);
        }
        return factory;
    }
}
