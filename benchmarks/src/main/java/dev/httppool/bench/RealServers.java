package dev.httppool.bench;

import dev.httppool.Request;
import dev.httppool.RequestBody;
import dev.httppool.Response;
import dev.httppool.Transport;
import dev.httppool.TransportConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.ContentType;

/**
 * Faults of a real server, for httppool and Apache HttpClient 5 (classic) side by side, against Debian's nginx:
 * <ul>
 * <li><b>stale keep-alive race</b>: {@code keepalive_timeout 1s}; bursts of GETs and POSTs separated by pauses of
 * 0.99–1.01 s, so requests meet connections the server is closing at that very moment;
 * <li><b>reload</b>: {@code nginx -s reload} every 500 ms under steady GET and POST load;
 * <li><b>quit and restart</b>: {@code nginx -s quit} and a new nginx on the same port, once a second under load.
 * </ul>
 * Every request is a plain GET or a POST without an idempotency key, both pools hold up to 16 connections, both
 * clients keep their other defaults. A failure is any exception or a status other than 200. Writes
 * {@code <out>/<date>-real-servers.md}. Bounded: a fixed number of rounds and seconds, on loopback only.
 *
 * <p>Usage: {@code RealServers [--out DIR] [--nginx BINARY] [--rounds N] [--seconds N] [--clients httppool,apache]}
 */
public final class RealServers {

    private static final byte[] POST_BODY = "x".repeat(512).getBytes(StandardCharsets.US_ASCII);
    private static final int THREADS = 4;

    private final String nginx;
    private final Random random = new Random(7);

    private RealServers(String nginx) {
        this.nginx = nginx;
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of("benchmarks/results");
        String nginx = "nginx";
        int rounds = 60;
        int seconds = 10;
        List<String> clients = List.of("httppool", "apache");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(args[++i]);
                case "--nginx" -> nginx = args[++i];
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--clients" -> clients = List.of(args[++i].split(","));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        RealServers run = new RealServers(nginx);
        StringBuilder md = new StringBuilder();
        md.append("# httppool against real-server faults, ").append(LocalDate.now()).append("\n\n");
        md.append("- nginx: ").append(Runner.firstLine(new String[] {nginx, "-v"})).append("; JDK ")
                .append(System.getProperty("java.runtime.version")).append('\n');
        md.append("- ").append(THREADS).append(" threads, each alternating GET /small and POST /echo (512-byte body,"
                + " no idempotency key); both pools hold up to 16 connections; other settings are each client's"
                + " defaults.\n\n");
        md.append("A connection refused while no nginx listens (between quit and restart) is counted apart: no client"
                + " can do anything about it.\n\n");
        md.append("| scenario | client | GETs | GET failures /1000 | POSTs | POST failures /1000 | refused while down"
                + " | failures by kind |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|---|\n");
        for (String scenario : List.of("stale keep-alive race", "reload under load", "quit and restart")) {
            for (String client : clients) {
                Tally t = run.scenario(scenario, client, rounds, seconds);
                md.append("| ").append(scenario).append(" | ").append(client).append(" | ").append(t.gets.sum())
                        .append(" | ").append(perThousand(t.getFailures.sum(), t.gets.sum())).append(" | ")
                        .append(t.posts.sum()).append(" | ").append(perThousand(t.postFailures.sum(), t.posts.sum()))
                        .append(" | ").append(t.refused.sum()).append(" | ").append(t.kinds()).append(" |\n");
                System.out.println(scenario + " / " + client + ": " + t);
            }
        }
        Files.createDirectories(out);
        Path file = out.resolve(LocalDate.now() + "-real-servers.md");
        Files.writeString(file, md.toString());
        System.out.println("report: " + file);
    }

    private static String perThousand(long failures, long total) {
        return total == 0 ? "-" : String.format("%.2f (%d)", 1000.0 * failures / total, failures);
    }

    private Tally scenario(String scenario, String client, int rounds, int seconds) throws Exception {
        Tally tally = new Tally();
        String keepAlive = scenario.startsWith("stale") ? "1s" : "3600s";
        Nginx[] server = {Nginx.start(List.of(), nginx, keepAlive, 0)};
        int port = server[0].port;
        try (Caller caller = caller(client, port)) {
            if (scenario.startsWith("stale")) {
                for (int r = 0; r < rounds; r++) {
                    burst(caller, tally);
                    Thread.sleep(990 + random.nextInt(21)); // 0.99-1.01 s: the server's 1 s timeout fires now
                }
            } else {
                AtomicBoolean stop = new AtomicBoolean();
                ExecutorService load = Executors.newFixedThreadPool(THREADS);
                List<Future<?>> running = new ArrayList<>();
                for (int i = 0; i < THREADS; i++) {
                    running.add(load.submit(() -> {
                        for (int n = 0; !stop.get(); n++) {
                            caller.call(n % 2 == 0, tally);
                        }
                        return null;
                    }));
                }
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
                while (System.nanoTime() < end) {
                    if (scenario.startsWith("reload")) {
                        Thread.sleep(500);
                        server[0].reload();
                    } else {
                        Thread.sleep(1000);
                        server[0].quit();
                        server[0] = Nginx.start(List.of(), nginx, keepAlive, port);
                    }
                }
                stop.set(true);
                for (Future<?> f : running) {
                    f.get(60, TimeUnit.SECONDS);
                }
                load.shutdown();
            }
        } finally {
            server[0].close();
        }
        return tally;
    }

