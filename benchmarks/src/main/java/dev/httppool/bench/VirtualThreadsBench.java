package dev.httppool.bench;

import dev.httppool.Request;
import dev.httppool.Response;
import dev.httppool.Transport;
import dev.httppool.TransportConfig;
import dev.httppool.spring.client.HttpPoolClientHttpRequestFactory;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.springframework.web.client.RestClient;

/**
 * Issue 15 item 1: many callers on virtual threads against one nginx. For each connection cap (64, 256) and client
 * (httppool's {@code Transport}, {@code rc-httppool}: Spring's {@code RestClient} over it, Apache HttpClient 5
 * classic, the JDK client, which has no per-host cap), 64
 * platform threads, 1,000 and 10,000 virtual threads loop on GET /small: a warm-up, then a measured window.
 * Reports requests/s, p50/p99 latency (from the call to the end of the body, so time waiting for a connection is
 * in it), connections nginx accepted, heap in use at the end of the window (after a GC, callers still running;
 * virtual threads' stacks live on the heap) and JFR {@code jdk.VirtualThreadPinned} events (threshold 0), with how
 * many had a frame of the client's own packages (the recording starts after the warm-up; pins by class loading
 * and initialisation are not counted as the client's). Needs JDK 21+ for the virtual-thread rows.
 *
 * <p>Usage: {@code VirtualThreadsBench --out DIR [--seconds 5] [--warmup-seconds 2] [--caps 64,256]
 * [--clients httppool,rc-httppool,apache,jdk] [--callers p64,v1000,v10000]}
 */
@SuppressWarnings("try")
public final class VirtualThreadsBench {

    private static final int MAX_MICROS = 2_000_000;

