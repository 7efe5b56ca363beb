package dev.httppool.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Dependencies between the engine's packages point one way (the README's Architecture section): {@code net} needs
 * no other engine package; the exchange reaches the wire only through its codec interface; codecs know nothing of
 * the pool; the pool knows connections only as {@code WireConnection}s and dials through its own
 * {@code Connector} interface; {@code client} is API-level code over any RoundTripper. Checked on pool-core's
 * sources, code lines only (comments may name any package).
 */
class PackageDependenciesTest {

    private static final Path SOURCES = Path.of(System.getProperty("httppool.core.sources",
            "../pool-core/src/main/java"));
    private static final Path INTERNAL = SOURCES.resolve("dev/httppool/internal");

    @ParameterizedTest(name = "{0} does not use {1}")
    @CsvSource({
            "net, exchange", "net, http1", "net, pool", "net, connect",
            "exchange, http1", "exchange, pool", "exchange, connect",
            "http1, pool", "http1, connect",
            "http2, pool", "http2, connect", "net, http2", "exchange, http2", "pool, http2",
            "pool, http1", "pool, connect",
            "http1, http2", "http2, http1",
    })
    void packageDoesNotUseAnother(String from, String forbidden) throws IOException {
        assertThat(INTERNAL.resolve(from)).isDirectory();
        String reference = "dev.httppool.internal." + forbidden + ".";

        assertThat(codeLinesMentioning(INTERNAL.resolve(from), reference)).isEmpty();
    }

    @ParameterizedTest(name = "client does not use {0}")
    @CsvSource({"exchange", "http1", "http2", "pool", "connect"})
    void theClientPackageUsesOnlyTheApiAndTheNetRules(String forbidden) throws IOException {
        Path client = SOURCES.resolve("dev/httppool/client");
        assertThat(client).isDirectory();

        assertThat(codeLinesMentioning(client, "dev.httppool.internal." + forbidden + ".")).isEmpty();
    }

    private static List<String> codeLinesMentioning(Path dir, String reference) throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i).trim();
                    boolean comment = line.startsWith("*") || line.startsWith("/*") || line.startsWith("//");
                    if (!comment && line.contains(reference)) {
                        found.add(file.getFileName() + ":" + (i + 1) + ": " + line);
                    }
                }
            }
        }
        return found;
    }
}
