package dev.httppool.spring.autoconfigure;

import dev.httppool.spring.HttpPoolTransports;
import dev.httppool.spring.actuate.HttpPoolEndpoint;
import dev.httppool.spring.actuate.HttpPoolPageWebExtension;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.PropertiesEndpointAccessResolver;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.EndpointAccessResolver;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * The {@code httppool} actuator endpoint, when the actuator is present and the endpoint is available (its access
 * is not {@code none} and it is exposed, e.g. {@code management.endpoints.web.exposure.include=httppool}), with its
 * live page for browsers.
 */
@AutoConfiguration(after = HttpPoolAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
@ConditionalOnBooleanProperty(name = "http.pool.enabled", matchIfMissing = true)
@ConditionalOnBean(HttpPoolTransports.class)
@ConditionalOnAvailableEndpoint(HttpPoolEndpoint.class)
public final class HttpPoolEndpointAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    HttpPoolEndpoint httpPoolEndpoint(HttpPoolTransports transports, ObjectProvider<HttpPoolProperties> properties) {
        HttpPoolProperties p = properties.getIfAvailable(HttpPoolProperties::new);
        return new HttpPoolEndpoint(transports, p.getProxy().getUrl(), p.getProxy().getNoProxy());
    }

    @Bean
    @ConditionalOnMissingBean
    HttpPoolPageWebExtension httpPoolPageWebExtension(ObjectProvider<EndpointAccessResolver> accessResolver,
            Environment environment) {
        // The actuator's own resolver (EndpointAutoConfiguration), so the page agrees with the operations it maps.
        return new HttpPoolPageWebExtension(
                accessResolver.getIfAvailable(() -> new PropertiesEndpointAccessResolver(environment)));
    }
}
