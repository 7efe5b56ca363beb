package dev.httppool.bench;

import dev.httppool.Dialer;
import dev.httppool.LeaseStrategy;
import dev.httppool.ProxyResolver;
import dev.httppool.Request;
import dev.httppool.Response;
import dev.httppool.Transport;
import dev.httppool.TransportConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * Churn and spread (issue 12): how {@code max-conn-lifetime} and {@code lease-strategy: fifo} spread load over the
 * servers behind one name after the set of servers changes. Two loopback upstreams on different ports stand behind
 * the one host {@code upstream.test} through a {@link Dialer} that connects round-robin over the current upstream
 * list (what DNS or a load balancer in front of a pool does). A burst of {@code burst} concurrent requests fills the
 * pool, then {@code steady} threads send requests in a closed loop; a while later a third upstream is added to the
 * list. Each upstream counts what it served per time bucket; the report shows each one's share over time, per
 * scenario: Go's defaults (LIFO, connections live forever), a short lifetime with jitter, FIFO, and both.
 *
 * <p>{@code dev.httppool.bench.Spread [--quick] [--out DIR] [--date D]}; writes {@code <date>-spread.md}. Loopback
 * only. It measures shares, not speed.
 */
public final class Spread {

    /** Settings; public fields so the smoke test can build one. */
    public static final class Options {
        public int burst = 8;
        public int steady = 3;
        public long burstMillis = 1000;
        public long steadyMillis = 12_000;
        public long addAtMillis = 4000;
        public long bucketMillis = 1000;
        public Duration lifetime = Duration.ofSeconds(2);
        public Duration jitter = Duration.ofMillis(500);
        public Path outDir = Paths.get("results");
        public String date = LocalDate.now().toString();
        public String notes = "";

        /** A short run for the smoke test and {@code --quick}: a few seconds in all. */
        public Options quick() {
            burstMillis = 300;
            steadyMillis = 1500;
            addAtMillis = 500;
            bucketMillis = 250;
            lifetime = Duration.ofMillis(400);
            jitter = Duration.ofMillis(100);
            notes = (notes + " quick mode").trim();
            return this;
        }
    }

    /** One scenario's outcome: requests per upstream per bucket, dials and connections per upstream. */
    public record Outcome(String scenario, long[][] served, long[] dials, int[] connections, long errors) {

        /** Upstream {@code u}'s share of the requests in buckets {@code from} (inclusive) to the end. */
        public double share(int u, int from) {
            long mine = 0;
            long all = 0;
            for (int b = from; b < served[u].length; b++) {
                for (long[] perUpstream : served) {
                    all += perUpstream[b];
                }
                mine += served[u][b];
            }
            return all == 0 ? Double.NaN : (double) mine / all;
        }
    }

    private record Scenario(String name, UnaryOperator<TransportConfig.Builder> settings) {
    }

    /** Connects to the current upstreams in turn, whatever host and port the transport asks for. */
    static final class RoundRobinDialer implements Dialer {
        final List<InetSocketAddress> upstreams = new CopyOnWriteArrayList<>();
        final AtomicLong[] dials;
        private final AtomicInteger next = new AtomicInteger();

        RoundRobinDialer(int max) {
            dials = new AtomicLong[max];
            for (int i = 0; i < max; i++) {
                dials[i] = new AtomicLong();
            }
        }

        @Override
        public SocketChannel dial(String host, int port, Duration timeout) throws IOException {
            int i = Math.floorMod(next.getAndIncrement(), upstreams.size());
            dials[i].incrementAndGet();
            SocketChannel ch = SocketChannel.open();
            try {
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                ch.socket().connect(upstreams.get(i), (int) timeout.toMillis());
                return ch;
            } catch (IOException e) {
                ch.close();
                throw e;
            }
        }
    }

    private Spread() {
    }

