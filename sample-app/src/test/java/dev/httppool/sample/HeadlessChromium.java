package dev.httppool.sample;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * Debian's {@code chromium} in headless mode, as the browser tests drive it: it loads a URL as a browser navigation
 * (so it asks for {@code text/html}), lets the page's timers run for a virtual time budget, then prints the DOM or
 * takes a screenshot. The tests are skipped when no chromium binary is on the {@code PATH}; {@code .ci/run} installs
 * it.
 */
final class HeadlessChromium {

    private static final List<String> NAMES = List.of("chromium", "chromium-browser", "google-chrome");
    private static final long TIMEOUT_SECONDS = 60;

    private final Path binary;

    private HeadlessChromium(Path binary) {
        this.binary = binary;
    }

    /** For {@code @EnabledIf}: the test class is skipped, before its application starts, without a browser. */
    static final String INSTALLED = "dev.httppool.sample.HeadlessChromium#isInstalled";
    static final String MISSING = "no chromium binary on the PATH (looked for chromium, chromium-browser,"
            + " google-chrome): skipping the browser test; install Debian's chromium (.ci/run does) to run it";

    static boolean isInstalled() {
        return find().isPresent();
    }

    /** The browser; test classes that use it are annotated {@code @EnabledIf(INSTALLED)}. */
    static HeadlessChromium installed() {
        return new HeadlessChromium(find().orElseThrow(() -> new IllegalStateException(MISSING)));
    }

    private static Optional<Path> find() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String name : NAMES) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    /** The page's DOM after {@code virtualMillis} of its own time (its polling timers fire in that time). */
    String dumpDom(String url, int virtualMillis) {
        return run(List.of("--dump-dom", "--virtual-time-budget=" + virtualMillis, url));
    }

    /** A PNG of the page after {@code virtualMillis} of its own time. */
    void screenshot(String url, int virtualMillis, Path png, int width, int height) {
        run(List.of("--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + "," + height,
                "--hide-scrollbars", "--virtual-time-budget=" + virtualMillis, url));
    }

    private String run(List<String> arguments) {
        Path profile = null;
        try {
            profile = Files.createTempDirectory("httppool-chromium");
            List<String> command = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox",
                    "--disable-gpu", "--no-first-run", "--user-data-dir=" + profile));
            command.addAll(arguments);
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            process.getOutputStream().close();
            CompletableFuture<String> stdout = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("chromium did not finish within " + TIMEOUT_SECONDS + " s: " + command);
            }
            String out = stdout.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (process.exitValue() != 0) {
                throw new IllegalStateException("chromium exited with " + process.exitValue() + ": " + command);
            }
            return out;
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        } catch (InterruptedException | ExecutionException | TimeoutException ex) {
            throw new IllegalStateException("chromium failed: " + ex, ex);
        } finally {
            delete(profile);
        }
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach((p) -> p.toFile().delete());
        } catch (IOException ex) {
            // a leftover temporary profile is harmless
        }
    }
}
