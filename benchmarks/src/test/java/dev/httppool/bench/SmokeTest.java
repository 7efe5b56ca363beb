package dev.httppool.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.httppool.testing.TestServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Keeps the harness from rotting: a few seconds of the real code path (warm-up, measured run, report and chart)
 * against pool-testing's TestServer (a JDK HttpServer) on loopback, two clients at C=1, trials in-process. CI
 * runs only this.
 */
class SmokeTest {

    private TestServer server;
    private String base;

    @BeforeEach
    void startServer() {
        server = TestServer.start();
        server.on("/small", (exchange, body) -> {
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            TestServer.respond(exchange, 200, "hello, world\n");
        });
        base = server.url("");
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void oneTrialProducesSaneNumbers() throws Exception {
        Params p = Params.steady("httppool", URI.create(base + "/small"), 1, 500, 200, 2, 3);
        Result r = Trial.run(p, () -> { });
        assertEquals(0, r.errors);
        assertTrue(r.rps > 10, "req/s " + r.rps);
        assertTrue(r.p50Micros > 0 && r.p50Micros <= r.p99Micros, r.toLine());
        assertTrue(r.cpuNanosPerRequest > 0, r.toLine());
        assertTrue(r.allocBytesPerRequest > 0, r.toLine());
        assertTrue(r.warmupRps.size() >= 2, r.toLine());
        Result parsed = Result.parse(r.toLine());
        assertEquals(r.client, parsed.client);
        assertEquals(r.requests, parsed.requests);
    }

    @Test
    void runnerWritesReportAndChart() throws Exception {
        Path out = Paths.get("target", "smoke-results");
        Runner.Options o = new Runner.Options();
        o.url = base;
        o.inProcess = true;
        o.clients = List.of("httppool", "rc-httppool", "raw");
        o.lifecycle = true;
        o.concurrency = List.of(1);
        o.paths = List.of("/small");
        o.repeats = 1;
        o.requests = 1000;
        o.warmupRoundMillis = 300;
        o.minWarmupRounds = 2;
        o.maxWarmupRounds = 3;
        o.outDir = out;
        o.date = "smoke";
        o.command = "SmokeTest";
        Path md = Runner.run(o);
        String text = Files.readString(md);
        assertTrue(text.contains("| httppool |"), text);
        assertTrue(text.contains("httppool / raw"), text);
        assertTrue(text.contains("| httppool-lifecycle |"), text);
        assertTrue(text.contains("httppool-lifecycle / httppool"), text);
        assertTrue(text.contains("Churn"), text);
        String svg = Files.readString(out.resolve("smoke-small.svg"));
        assertTrue(svg.startsWith("<svg") && svg.contains("rc-httppool"), svg);
        assertTrue(Files.readAllLines(out.resolve("smoke-raw.csv")).size() >= 4);
    }
}