    public static void main(String[] args) throws Exception {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick":
                    o.quick();
                    break;
                case "--out":
                    o.outDir = Paths.get(args[++i]);
                    break;
                case "--date":
                    o.date = args[++i];
                    break;
                default:
                    throw new IllegalArgumentException("unknown option: " + args[i]);
            }
        }
        Path report = write(o, run(o));
        System.out.println("report: " + report.toAbsolutePath());
    }

    /** Runs the four scenarios, one after the other, each against three fresh upstreams. */
    public static List<Outcome> run(Options o) throws Exception {
        String lifetime = "max-conn-lifetime " + o.lifetime.toMillis() + " ms + " + o.jitter.toMillis() + " ms jitter";
        List<Scenario> scenarios = List.of(
                new Scenario("default (lifo, no lifetime)", b -> b),
                new Scenario(lifetime, b -> b.maxConnLifetime(o.lifetime).maxConnLifetimeJitter(o.jitter)),
                new Scenario("lease-strategy fifo", b -> b.leaseStrategy(LeaseStrategy.FIFO)),
                new Scenario(lifetime + ", fifo", b -> b.maxConnLifetime(o.lifetime).maxConnLifetimeJitter(o.jitter)
                        .leaseStrategy(LeaseStrategy.FIFO)));
        List<Outcome> outcomes = new ArrayList<>();
        for (Scenario s : scenarios) {
            Outcome outcome = runOne(o, s);
            System.out.printf(Locale.ROOT, "%s: after the add, shares %.0f%% / %.0f%% / %.0f%%, errors %d%n",
                    s.name(), 100 * outcome.share(0, lastQuarter(outcome)), 100 * outcome.share(1, lastQuarter(outcome)),
                    100 * outcome.share(2, lastQuarter(outcome)), outcome.errors());
            outcomes.add(outcome);
        }
        return outcomes;
    }

    private static Outcome runOne(Options o, Scenario s) throws Exception {
        int buckets = (int) ((o.steadyMillis + o.bucketMillis - 1) / o.bucketMillis);
        List<Upstream> ups = new ArrayList<>();
        ExecutorService load = Executors.newFixedThreadPool(o.burst);
        Transport transport = null;
        try {
            for (int i = 0; i < 3; i++) {
                ups.add(new Upstream(i + 1, buckets));
            }
            RoundRobinDialer dialer = new RoundRobinDialer(3);
            dialer.upstreams.add(ups.get(0).address());
            dialer.upstreams.add(ups.get(1).address());
            TransportConfig.Builder config = TransportConfig.builder()
                    .maxIdleConnsPerHost(o.burst)
                    .maxIdleConns(100);
            transport = Transport.builder().config(s.settings().apply(config).build()).dialer(dialer)
                    .proxy(ProxyResolver.direct()).build();
            AtomicLong errors = new AtomicLong();
            String url = "http://upstream.test:8080/";
            // Fill the pool: every burst thread at once, so the pool holds `burst` connections split over two.
            drive(load, transport, url, o.burst, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(o.burstMillis), errors);
            long start = System.nanoTime();
            for (Upstream u : ups) {
                u.startCounting(start, TimeUnit.MILLISECONDS.toNanos(o.bucketMillis));
            }
            long end = start + TimeUnit.MILLISECONDS.toNanos(o.steadyMillis);
            ExecutorService adder = Executors.newSingleThreadExecutor();
            Future<?> added = adder.submit(() -> {
                TimeUnit.NANOSECONDS.sleep(start + TimeUnit.MILLISECONDS.toNanos(o.addAtMillis) - System.nanoTime());
                dialer.upstreams.add(ups.get(2).address()); // the scale-out: a third server behind the name
                return null;
            });
            drive(load, transport, url, o.steady, end, errors);
            added.get(5, TimeUnit.SECONDS);
            adder.shutdown();
            long[][] served = new long[3][buckets];
            long[] dials = new long[3];
            int[] connections = new int[3];
            for (int u = 0; u < 3; u++) {
                for (int b = 0; b < buckets; b++) {
                    served[u][b] = ups.get(u).served(b);
                }
                dials[u] = dialer.dials[u].get();
                connections[u] = ups.get(u).connectionsSeen();
            }
            return new Outcome(s.name(), served, dials, connections, errors.get());
        } finally {
            load.shutdownNow();
            if (transport != null) {
                transport.close();
            }
            for (Upstream u : ups) {
                u.close();
            }
        }
    }

    /** {@code threads} closed loops of GETs until {@code endNanos}; failures are counted. */
    private static void drive(ExecutorService pool, Transport transport, String url, int threads, long endNanos,
            AtomicLong errors) throws Exception {
        List<Future<?>> loops = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            loops.add(pool.submit(() -> {
                byte[] scratch = new byte[256];
                while (System.nanoTime() - endNanos < 0) {
                    try {
                        Response r = transport.roundTrip(Request.get(url));
                        try (InputStream in = r.body()) {
                            while (in.read(scratch) >= 0) {
                                // drain
                            }
                        }
                        if (r.status() != 200) {
                            errors.incrementAndGet();
                        }
                    } catch (IOException e) {
                        errors.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : loops) {
            f.get(endNanos - System.nanoTime() + TimeUnit.SECONDS.toNanos(30), TimeUnit.NANOSECONDS);
        }
    }

    /** The first bucket of the last quarter of the run, when a lifetime has had time to act after the add. */
    static int lastQuarter(Outcome outcome) {
        int n = outcome.served()[0].length;
        return n - Math.max(1, n / 4);
    }

    /** Writes {@code <date>-spread.md}. */
    public static Path write(Options o, List<Outcome> outcomes) throws IOException {
        StringBuilder md = new StringBuilder();
        md.append("# Churn and spread: ").append(o.date).append("\n\n");
        md.append("Command: `benchmarks/run.sh --spread").append(o.notes.contains("quick") ? " --quick" : "")
                .append("` (`dev.httppool.bench.Spread`). Machine: ").append(Report.machine())
                .append(", JDK ").append(System.getProperty("java.version")).append(".\n");
        md.append("The machine was shared with other builds while this ran: read shares, not speed.\n\n");
        md.append(String.format(Locale.ROOT, "Three loopback upstreams (keep-alive HTTP/1.1 on raw sockets, TCP_NODELAY) behind one name through a "
                + "round-robin `Dialer`; upstream 3 joins the dialer's list %.1f s into the measured run. First %d "
                + "threads at once for %.1f s (the pool fills with %d connections over upstreams 1 and 2), then %d "
                + "threads in a closed loop for %.1f s; max-idle-conns-per-host %d. Share of requests per upstream "
                + "per %d ms bucket, as each upstream counted them.%n%n", o.addAtMillis / 1000.0, o.burst,
                o.burstMillis / 1000.0, o.burst, o.steady, o.steadyMillis / 1000.0, o.burst, o.bucketMillis));
        md.append("| scenario | share 1 / 2 / 3 in the last quarter | dials 1 / 2 / 3 | connections accepted 1 / 2 / 3 |"
                + " errors |\n|---|---|---|---|---:|\n");
        for (Outcome r : outcomes) {
            int from = lastQuarter(r);
            md.append(String.format(Locale.ROOT, "| %s | %s / %s / %s | %d / %d / %d | %d / %d / %d | %d |%n",
                    r.scenario(), pct(r.share(0, from)), pct(r.share(1, from)), pct(r.share(2, from)), r.dials()[0],
                    r.dials()[1], r.dials()[2], r.connections()[0], r.connections()[1], r.connections()[2], r.errors()));
        }
        for (Outcome r : outcomes) {
            md.append("\n## ").append(r.scenario()).append("\n\n| t (s) | requests | upstream 1 | upstream 2 | upstream 3 |\n"
                    + "|---:|---:|---:|---:|---:|\n");
            for (int b = 0; b < r.served()[0].length; b++) {
                long all = r.served()[0][b] + r.served()[1][b] + r.served()[2][b];
                md.append(String.format(Locale.ROOT, "| %.2f | %d | %s | %s | %s |%n", b * o.bucketMillis / 1000.0,
                        all, pct(share(r, 0, b, all)), pct(share(r, 1, b, all)), pct(share(r, 2, b, all))));
            }
        }
        Files.createDirectories(o.outDir);
        Path out = o.outDir.resolve(o.date + "-spread.md");
        Files.writeString(out, md.toString(), StandardCharsets.UTF_8);
        return out;
    }

    private static double share(Outcome r, int u, int b, long all) {
        return all == 0 ? Double.NaN : (double) r.served()[u][b] / all;
    }

    private static String pct(double share) {
        return Double.isNaN(share) ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * share);
    }
}