    private VirtualThreadsBench() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = 5;
        int warmup = 2;
        Path out = Path.of("benchmarks/results");
        List<String> caps = List.of("64", "256");
        List<String> clients = List.of("httppool", "rc-httppool", "apache", "jdk");
        List<String> callers = List.of("p64", "v1000", "v10000");
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--warmup-seconds" -> warmup = Integer.parseInt(args[i + 1]);
                case "--out" -> out = Path.of(args[i + 1]);
                case "--caps" -> caps = List.of(args[i + 1].split(","));
                case "--clients" -> clients = List.of(args[i + 1].split(","));
                case "--callers" -> callers = List.of(args[i + 1].split(","));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (virtualExecutor() == null) {
            throw new IllegalStateException("virtual threads need JDK 21 or later; this is "
                    + System.getProperty("java.version"));
        }
        StringBuilder md = new StringBuilder();
        String date = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
        md.append("# Virtual threads at scale, ").append(date).append("\n\n")
                .append("`VirtualThreadsBench` on ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.version")).append(", ").append(Runtime.getRuntime().availableProcessors())
                .append(" CPUs, nginx (1 worker) on loopback, GET /small; each trial ").append(warmup)
                .append(" s warm-up + ").append(seconds).append(" s measured, one JVM, trials in sequence.\n\n")
                .append("| cap | client | callers | req/s | p50 µs | p99 µs | conns opened | heap MiB | pinned "
                        + "(client frames) | CPU µs/req |\n|---:|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
        try (Nginx nginx = Nginx.start(List.of(), "nginx")) {
            String url = "http://127.0.0.1:" + nginx.port + "/small";
            for (String cap : caps) {
                for (String client : clients) {
                    for (String c : callers) {
                        String row = trial(nginx, url, Integer.parseInt(cap), client, c, warmup, seconds);
                        System.out.println(row);
                        md.append(row).append('\n');
                    }
                }
            }
        }
        Files.createDirectories(out);
        Path file = out.resolve(date + "-virtual-threads.md");
        Files.writeString(file, md.toString());
        System.out.print(md);
        System.out.println("wrote " + file);
    }

    /** One client call: GET, read the body to its end. */
    private interface Call {
        void get() throws Exception;
    }

    private static String trial(Nginx nginx, String url, int cap, String client, String callers, int warmup,
            int seconds) throws Exception {
        AutoCloseable[] closer = new AutoCloseable[1];
        Call call = client(client, url, cap, closer);
        String pkg = switch (client) {
            case "httppool", "rc-httppool" -> "dev.httppool.";
            case "apache" -> "org.apache.hc.";
            default -> "jdk.internal.net.http.";
        };
        boolean virtual = callers.startsWith("v");
        int n = Integer.parseInt(callers.substring(1));
        AtomicLongArray micros = new AtomicLongArray(MAX_MICROS + 1);
        AtomicLong errors = new AtomicLong();
        AtomicLong done = new AtomicLong();
        long acceptedBefore = nginx.accepted();
        Recording recording = new Recording();
        recording.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO).withStackTrace();
        Flags state = new Flags();
        ExecutorService pool = virtual ? virtualExecutor() : Executors.newFixedThreadPool(n);
        CountDownLatch ended = new CountDownLatch(n);
        for (int t = 0; t < n; t++) {
            pool.execute(() -> {
                try {
                    while (!state.stop) {
                        long t0 = System.nanoTime();
                        try {
                            call.get();
                        } catch (Exception e) {
                            errors.incrementAndGet();
                            continue;
                        }
                        if (state.recording) {
                            long us = (System.nanoTime() - t0) / 1000;
                            micros.incrementAndGet((int) Math.min(us, MAX_MICROS));
                            done.incrementAndGet();
                        }
                    }
                } finally {
                    ended.countDown();
                }
            });
        }
        Thread.sleep(TimeUnit.SECONDS.toMillis(warmup));
        recording.start(); // after the warm-up: pins by first-use class loading are the JVM's
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        state.recording = true;
        long start = System.nanoTime();
        long cpuStart = os.getProcessCpuTime();
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
        state.recording = false;
        long cpu = os.getProcessCpuTime() - cpuStart; // this JVM's CPU (the client's; nginx is another process)
        long elapsed = System.nanoTime() - start;
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        state.stop = true;
        ended.await(60, TimeUnit.SECONDS);
        pool.shutdownNow();
        recording.stop();
        Path jfr = Files.createTempFile("vt-bench", ".jfr");
        recording.dump(jfr);
        recording.close();
        int pinned = 0;
        int pinnedClient = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
            if (!e.getEventType().getName().equals("jdk.VirtualThreadPinned")) {
                continue;
            }
            pinned++;
            if (e.getStackTrace() != null && !(e.hasField("pinnedReason")
                    && String.valueOf(e.getValue("pinnedReason")).contains("initialization"))) {
                for (RecordedFrame f : e.getStackTrace().getFrames()) {
                    String type = f.getMethod().getType().getName();
                    if (type.equals("java.lang.ClassLoader")) {
                        break; // class loading: the JVM's
                    }
                    if (type.startsWith(pkg) && !type.startsWith("dev.httppool.bench.")) {
                        if (pinnedClient++ < 3) {
                            System.out.println("pinned (" + client + "): " + e);
                        }
                        break;
                    }
                }
            }
        }
        Files.deleteIfExists(jfr);
        long opened = nginx.accepted() - acceptedBefore - 1; // minus the status request's own
        closer[0].close();
        long count = done.get();
        return String.format("| %d | %s | %s | %.0f | %d | %d | %d | %.0f | %d (%d) | %.1f |%s", cap, client,
                (virtual ? n + " virtual" : n + " platform"), count * 1e9 / elapsed, percentile(micros, count, 0.50),
                percentile(micros, count, 0.99), opened, heap / 1048576.0, pinned, pinnedClient,
                count == 0 ? 0.0 : cpu / 1000.0 / count,
                errors.get() > 0 ? " errors " + errors.get() : "");
    }

    /** Flags the callers read. */
    private static final class Flags {
        volatile boolean recording;
        volatile boolean stop;
    }

    private static long percentile(AtomicLongArray micros, long count, double q) {
        long want = (long) Math.ceil(count * q);
        long seen = 0;
        for (int i = 0; i <= MAX_MICROS; i++) {
            seen += micros.get(i);
            if (seen >= want && want > 0) {
                return i;
            }
        }
        return MAX_MICROS;
    }

    private static Call client(String client, String url, int cap, AutoCloseable[] closer) {
        switch (client) {
            case "httppool": {
                Transport t = Transport.builder().config(TransportConfig.builder().maxConnsPerHost(cap)
                        .maxIdleConnsPerHost(cap).maxIdleConns(cap).build()).build();
                closer[0] = t::close;
                Request request = Request.get(url);
                return () -> {
                    try (Response r = t.roundTrip(request)) {
                        r.body().readAllBytes();
                    }
                };
            }
            case "rc-httppool": {
                Transport t = Transport.builder().config(TransportConfig.builder().maxConnsPerHost(cap)
                        .maxIdleConnsPerHost(cap).maxIdleConns(cap).build()).build();
                closer[0] = t::close;
                RestClient rc = RestClient.builder().requestFactory(new HttpPoolClientHttpRequestFactory(t)).build();
                URI uri = URI.create(url);
                return () -> rc.get().uri(uri).retrieve().body(byte[].class);
            }
            case "apache": {
                CloseableHttpClient c = HttpClients.custom().setConnectionManager(
                        PoolingHttpClientConnectionManagerBuilder.create().setMaxConnTotal(cap)
                                .setMaxConnPerRoute(cap).build()).build();
                closer[0] = c;
                return () -> c.execute(new HttpGet(url), response -> {
                    EntityUtils.consume(response.getEntity());
                    return null;
                });
            }
            case "jdk": {
                HttpClient c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                closer[0] = () -> { };
                HttpRequest request = HttpRequest.newBuilder(URI.create(url)).build();
                return () -> c.send(request, HttpResponse.BodyHandlers.ofByteArray());
            }
            default:
                throw new IllegalArgumentException("unknown client " + client);
        }
    }

    private static ExecutorService virtualExecutor() {
        try {
            return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }
}
