package dev.httppool.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Debian's nginx under its own temporary prefix: one worker, loopback only, {@code /small} (a {@code return 200}
 * with a 13-byte body), {@code /16k} (a 16 KiB static file), {@code /nginx_status} (stub_status), keep-alive
 * with no practical request cap or timeout.
 */
@SuppressWarnings("try")
final class Nginx implements AutoCloseable {

    final Path prefix;
    final int port;
    private final Process process;

    private Nginx(Path prefix, int port, Process process) {
        this.prefix = prefix;
        this.port = port;
        this.process = process;
    }

    static Nginx start(List<String> prefixCommand, String binary) throws Exception {
        return start(prefixCommand, binary, "3600s", 0);
    }

    /**
     * @param keepaliveTimeout nginx's {@code keepalive_timeout} (e.g. {@code 1s} for the stale keep-alive race)
     * @param fixedPort the port to listen on, or 0 for a free one (a restarted server reuses its predecessor's)
     */
    static Nginx start(List<String> prefixCommand, String binary, String keepaliveTimeout, int fixedPort)
            throws Exception {
        Path prefix = Files.createTempDirectory("httppool-bench-nginx");
        Files.createDirectories(prefix.resolve("html"));
        Files.createDirectories(prefix.resolve("logs"));
        Files.createDirectories(prefix.resolve("tmp"));
        byte[] file = new byte[16 * 1024];
        new Random(42).nextBytes(file);
        Files.write(prefix.resolve("html/16k"), file);
        // nginx's worker drops root for an unprivileged user: it must be able to read the static file.
        Files.setPosixFilePermissions(prefix, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(prefix.resolve("html"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(prefix.resolve("html/16k"), PosixFilePermissions.fromString("rw-r--r--"));
        int port = fixedPort;
        if (port == 0) {
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
        }
        String conf = String.join("\n",
                "worker_processes 1;",
                "daemon off;",
                "pid " + prefix + "/nginx.pid;",
                "error_log " + prefix + "/logs/error.log warn;",
                "worker_rlimit_nofile 65536;",
                "events { worker_connections 8192; }",
                "http {",
                "  access_log off;",
                "  client_body_temp_path " + prefix + "/tmp;",
                "  keepalive_requests 1000000000;",
                "  keepalive_timeout " + keepaliveTimeout + ";",
                "  sendfile on;",
                "  tcp_nodelay on;",
                "  server {",
                "    listen 127.0.0.1:" + port + " backlog=4096;",
                "    location = /small { default_type text/plain; return 200 \"hello, world\\n\"; }",
                "    location = /echo { default_type text/plain; return 200 \"posted\\n\"; }",
                "    location = /16k { root " + prefix + "/html; default_type application/octet-stream; }",
                "    location = /nginx_status { stub_status; }",
                "  }",
                "}",
                "");
        Path confFile = prefix.resolve("nginx.conf");
        Files.writeString(confFile, conf);
        List<String> cmd = new ArrayList<>(prefixCommand);
        cmd.addAll(List.of(binary, "-p", prefix.toString(), "-c", confFile.toString()));
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(prefix.resolve("logs/stdout.log").toFile())
                .start();
        Nginx n = new Nginx(prefix, port, p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                n.accepted();
                return n;
            } catch (IOException e) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    p.destroy();
                    throw new IOException("nginx did not start; see " + prefix + "/logs", e);
                }
                Thread.sleep(50);
            }
        }
    }

    /** nginx's count of accepted connections, from stub_status (this request's own connection included). */
    long accepted() throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(("GET /nginx_status HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            String text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            int i = text.indexOf("server accepts handled requests");
            if (i < 0) {
                throw new IOException("unexpected stub_status: " + text);
            }
            String[] nums = text.substring(i).split("\n")[1].trim().split("\\s+");
            return Long.parseLong(nums[0]);
        }
    }

    /** {@code nginx -s reload}: new workers take over; old ones finish their requests and close their connections. */
    void reload() throws Exception {
        signal("HUP");
    }

    /**
     * {@code nginx -s quit}: graceful shutdown. Waits (bounded) until the master has exited and its listening
     * socket is gone.
     */
    void quit() throws Exception {
        signal("QUIT");
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    private void signal(String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-s", name, Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IOException("kill -s " + name + " " + process.pid() + " failed");
        }
    }

    @Override
    public void close() throws Exception {
        process.destroy(); // SIGTERM: nginx's fast shutdown
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
