package dev.httppool.spring.integration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.httppool.Transport;
import dev.httppool.testing.TestServer;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.web.client.RestClient;

/**
 * The core logs through {@code System.Logger}; in a Boot application {@code logging.level.dev.httppool=DEBUG} is
 * all it takes to see each connection's story in the application's log.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = "logging.level.dev.httppool=DEBUG")
@ExtendWith(OutputCaptureExtension.class)
class HttpPoolDebugLoggingApplicationTests {

    private static TestServer upstream;

    @Autowired
    private RestClient.Builder restClientBuilder;

    @Autowired
    private Transport transport;

    @BeforeAll
    static void startUpstream() throws IOException {
        upstream = TestServer.start();
        upstream.text("/hello", "hi");
    }

    @AfterAll
    static void stopUpstream() {
        upstream.close();
    }

    @Test
    void debugLevelForDevHttppoolShowsDialsReuseAndClosesInTheApplicationLog(CapturedOutput output) {
        RestClient client = restClientBuilder.build();
        client.get().uri(upstream.url("/hello")).retrieve().toBodilessEntity();
        client.get().uri(upstream.url("/hello")).retrieve().toBodilessEntity();
        transport.closeIdleConnections();

        String conn = "conn#1 |http|" + upstream.address();
        assertThat(output.getOut()).contains("dialed " + conn, "reusing " + conn,
                "returned " + conn + " to the idle list", "closing " + conn + ": close-idle");
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
    }
}
