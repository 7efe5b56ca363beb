package dev.httppool.bench;

import dev.httppool.Request;
import dev.httppool.Response;
import dev.httppool.Transport;
import dev.httppool.TransportConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;

/**
 * Issue 15 item 3: heap plus direct memory per idle connection. Each client, in a JVM of its own, opens
 * {@code --connections} keep-alive connections to one nginx at once (every caller holds its response until all
 * have one, so none is shared), lets them all go idle, waits {@code --idle-seconds} (httppool's maintenance lends
 * idle connections' buffers back within about a second), collects garbage and reports (heap used + direct used
 * after - before) / connections. Go's Transport is measured by {@code benchmarks/go-footprint} (RSS growth).
 *
 * <p>Usage: {@code Footprint --out DIR [--connections 5000] [--idle-seconds 3] [--before-classes DIR]
 * [--go BINARY]}; {@code --before-classes} adds a run of httppool with pool-core's classes from DIR (e.g. the
 * commit before the buffers were released while idle).
 */
public final class Footprint {

    private Footprint() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        if (opts.containsKey("child")) {
            child(opts.get("child"), Integer.parseInt(opts.get("port")), Integer.parseInt(opts.get("connections")),
                    Integer.parseInt(opts.get("idle-seconds")));
            return;
        }
        int connections = Integer.parseInt(opts.getOrDefault("connections", "5000"));
        String idle = opts.getOrDefault("idle-seconds", "3");
        Path out = Path.of(opts.getOrDefault("out", "benchmarks/results"));
        String cp = System.getProperty("java.class.path");
        List<String[]> rows = new ArrayList<>();
        try (Nginx nginx = Nginx.start(List.of(), "nginx")) {
            List<String[]> runs = new ArrayList<>();
            if (opts.containsKey("before-classes")) {
                runs.add(new String[] {"httppool (before: buffers kept while idle)", "httppool",
                        opts.get("before-classes") + java.io.File.pathSeparator + cp});
            }
            runs.add(new String[] {"httppool", "httppool", cp});
            runs.add(new String[] {"Apache HttpClient 5 classic", "apache", cp});
            runs.add(new String[] {"OkHttp 4", "okhttp", cp});
            for (String[] run : runs) {
                List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                        .toString(), "-Xms512m", "-Xmx512m", "-cp", run[2], Footprint.class.getName(), "--child",
                        run[1], "--port", String.valueOf(nginx.port), "--connections", String.valueOf(connections),
                        "--idle-seconds", idle));
                rows.add(row(run[0], exec(cmd)));
            }
            if (opts.containsKey("go")) {
                rows.add(row("Go net/http Transport (RSS growth)", exec(List.of(opts.get("go"), "-port",
                        String.valueOf(nginx.port), "-connections", String.valueOf(connections), "-idle-seconds",
                        idle))));
            }
        }
        StringBuilder md = new StringBuilder();
        String date = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
        md.append("# Idle connection footprint, ").append(date).append("\n\n")
                .append("Command: `benchmarks/footprint.sh` (").append(connections).append(" idle keep-alive connections "
                        + "to one local nginx per client, default buffer sizes, each Java client in its own JVM on ")
                .append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.version"))
                .append(", -Xmx512m; measured ").append(idle).append(" s after the last response; heap used after "
                        + "System.gc() plus direct buffers in use, after minus before, divided by the connections "
                        + "nginx reported active). Go: RSS growth (VmRSS) and Go heap in use.\n\n")
                .append("| client | connections seen by nginx | heap+direct per idle connection | heap | direct |\n")
                .append("|---|---|---|---|---|\n");
        for (String[] r : rows) {
            md.append("| ").append(String.join(" | ", r)).append(" |\n");
        }
        Files.createDirectories(out);
        Path file = out.resolve(date + "-footprint.md");
        Files.writeString(file, md.toString());
        System.out.print(md);
        System.out.println("wrote " + file);
    }

    /** A result line {@code RESULT connections=N perConn=B heap=B direct=B} as a table row. */
    private static String[] row(String name, String result) {
        Map<String, String> kv = new LinkedHashMap<>();
        for (String part : result.trim().split("\\s+")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                kv.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        return new String[] {name, kv.getOrDefault("connections", "?"), kib(kv.get("perConn")),
                kib(kv.get("heap")) + " total", kib(kv.get("direct")) + " total"};
    }

    private static String kib(String bytes) {
        if (bytes == null) {
            return "?";
        }
        return String.format("%.2f KiB", Double.parseDouble(bytes) / 1024);
    }

    private static String exec(List<String> cmd) throws Exception {
        System.out.println("running " + String.join(" ", cmd.subList(0, Math.min(cmd.size(), 3))) + " ...");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String result = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                System.out.println("  " + line);
                if (line.startsWith("RESULT ")) {
                    result = line.substring(7);
                }
            }
        }
        if (!p.waitFor(10, TimeUnit.MINUTES) || result == null) {
            throw new IOException("no RESULT from " + cmd);
        }
        return result;
    }

    /** One client's measurement, in its own JVM. */
    private static void child(String client, int port, int n, int idleSeconds) throws Exception {
        String url = "http://127.0.0.1:" + port + "/small";
        Holder holder = switch (client) {
            case "httppool" -> httppool(n);
            case "apache" -> apache(n);
            case "okhttp" -> okhttp(n);
            default -> throw new IllegalArgumentException("unknown client " + client);
        };
        holder.get(url).close(); // load the classes that every connection uses
        int activeBefore = active(port);
        long[] before = measure();
        CountDownLatch all = new CountDownLatch(n);
        ExecutorService callers = Executors.newFixedThreadPool(Math.min(n, 1000));
        List<Future<?>> done = new ArrayList<>();
        // Up to 1,000 threads at a time: each opens ceil(n / 1000) responses and holds them until all n are open.
        int perThread = (n + 999) / 1000;
        for (int t = 0; t < Math.min(n, 1000); t++) {
            int from = t * perThread;
            int to = Math.min(n, from + perThread);
            done.add(callers.submit(() -> {
                List<AutoCloseable> open = new ArrayList<>();
                for (int i = from; i < to; i++) {
                    open.add(holder.get(url));
                    all.countDown();
                }
                all.await();
                for (AutoCloseable c : open) {
                    c.close();
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get(5, TimeUnit.MINUTES);
        }
        callers.shutdown();
        callers.awaitTermination(1, TimeUnit.MINUTES);
        Thread.sleep(TimeUnit.SECONDS.toMillis(idleSeconds)); // let the connections sit idle
        long[] after = measure();
        int connections = active(port) - activeBefore;
        long heap = after[0] - before[0];
        long direct = after[1] - before[1];
        System.out.println("RESULT connections=" + connections + " perConn=" + (heap + direct) / Math.max(1, connections)
                + " heap=" + heap + " direct=" + direct);
        holder.close();
    }

    /** A client that returns a response still holding its connection. */
    private interface Holder extends AutoCloseable {
        AutoCloseable get(String url) throws Exception;
    }

    private static Holder httppool(int n) {
        Transport t = Transport.builder().config(TransportConfig.builder().maxIdleConns(n).maxIdleConnsPerHost(n)
                .idleConnTimeout(Duration.ofHours(1)).build()).build();
        return new Holder() {
            @Override
            public AutoCloseable get(String url) throws Exception {
                Response r = t.roundTrip(Request.get(url));
                return () -> {
                    r.body().readAllBytes();
                    r.close();
                };
            }

            @Override
            public void close() {
                t.close();
            }
        };
    }

    private static Holder apache(int n) {
        PoolingHttpClientConnectionManager cm = PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnTotal(n).setMaxConnPerRoute(n).build();
        CloseableHttpClient client = HttpClients.custom().setConnectionManager(cm).build();
        return new Holder() {
            @Override
            public AutoCloseable get(String url) throws Exception {
                ClassicHttpResponse r = client.executeOpen(null, new HttpGet(url), null);
                return () -> {
                    r.getEntity().getContent().readAllBytes();
                    r.close();
                };
            }

            @Override
            public void close() throws IOException {
                client.close();
            }
        };
    }

    private static Holder okhttp(int n) {
        okhttp3.Dispatcher dispatcher = new okhttp3.Dispatcher();
        okhttp3.OkHttpClient client = new okhttp3.OkHttpClient.Builder()
                .connectionPool(new okhttp3.ConnectionPool(n, 1, TimeUnit.HOURS)).dispatcher(dispatcher).build();
        return new Holder() {
            @Override
            public AutoCloseable get(String url) throws Exception {
                okhttp3.Response r = client.newCall(new okhttp3.Request.Builder().url(url).build()).execute();
                return () -> {
                    r.body().bytes();
                    r.close();
                };
            }

            @Override
            public void close() {
                client.dispatcher().executorService().shutdown();
                client.connectionPool().evictAll();
            }
        };
    }

    /** Heap used after collecting garbage, and direct buffers in use. */
    private static long[] measure() throws InterruptedException {
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100);
        }
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long direct = 0;
        for (BufferPoolMXBean b : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (b.getName().equals("direct")) {
                direct = b.getMemoryUsed();
            }
        }
        return new long[] {heap, direct};
    }

    /** nginx's "Active connections" from stub_status (this request's own connection included). */
    static int active(int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write("GET /nginx_status HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            String text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            int i = text.indexOf("Active connections:");
            if (i < 0) {
                throw new IOException("unexpected stub_status: " + text);
            }
            return Integer.parseInt(text.substring(i + "Active connections:".length()).trim().split("\\s+")[0]);
        }
    }
}