    /** One GET and one POST on each of {@link #THREADS} threads, all started together. */
    private static void burst(Caller caller, Tally tally) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> calls = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            calls.add(pool.submit(() -> {
                start.await();
                caller.call(true, tally);
                caller.call(false, tally);
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : calls) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
    }

    private static Caller caller(String client, int port) {
        URI get = URI.create("http://127.0.0.1:" + port + "/small");
        URI post = URI.create("http://127.0.0.1:" + port + "/echo");
        switch (client) {
            case "httppool": {
                Transport t = Transport.builder().config(TransportConfig.builder().maxIdleConnsPerHost(16)
                        .maxConnsPerHost(16).build()).build();
                return new Caller(t::close) {
                    @Override
                    int send(boolean isGet) throws IOException {
                        Request r = isGet ? Request.get(get)
                                : Request.builder(post).post(RequestBody.of(POST_BODY)).build();
                        try (Response response = t.roundTrip(r); InputStream in = response.body()) {
                            in.readAllBytes();
                            return response.status();
                        }
                    }
                };
            }
            case "apache": {
                PoolingHttpClientConnectionManager cm = PoolingHttpClientConnectionManagerBuilder.create()
                        .setMaxConnPerRoute(16).setMaxConnTotal(16).build();
                CloseableHttpClient c = HttpClients.custom().setConnectionManager(cm).build();
                return new Caller(c::close) {
                    @Override
                    int send(boolean isGet) throws IOException {
                        if (isGet) {
                            return c.execute(new HttpGet(get), response -> {
                                EntityUtils.consume(response.getEntity());
                                return response.getCode();
                            });
                        }
                        HttpPost p = new HttpPost(post);
                        p.setEntity(new ByteArrayEntity(POST_BODY, ContentType.TEXT_PLAIN));
                        return c.execute(p, response -> {
                            EntityUtils.consume(response.getEntity());
                            return response.getCode();
                        });
                    }
                };
            }
            default:
                throw new IllegalArgumentException("unknown client " + client + " (httppool, apache)");
        }
    }

    /** Sends one request and counts it, its failure and the failure's kind. */
    private abstract static class Caller implements AutoCloseable {
        private final Clients.Closer closer;

        Caller(Clients.Closer closer) {
            this.closer = closer;
        }

        abstract int send(boolean isGet) throws IOException;

        final void call(boolean isGet, Tally tally) {
            (isGet ? tally.gets : tally.posts).increment();
            String failure;
            try {
                int status = send(isGet);
                failure = status == 200 ? null : "status " + status;
            } catch (IOException | RuntimeException e) {
                failure = e.getClass().getSimpleName();
            }
            if (failure != null && failure.endsWith("ConnectException")) {
                tally.refused.increment(); // nothing listens: the server is down, not the client at fault
                (isGet ? tally.gets : tally.posts).decrement();
            } else if (failure != null) {
                (isGet ? tally.getFailures : tally.postFailures).increment();
                tally.byKind.computeIfAbsent((isGet ? "GET " : "POST ") + failure, k -> new LongAdder()).increment();
            }
        }

        @Override
        public void close() throws Exception {
            closer.close();
        }
    }

    private static final class Tally {
        final LongAdder gets = new LongAdder();
        final LongAdder posts = new LongAdder();
        final LongAdder getFailures = new LongAdder();
        final LongAdder postFailures = new LongAdder();
        final LongAdder refused = new LongAdder();
        final Map<String, LongAdder> byKind = new ConcurrentHashMap<>();

        String kinds() {
            Map<String, Long> sorted = new TreeMap<>();
            byKind.forEach((k, v) -> sorted.put(k, v.sum()));
            return sorted.isEmpty() ? "none" : sorted.toString().replace("{", "").replace("}", "");
        }

        @Override
        public String toString() {
            return gets.sum() + " GETs (" + getFailures.sum() + " failed), " + posts.sum() + " POSTs ("
                    + postFailures.sum() + " failed), " + refused.sum() + " refused while down: " + kinds();
        }
    }
}
