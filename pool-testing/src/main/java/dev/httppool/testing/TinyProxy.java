package dev.httppool.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's {@code tinyproxy} on loopback, a real forward proxy, started in the foreground as a child process under
 * its own temporary directory. It lets CONNECT through to the ports it is started with only (tinyproxy's
 * {@code ConnectPort}) and logs every request line, which {@link #connectCount()} reads.
 *
 * <p>Use {@link #available()} in a JUnit assumption: tests skip where tinyproxy is not installed.
 */
public final class TinyProxy implements AutoCloseable {

    private static final List<String> BINARIES = List.of("/usr/bin/tinyproxy", "/usr/sbin/tinyproxy",
            "/usr/local/bin/tinyproxy");

    private final Path dir;
    private final int port;
    private final Process process;

    private TinyProxy(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    /** Whether a tinyproxy binary is installed at one of the usual paths. */
    public static boolean available() {
        return binary() != null;
    }

    private static String binary() {
        return BINARIES.stream().filter(b -> Files.isExecutable(Path.of(b))).findFirst().orElse(null);
    }

    /** Starts tinyproxy on a free loopback port, allowing CONNECT to {@code connectPorts}; returns once it listens. */
    public static TinyProxy start(int... connectPorts) throws IOException, InterruptedException {
        String binary = binary();
        if (binary == null) {
            throw new IllegalStateException("tinyproxy is not installed (looked in " + BINARIES + ")");
        }
        Path dir = Files.createTempDirectory("httppool-tinyproxy");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        StringBuilder conf = new StringBuilder()
                .append("Port ").append(port).append('\n')
                .append("Listen 127.0.0.1\n")
                .append("Timeout 60\n")
                .append("MaxClients 200\n")
                .append("Allow 127.0.0.1\n")
                .append("LogLevel Connect\n")
                .append("PidFile \"").append(dir.resolve("tinyproxy.pid")).append("\"\n");
        for (int p : connectPorts) {
            conf.append("ConnectPort ").append(p).append('\n');
        }
        Path confFile = dir.resolve("tinyproxy.conf");
        Files.writeString(confFile, conf.toString());
        Process p = new ProcessBuilder(binary, "-d", "-c", confFile.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("tinyproxy.log").toFile())
                .start();
        TinyProxy proxy = new TinyProxy(dir, port, p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return proxy;
            } catch (IOException e) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    String log = proxy.log();
                    proxy.close();
                    throw new IOException("tinyproxy did not start: " + log, e);
                }
                TimeUnit.MILLISECONDS.sleep(20); // polling a child process's listening socket, not synchronising
            }
        }
    }

    /** {@code http://127.0.0.1:port}. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** The CONNECT requests tinyproxy logged so far. */
    public long connectCount() {
        return log().lines().filter(l -> l.contains(": CONNECT ")).count();
    }

    /** Everything tinyproxy wrote so far. */
    public String log() {
        try {
            Path log = dir.resolve("tinyproxy.log");
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
