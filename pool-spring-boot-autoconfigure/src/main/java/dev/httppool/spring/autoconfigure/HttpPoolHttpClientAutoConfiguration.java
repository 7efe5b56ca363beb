package dev.httppool.spring.autoconfigure;

import dev.httppool.spring.HttpPoolTransports;
import dev.httppool.spring.client.HttpPoolClientHttpRequestFactoryBuilder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.autoconfigure.ClientHttpRequestFactoryBuilderCustomizer;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.util.LambdaSafe;
import org.springframework.context.annotation.Bean;
import org.springframework.http.client.ClientHttpRequestFactory;

/**
 * Makes Spring Boot's HTTP clients use the pool: a {@link ClientHttpRequestFactoryBuilder} bean, registered before
 * Spring Boot's own, so that the auto-configured {@code RestClient.Builder}, {@code RestTemplateBuilder},
 * {@code RestClientSsl} and HTTP service groups all send through the pooled transports. An application
 * {@code ClientHttpRequestFactoryBuilder} bean takes precedence, and with {@code http.pool.enabled=false} Spring Boot
 * detects its request factory as usual. {@link ClientHttpRequestFactoryBuilderCustomizer} beans for
 * {@link HttpPoolClientHttpRequestFactoryBuilder} are applied.
 */
@AutoConfiguration(before = ImperativeHttpClientAutoConfiguration.class, after = HttpPoolAutoConfiguration.class)
@ConditionalOnClass({ ClientHttpRequestFactory.class, ClientHttpRequestFactoryBuilder.class })
@ConditionalOnBooleanProperty(name = "http.pool.enabled", matchIfMissing = true)
@ConditionalOnBean(HttpPoolTransports.class)
public final class HttpPoolHttpClientAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(ClientHttpRequestFactoryBuilder.class)
    ClientHttpRequestFactoryBuilder<?> httpPoolClientHttpRequestFactoryBuilder(HttpPoolTransports transports,
            ObjectProvider<ClientHttpRequestFactoryBuilderCustomizer<?>> customizers) {
        ClientHttpRequestFactoryBuilder<?>[] builder = { new HttpPoolClientHttpRequestFactoryBuilder(transports) };
        LambdaSafe.callbacks(ClientHttpRequestFactoryBuilderCustomizer.class, customizers.orderedStream().toList(),
                builder[0])
            .invoke((customizer) -> builder[0] = customize(customizer, builder[0]));
        return builder[0];
    }

    @SuppressWarnings({ "unchecked", "rawtypes" })
    private static ClientHttpRequestFactoryBuilder<?> customize(ClientHttpRequestFactoryBuilderCustomizer customizer,
            ClientHttpRequestFactoryBuilder<?> builder) {
        return customizer.customize(builder);
    }
}
