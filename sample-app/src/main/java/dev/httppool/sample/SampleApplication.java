package dev.httppool.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.client.RestClient;

/**
 * Shows httppool at work with no setup: this application is both the client and its own upstream. Start it, fire
 * a load with {@code curl 'http://127.0.0.1:8080/demo/load?path=/upstream/fast&requests=200&concurrency=8'} and
 * look at the pool with {@code curl http://127.0.0.1:8080/actuator/httppool}.
 */
@SpringBootApplication
public class SampleApplication {

    public static void main(String[] args) {
        SpringApplication.run(SampleApplication.class, args);
    }

    /** Built from Spring Boot's auto-configured builder, so it sends through the shared pooled Transport. */
    @Bean
    RestClient demoRestClient(RestClient.Builder builder) {
        return builder.build();
    }
}
