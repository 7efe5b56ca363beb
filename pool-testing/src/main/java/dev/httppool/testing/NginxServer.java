package dev.httppool.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * Debian's nginx on loopback, with TLS ({@link TestTls}'s certificate, exported to PEM) and HTTP/2 offered by ALPN,
 * under its own temporary prefix, started as a child process; in the style of the benchmarks' launcher (one worker,
 * keep-alive with no practical cap).
 *
 * <p>Locations: {@code /small} (a 13-byte {@code return 200}), {@code /files/} (static files in {@link #files()};
 * {@code PUT} stores the request body there, by nginx's dav module). The access log records
 * {@code $connection $server_protocol $status $request_method $uri} per request, read by
 * {@link #connectionsServing()}. {@link #reload()} is {@code nginx -s reload}: the old worker sends GOAWAY on its
 * HTTP/2 connections and a new worker takes over the listening socket.
 *
 * <p>Use {@link #available()} in a JUnit assumption: tests skip where nginx is not installed.
 */
public final class NginxServer implements AutoCloseable {

    private static final List<String> BINARIES = List.of("/usr/sbin/nginx", "/usr/local/sbin/nginx",
            "/usr/bin/nginx");

    private final Path prefix;
    private final int port;
    private final Process process;

    private NginxServer(Path prefix, int port, Process process) {
        this.prefix = prefix;
        this.port = port;
        this.process = process;
    }

    /** Whether an nginx binary is installed at one of the usual Debian paths. */
    public static boolean available() {
        return binary() != null;
    }

    private static String binary() {
        return BINARIES.stream().filter(b -> Files.isExecutable(Path.of(b))).findFirst().orElse(null);
    }

    /** Starts nginx with TLS and HTTP/2 on a free loopback port; returns once it accepts connections. */
    public static NginxServer start() throws IOException, InterruptedException {
        String binary = binary();
        if (binary == null) {
            throw new IllegalStateException("nginx is not installed (looked in " + BINARIES + ")");
        }
        Path prefix = Files.createTempDirectory("httppool-nginx");
        for (String d : List.of("logs", "tmp", "files")) {
            Files.createDirectories(prefix.resolve(d));
        }
        // The worker drops root for an unprivileged user: it must reach the files and write uploads.
        Files.setPosixFilePermissions(prefix, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(prefix.resolve("files"), PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setPosixFilePermissions(prefix.resolve("tmp"), PosixFilePermissions.fromString("rwxrwxrwx"));
        writePem(prefix);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String conf = String.join("\n",
                "worker_processes 1;",
                "daemon off;",
                "pid " + prefix + "/nginx.pid;",
                "error_log " + prefix + "/logs/error.log warn;",
                "events { worker_connections 1024; }",
                "http {",
                "  log_format conns '$connection $server_protocol $status $request_method $uri';",
                "  access_log " + prefix + "/logs/access.log conns;",
                "  client_body_temp_path " + prefix + "/tmp;",
                "  client_max_body_size 128m;",
                "  keepalive_requests 1000000000;",
                "  keepalive_timeout 3600s;",
                "  http2_max_requests 1000000000;",
                "  server {",
                "    listen 127.0.0.1:" + port + " ssl http2;",
                "    ssl_certificate " + prefix + "/cert.pem;",
                "    ssl_certificate_key " + prefix + "/key.pem;",
                "    location = /small { default_type text/plain; return 200 \"hello, world\\n\"; }",
                "    location /files/ { alias " + prefix + "/files/; dav_methods PUT; "
                        + "default_type application/octet-stream; }",
                "  }",
                "}",
                "");
        Path confFile = prefix.resolve("nginx.conf");
        Files.writeString(confFile, conf);
        Process p = new ProcessBuilder(binary, "-p", prefix.toString(), "-c", confFile.toString())
                .redirectErrorStream(true)
                .redirectOutput(prefix.resolve("logs/stdout.log").toFile())
                .start();
        NginxServer n = new NginxServer(prefix, port, p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return n;
            } catch (IOException e) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    String log = n.log("stdout.log") + n.log("error.log");
                    n.close();
                    throw new IOException("nginx did not start: " + log, e);
                }
                TimeUnit.MILLISECONDS.sleep(20); // polling a child process's listening socket, not synchronising
            }
        }
    }

    private static void writePem(Path prefix) throws IOException {
        TestTls tls = TestTls.get();
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (var in = Files.newInputStream(tls.keyStore())) {
                ks.load(in, tls.password().toCharArray());
            }
            String alias = ks.aliases().nextElement();
            Key key = ks.getKey(alias, tls.password().toCharArray());
            Certificate cert = ks.getCertificate(alias);
            Files.writeString(prefix.resolve("cert.pem"), pem("CERTIFICATE", cert.getEncoded()));
            Files.writeString(prefix.resolve("key.pem"), pem("PRIVATE KEY", key.getEncoded()));
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("could not export the test certificate", e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    public int port() {
        return port;
    }

    /** {@code https://127.0.0.1:<port><path>}. */
    public String url(String path) {
        return "https://127.0.0.1:" + port + path;
    }

    /** The directory served at {@code /files/}, where {@code PUT} stores bodies. */
    public Path files() {
        return prefix.resolve("files");
    }

    /** {@code nginx -s reload} (SIGHUP to the master): new workers take over, old ones close gracefully. */
    public void reload() throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-s", "HUP", Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IOException("kill -s HUP " + process.pid() + " failed");
        }
    }

    /** The access log file ({@link #accessLog()} reads it whole; benchmarks read it from an offset). */
    public Path accessLogFile() {
        return prefix.resolve("logs/access.log");
    }

    /** The server's certificate, in PEM (for clients outside this JVM, e.g. Go's). */
    public Path certificatePem() {
        return prefix.resolve("cert.pem");
    }

    /** The access log's lines so far, one per finished request. */
    public List<String> accessLog() {
        try {
            Path log = prefix.resolve("logs/access.log");
            return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The access log once it has at least {@code lines} lines, waiting up to 10 s for them: nginx writes a
     * request's line after it has sent the response, so a client can see the response before its line is there.
     */
    public List<String> awaitAccessLog(int lines) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<String> log = accessLog();
        while (log.size() < lines && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // polling another process's file
            log = accessLog();
        }
        return log;
    }

    /** The distinct connection serial numbers ({@code $connection}) that served requests so far. */
    public Set<Long> connectionsServing() {
        Set<Long> ids = new TreeSet<>();
        for (String line : accessLog()) {
            ids.add(Long.parseLong(line.substring(0, line.indexOf(' '))));
        }
        return ids;
    }

    private String log(String name) {
        try {
            Path p = prefix.resolve("logs").resolve(name);
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** Stops nginx at once (SIGTERM, bounded wait) and deletes its prefix. */
    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Path> paths = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(prefix)) {
            walk.sorted(Comparator.reverseOrder()).forEach(paths::add);
        }
        for (Path p : paths) {
            Files.deleteIfExists(p);
        }
    }
}
