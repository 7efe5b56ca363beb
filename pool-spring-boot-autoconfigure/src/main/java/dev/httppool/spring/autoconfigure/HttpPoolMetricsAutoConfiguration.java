package dev.httppool.spring.autoconfigure;

import dev.httppool.spring.HttpPoolTransports;
import dev.httppool.spring.metrics.HttpPoolMeterBinder;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code http.pool.*} meters, when Micrometer is present: a {@link MeterBinder} that Spring Boot binds to the
 * application's meter registry. {@code http.pool.metrics.per-key=false} drops the {@code key} tag.
 */
@AutoConfiguration(after = HttpPoolAutoConfiguration.class,
        afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration")
@ConditionalOnClass(MeterBinder.class)
@ConditionalOnBooleanProperty(name = "http.pool.enabled", matchIfMissing = true)
@ConditionalOnBean(HttpPoolTransports.class)
public final class HttpPoolMetricsAutoConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    HttpPoolMeterBinder httpPoolMeterBinder(HttpPoolTransports transports, HttpPoolProperties properties) {
        return new HttpPoolMeterBinder(transports, properties.getMetrics().isPerKey());
    }
}
