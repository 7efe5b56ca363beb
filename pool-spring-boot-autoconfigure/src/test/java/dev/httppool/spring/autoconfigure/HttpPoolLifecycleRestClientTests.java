package dev.httppool.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.httppool.PoolExhaustedException;
import dev.httppool.PoolSnapshot;
import dev.httppool.Transport;
import dev.httppool.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

/**
 * Issue 12's lifecycle and limit properties seen from a {@code RestClient} caller, against a loopback server:
 * what the server saw (its client connections), the exception that reaches the caller, and the pool's counts back
 * to zero afterwards.
 */
class HttpPoolLifecycleRestClientTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(HttpPoolAutoConfiguration.class,
                    HttpPoolHttpClientAutoConfiguration.class, HttpClientAutoConfiguration.class,
                    ImperativeHttpClientAutoConfiguration.class, SslAutoConfiguration.class,
                    HttpMessageConvertersAutoConfiguration.class, RestClientAutoConfiguration.class));

    private TestServer server;
    private ExecutorService threads;
    /** Opened by a test to let the server answer {@code /slow}. */
    private final CountDownLatch answerSlow = new CountDownLatch(1);

    @BeforeEach
    void startServer() {
        server = TestServer.start();
        server.text("/hello", "hello from upstream");
        server.on("/slow", (exchange, body) -> {
            if (!answerSlow.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never let /slow answer");
            }
            TestServer.respond(exchange, 200, "slow answer");
        });
        server.on("/short-keep-alive", (exchange, body) -> {
            exchange.getResponseHeaders().set("Keep-Alive", "timeout=1");
            TestServer.respond(exchange, 200, "brief");
        });
        threads = Executors.newCachedThreadPool();
    }

    @AfterEach
    void stopServer() {
        answerSlow.countDown();
        threads.shutdownNow();
        server.close();
    }

    private Future<String> getLater(RestClient client, String path) {
        return threads.submit(() -> client.get().uri(server.url(path)).retrieve().body(String.class));
    }

    private static void awaitTrue(String what, java.util.function.BooleanSupplier condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("within 5 s: " + what).isNegative();
            TimeUnit.MILLISECONDS.sleep(5); // poll interval, not synchronisation
        }
    }

    private static void assertCountsBackToZero(Transport transport) throws Exception {
        awaitTrue("active = dialing = waiting = 0", () -> {
            PoolSnapshot.Totals t = transport.snapshot().totals();
            return t.active() == 0 && t.dialing() == 0 && t.waiting() == 0;
        });
    }

    @Test
    void aRestClientCallerGetsPoolExhaustedExceptionOnceMaxWaitingPerHostRequestsWaitAndTheServerSeesNothingOfIt() {
        runner.withPropertyValues("http.pool.max-conns-per-host=1", "http.pool.max-waiting-per-host=1")
                .run((context) -> {
                    RestClient client = context.getBean(RestClient.Builder.class).build();
                    Transport transport = context.getBean(Transport.class);
                    Future<String> slow = getLater(client, "/slow");
                    assertThat(server.takeRequest().target()).isEqualTo("/slow");
                    Future<String> queued = getLater(client, "/hello");
                    awaitTrue("one request waiting", () -> transport.snapshot().totals().waiting() == 1);

                    Throwable refused = catchThrowable(
                            () -> client.get().uri(server.url("/hello?refused")).retrieve().body(String.class));

                    assertThat(refused).isInstanceOf(ResourceAccessException.class)
                            .hasRootCauseInstanceOf(PoolExhaustedException.class)
                            .hasMessageContaining("|http|" + server.address());
                    answerSlow.countDown();
                    assertThat(slow.get(5, TimeUnit.SECONDS)).isEqualTo("slow answer");
                    assertThat(queued.get(5, TimeUnit.SECONDS)).isEqualTo("hello from upstream");
                    assertThat(server.requestCount()).as("/slow and the queued /hello only").isEqualTo(2);
                    assertThat(server.distinctClientConnections()).isEqualTo(1);
                    assertCountsBackToZero(transport);
                });
    }

    @Test
    void aResponseInFlightWhenMaxConnLifetimeEndsReachesTheRestClientAndTheNextRequestUsesANewConnection() {
        runner.withPropertyValues("http.pool.max-conn-lifetime=200ms").run((context) -> {
            RestClient client = context.getBean(RestClient.Builder.class).build();
            Transport transport = context.getBean(Transport.class);
            long dialedBefore = System.nanoTime();
            Future<String> slow = getLater(client, "/slow");
            server.takeRequest();
            awaitTrue("the connection's lifetime has passed",
                    () -> System.nanoTime() - dialedBefore > TimeUnit.MILLISECONDS.toNanos(300));
            answerSlow.countDown();

            assertThat(slow.get(5, TimeUnit.SECONDS)).isEqualTo("slow answer");
            assertThat(client.get().uri(server.url("/hello")).retrieve().body(String.class))
                    .isEqualTo("hello from upstream");
            assertThat(server.distinctClientConnections()).isEqualTo(2);
            // the first connection was closed for its lifetime; on a slow machine the second may reach its own
            // 200 ms before the snapshot, so at least one
            assertThat(transport.snapshot().stats().closed().get("max-lifetime")).isGreaterThanOrEqualTo(1L);
            assertCountsBackToZero(transport);
        });
    }

    @Test
    void withLeaseStrategyFifoARestClientSpreadsItsRequestsOverEveryIdleConnection() {
        runner.withPropertyValues("http.pool.lease-strategy=fifo", "http.pool.max-idle-conns-per-host=3")
                .run((context) -> {
                    RestClient client = context.getBean(RestClient.Builder.class).build();
                    List<Future<String>> slow = new ArrayList<>();
                    for (int i = 0; i < 3; i++) {
                        slow.add(getLater(client, "/slow"));
                    }
                    awaitTrue("three requests at the server", () -> server.requestCount() == 3);
                    answerSlow.countDown();
                    for (Future<String> f : slow) {
                        assertThat(f.get(5, TimeUnit.SECONDS)).isEqualTo("slow answer");
                    }
                    for (int i = 0; i < 6; i++) {
                        client.get().uri(server.url("/hello")).retrieve().body(String.class);
                    }

                    List<Integer> ports = server.clientPorts().subList(3, 9);
                    assertThat(new java.util.HashSet<>(ports.subList(0, 3))).as("all three in turn").hasSize(3);
                    assertThat(ports.subList(3, 6)).as("then the same turn again").isEqualTo(ports.subList(0, 3));
                    assertThat(server.distinctClientConnections()).isEqualTo(3);
                });
    }

    @Test
    void byDefaultAServersKeepAliveTimeoutOfOneSecondMeansEveryRestClientRequestGetsANewConnection() {
        runner.run((context) -> {
            RestClient client = context.getBean(RestClient.Builder.class).build();
            for (int i = 0; i < 2; i++) {
                assertThat(client.get().uri(server.url("/short-keep-alive")).retrieve().body(String.class))
                        .isEqualTo("brief");
            }

            assertThat(server.distinctClientConnections()).isEqualTo(2);
            assertThat(context.getBean(Transport.class).snapshot().stats().closed()).containsEntry("idle-timeout", 2L);
        });
    }

    @Test
    void withRespectServerKeepAliveFalseTheServersHintIsIgnoredAsGoDoes() {
        runner.withPropertyValues("http.pool.respect-server-keep-alive=false").run((context) -> {
            RestClient client = context.getBean(RestClient.Builder.class).build();
            for (int i = 0; i < 2; i++) {
                client.get().uri(server.url("/short-keep-alive")).retrieve().body(String.class);
            }

            assertThat(server.distinctClientConnections()).isEqualTo(1);
        });
    }
}
