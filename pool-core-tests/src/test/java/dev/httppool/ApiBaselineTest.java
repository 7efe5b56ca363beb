package dev.httppool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Keeps pool-core's exported API from changing by accident: the signatures of everything the module
 * {@code dev.httppool} exports must equal the checked-in baseline {@code pool-core/api/pool-core.api}. A change
 * that is meant goes with a regenerated baseline (see {@link #UPDATE_COMMAND}), so that it shows in review.
 */
class ApiBaselineTest {

    /** Regenerates the baseline from the compiled classes instead of comparing against it. */
    static final String UPDATE_COMMAND = "mvn -B -pl pool-core-tests -am test -Dtest=ApiBaselineTest"
            + " -Dsurefire.failIfNoSpecifiedTests=false -Dhttppool.api.update=true";

    private static final String BASELINE_PROPERTY = "httppool.api.baseline"; // set by pool-core-tests/pom.xml
    private static final String UPDATE_PROPERTY = "httppool.api.update";
    private static final String INTERNAL = "dev.httppool.internal";

    private final ApiSignatures api = ApiSignatures.ofModuleOf(Transport.class);

    @Test
    void theModuleExportsAndOpensNoInternalPackage() {
        ModuleDescriptor module = api.descriptor();
        assertThat(module.name()).isEqualTo("dev.httppool");
        assertThat(module.exports()).extracting(ModuleDescriptor.Exports::source).contains("dev.httppool")
                .noneMatch(ApiBaselineTest::isInternal);
        assertThat(module.opens()).extracting(ModuleDescriptor.Opens::source)
                .noneMatch(ApiBaselineTest::isInternal);
    }

    @Test
    void theExportedApiMatchesTheCheckedInBaseline() throws IOException {
        Path baseline = baseline();
        List<String> actual = api.lines();
        if (Boolean.getBoolean(UPDATE_PROPERTY)) {
            Files.createDirectories(baseline.getParent());
            Files.writeString(baseline, String.join("\n", actual) + "\n", StandardCharsets.UTF_8);
            return;
        }
        if (!Files.exists(baseline)) {
            fail("No API baseline at " + baseline + ". Create it with\n  " + UPDATE_COMMAND
                    + "\nthen review and commit it.");
        }
        List<String> expected = Files.readAllLines(baseline, StandardCharsets.UTF_8);
        if (!expected.equals(actual)) {
            fail("pool-core's exported API differs from " + baseline + " (- baseline, + compiled):\n"
                    + diff(expected, actual) + "\nIf the change is intended, regenerate the baseline with\n  "
                    + UPDATE_COMMAND + "\nthen review the file's diff and commit it with the change.");
        }
    }

    @Test
    void aChangedSignatureShowsAsRemovedAndAddedUnderItsType() {
        List<String> before = List.of("module dev.httppool", "  exports dev.httppool", "",
                "public final class dev.httppool.A<T> implements java.lang.AutoCloseable", "  public void close()",
                "  public int size()", "", "public interface dev.httppool.B", "  public abstract void run()");
        List<String> after = List.of("module dev.httppool", "  exports dev.httppool", "  exports dev.httppool.client",
                "", "public final class dev.httppool.A<T> implements java.lang.AutoCloseable", "  public void close()",
                "  public long size()", "", "public interface dev.httppool.B", "  public abstract void run()");

        assertThat(diff(before, after)).isEqualTo("""
                dev.httppool.A
                  - public int size()
                  + public long size()
                module dev.httppool
                  + exports dev.httppool.client
                """);
    }

    private static boolean isInternal(String packageName) {
        return packageName.equals(INTERNAL) || packageName.startsWith(INTERNAL + ".");
    }

    private static Path baseline() {
        String path = System.getProperty(BASELINE_PROPERTY);
        if (path == null) {
            fail("system property '" + BASELINE_PROPERTY + "' is not set; run this test through Maven"
                    + " (pool-core-tests/pom.xml sets it to pool-core/api/pool-core.api)");
        }
        return Path.of(path).toAbsolutePath().normalize();
    }

    /**
     * The lines only one side has, grouped under the type (or module) they belong to. The baseline is sorted and
     * a line never repeats within its type, so comparing sets of (type, line) pairs misses nothing.
     */
    static String diff(List<String> expected, List<String> actual) {
        Map<String, Set<String>> before = byOwner(expected);
        Map<String, Set<String>> after = byOwner(actual);
        Set<String> owners = new TreeSet<>(before.keySet());
        owners.addAll(after.keySet());
        StringBuilder out = new StringBuilder();
        for (String owner : owners) {
            List<String> changes = new ArrayList<>();
            Set<String> old = before.getOrDefault(owner, Set.of());
            Set<String> now = after.getOrDefault(owner, Set.of());
            old.stream().filter(line -> !now.contains(line)).forEach(line -> changes.add("  - " + line));
            now.stream().filter(line -> !old.contains(line)).forEach(line -> changes.add("  + " + line));
            if (!changes.isEmpty()) {
                out.append(owner).append('\n');
                changes.forEach(change -> out.append(change).append('\n'));
            }
        }
        return out.length() == 0 ? "(only the order of lines differs)\n" : out.toString();
    }

    private static Map<String, Set<String>> byOwner(List<String> lines) {
        Map<String, Set<String>> owners = new TreeMap<>();
        String owner = "";
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            if (!line.startsWith(" ")) {
                owner = ownerOf(line);
            }
            owners.computeIfAbsent(owner, k -> new LinkedHashSet<>()).add(line.strip());
        }
        return owners;
    }

    /** {@code module <name>}, or the type name in a type header such as {@code public final class a.B<T> ...}. */
    private static String ownerOf(String header) {
        List<String> words = List.of(header.split(" "));
        for (String kind : List.of("class", "interface", "enum", "record", "@interface")) {
            int at = words.indexOf(kind);
            if (at >= 0 && at + 1 < words.size()) {
                return words.get(at + 1).split("<")[0];
            }
        }
        return header;
    }
}
