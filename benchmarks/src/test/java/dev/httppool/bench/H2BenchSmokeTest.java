package dev.httppool.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.httppool.testing.NginxServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Keeps the HTTP/2 side-by-side from rotting: its quick mode against nginx with TLS, three JVM clients in child
 * processes, a few hundred requests each; the report says which protocol and how many connections nginx saw.
 */
class H2BenchSmokeTest {

    @Test
    @Timeout(180)
    void quickRunWritesAReportWhereHttp2RidesOneConnectionAndHttp11Many() throws Exception {
        assumeTrue(NginxServer.available(), "nginx is not installed");
        Path out = Paths.get("target", "h2-smoke-results");
        H2Bench.main(new String[] {"--quick", "--out", out.toString(), "--requests", "300",
                "--clients", "h2-httppool,h1-httppool,h2-jdk", "--command", "H2BenchSmokeTest"});
        Path md;
        try (Stream<Path> files = Files.list(out)) {
            md = files.filter(p -> p.toString().endsWith("-h2-quick.md")).findFirst().orElseThrow();
        }
        String text = Files.readString(md);
        assertTrue(text.contains("| h2-httppool | HTTP/2.0 | 1 |"), text);
        assertTrue(text.contains("| h1-httppool | HTTP/1.1 | 16 |"), text);
        assertTrue(text.contains("| h2-jdk | HTTP/2.0 |"), text);
        assertTrue(text.contains("| /small C=16 |"), text);
    }
}
