package dev.httppool.bench;

import dev.httppool.testing.NginxServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP/2 side-by-side: nginx with TLS and HTTP/2 ({@link NginxServer}), and every client of
 * {@link H2Clients} plus Go's Transport on HTTP/2, each trial in its own child process, interleaved cell by cell.
 * nginx's access log tells which protocol and how many connections each trial really used. Writes
 * {@code <date>-h2.md} (or {@code <date>-h2-quick.md}).
 *
 * <p>Arguments: {@code --go PATH --out DIR [--quick] [--concurrency 1,16] [--paths /small,/files/16k]
 * [--clients a,b] [--requests N] [--repeats N] [--warmup-round-ms MS] [--max-warmup-rounds N] [--jvm-arg ARG]...
 * [--before-classes DIR]}: with the last, also
 * {@value #BEFORE}.
 */
public final class H2Bench {

    /**
     * A warm-up round. The JVM clients over TLS keep getting faster for 8-10 seconds (C2 compiling the JDK's TLS
     * and each client's paths): with 400 ms rounds, two rounds within 3 % of each other ended the warm-up at about
     * 2 seconds and httppool measured 7,700 req/s at C=16 where it runs at 21,000 warm. Go needs no warm-up. At
     * least {@link #MIN_WARMUP_ROUNDS} rounds, since a dip on the way up (a GC, a deoptimisation) otherwise reads as
     * the end of the rise.
     */
    static final long WARMUP_ROUND_MILLIS = 2_000;
    static final int MIN_WARMUP_ROUNDS = 6;
    static final int MAX_WARMUP_ROUNDS = 15;

    private H2Bench() {
    }

    public static void main(String[] args) throws Exception {
        String go = null;
        Path out = Paths.get("benchmarks/results");
        boolean quick = false;
        List<Integer> cs = List.of(1, 16, 64, 256);
        List<String> paths = List.of("/small", "/files/16k");
        List<String> clients = new ArrayList<>(H2Clients.JVM);
        clients.add(2, "h2-go");
        int requests = 0;
        int repeats = 1;
        long warmupRoundMillis = 0;
        int maxWarmupRounds = 0;
        List<String> jvmArgs = new ArrayList<>();
        String command = "H2Bench";
        String before = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--go" -> go = args[++i];
                case "--out" -> out = Paths.get(args[++i]);
                case "--quick" -> quick = true;
                case "--concurrency" -> cs = List.of(args[++i].split(",")).stream().map(Integer::valueOf).toList();
                case "--paths" -> paths = List.of(args[++i].split(","));
                case "--clients" -> clients = new ArrayList<>(List.of(args[++i].split(",")));
                case "--requests" -> requests = Integer.parseInt(args[++i]);
                case "--repeats" -> repeats = Integer.parseInt(args[++i]);
                case "--warmup-round-ms" -> warmupRoundMillis = Long.parseLong(args[++i]);
                case "--max-warmup-rounds" -> maxWarmupRounds = Integer.parseInt(args[++i]);
                case "--jvm-arg" -> jvmArgs.add(args[++i]);
                case "--command" -> command = args[++i];
                case "--before-classes" -> before = args[++i];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (go == null) {
            clients.remove("h2-go");
        }
        if (before != null) {
            clients.add(clients.indexOf("h2-httppool") + 1, BEFORE);
        }
        if (quick) {
            cs = List.of(16);
            paths = List.of("/small");
        }
        Files.createDirectories(out);
        String date = LocalDate.now(ZoneOffset.UTC).toString();
        Path report = out.resolve(date + (quick ? "-h2-quick.md" : "-h2.md"));
        Map<String, List<Row>> cells = new LinkedHashMap<>();
        try (NginxServer nginx = NginxServer.start()) {
            byte[] file = new byte[16 * 1024];
            new Random(42).nextBytes(file);
            Files.write(nginx.files().resolve("16k"), file);
            long[] logOffset = {0};
            for (String path : paths) {
                for (int c : cs) {
                    Map<String, List<Row>> byClient = new LinkedHashMap<>();
                    int n = requests > 0 ? requests : quick ? 10_000 : Math.max(30_000, 40 * c);
                    for (int rep = 0; rep < repeats; rep++) {
                        for (String client : clients) {
                            Params p = new Params(client, URI.create(nginx.url(path)), c, n,
                                    warmupRoundMillis > 0 ? warmupRoundMillis : WARMUP_ROUND_MILLIS, quick ? 4 : MIN_WARMUP_ROUNDS,
                                    maxWarmupRounds > 0 ? maxWarmupRounds : quick ? 8 : MAX_WARMUP_ROUNDS, c, c);
                            System.out.printf(Locale.ROOT, "%s C=%d %s ... ", path, c, client);
                            Row row = new Row();
                            row.result = trial(p, go, before, nginx, jvmArgs,
                                    out.resolve(date + "-h2-child-stderr.log"));
                            readLog(nginx.accessLogFile(), logOffset, row);
                            System.out.printf(Locale.ROOT, "%.0f req/s, %.1f us CPU/req, %s on %d connection(s)"
                                    + " (warm-up rounds: %s)%n", row.result.rps, row.result.cpuNanosPerRequest / 1e3,
                                    row.protocols, row.connections.size(), row.result.warmupRps.stream()
                                            .map(r -> String.format(Locale.ROOT, "%.0f", r))
                                            .collect(java.util.stream.Collectors.joining(" ")));
                            byClient.computeIfAbsent(client, k -> new ArrayList<>()).add(row);
                        }
                    }
                    List<Row> rows = new ArrayList<>();
                    for (List<Row> trials : byClient.values()) {
                        trials.sort(java.util.Comparator.comparingDouble(t -> t.result.rps));
                        rows.add(trials.get(trials.size() / 2)); // the median trial by req/s
                    }
                    cells.put(path + " C=" + c, rows);
                }
            }
        }
        Files.writeString(report, markdown(cells, command, quick, repeats));
        System.out.println("wrote " + report);
    }

    static final class Row {
        Result result;
        final Set<String> protocols = new HashSet<>();
        final Set<String> connections = new HashSet<>();
    }

    /** The access log's lines since the last call: protocols and connections of the trial just run. */
    private static void readLog(Path log, long[] offset, Row row) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            f.seek(offset[0]);
            byte[] bytes = new byte[(int) (f.length() - offset[0])];
            f.readFully(bytes);
            offset[0] += bytes.length;
            for (String line : new String(bytes, StandardCharsets.US_ASCII).split("\n")) {
                String[] parts = line.split(" ");
                if (parts.length >= 2) {
                    row.connections.add(parts[0]);
                    row.protocols.add(parts[1]);
                }
            }
        }
    }

    private static Result trial(Params p, String go, String before, NginxServer nginx, List<String> jvmArgs,
            Path err) throws Exception {
        List<String> cmd = new ArrayList<>();
        ProcessBuilder pb = new ProcessBuilder(cmd);
        if (p.client().equals("h2-go")) {
            cmd.add(go);
            pb.environment().put("GOCLIENT_CA", nginx.certificatePem().toString());
            pb.environment().put("GOCLIENT_NAME", "h2-go");
        } else {
            cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(Runner.Options.DEFAULT_CHILD_JVM_ARGS); // a fixed heap, touched at start (see there)
            cmd.addAll(jvmArgs);
            cmd.add("-Dbench.ca=" + nginx.certificatePem());
            cmd.add("-cp");
            boolean old = p.client().equals(BEFORE);
            cmd.add((old ? before + java.io.File.pathSeparator : "") + System.getProperty("java.class.path"));
            cmd.add(TrialMain.class.getName());
            cmd.add(old ? "h2-httppool" : p.client());
        }
        cmd.add(p.url().toString());
        cmd.addAll(List.of(Integer.toString(p.concurrency()), Integer.toString(p.requests()),
                Long.toString(p.warmupRoundMillis()), Integer.toString(p.minWarmupRounds()),
                Integer.toString(p.maxWarmupRounds()), Integer.toString(p.maxIdlePerHost()),
                Integer.toString(p.maxConnsPerHost())));
        Process proc = pb.redirectError(ProcessBuilder.Redirect.appendTo(err.toFile())).start();
        Result r = null;
        try (BufferedReader o = new BufferedReader(new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8));
                OutputStream in = proc.getOutputStream()) {
            for (String line; (line = o.readLine()) != null; ) {
                if (line.equals("READY") || line.startsWith("RESULT ")) {
                    if (line.startsWith("RESULT ")) {
                        r = Result.parse(line);
                        r.client = p.client();
                    }
                    in.write('\n');
                    in.flush();
                }
            }
        } finally {
            if (!proc.waitFor(60, TimeUnit.SECONDS)) {
                proc.destroyForcibly();
            }
        }
        if (r == null) {
            throw new IOException("trial " + p + " printed no result; see " + err);
        }
        return r;
    }

    /**
     * httppool over HTTP/2 with pool-core's classes from {@code --before-classes} first on the class path: the
     * same run measures a change to the HTTP/2 data path before and after.
     */
    static final String BEFORE = "h2-httppool-before";

    private static final List<String> H2_PEERS = List.of("h2-go", "h2-jetty", "h2-okhttp", "h2-jdk");

    static String markdown(Map<String, List<Row>> cells, String command, boolean quick, int repeats) {
        StringBuilder sb = new StringBuilder();
        sb.append("# HTTP/2 side by side over TLS (nginx ").append(quick ? "quick run" : "full run").append(")\n\n");
        sb.append("`").append(command).append("`; ").append(Runtime.getRuntime().availableProcessors())
                .append(" CPUs shared with other builds (ratios are from one interleaved run; absolute numbers are "
                        + "not comparable across runs). Protocol and connections are what nginx's access log saw "
                        + "during each trial (warm-up included). CPU/req is the client process's CPU time over the "
                        + "measured requests. Each row is the median (by req/s) of " + repeats
                        + " interleaved trial(s). Each trial warms up in rounds until throughput stops rising (see "
                        + "H2Bench.WARMUP_ROUND_MILLIS); the rounds' req/s are in the last column.\n\n");
        StringBuilder summary = new StringBuilder("| cell | h2-httppool req/s | best h2 peer | × best peer | × h2-jdk "
                + "| × h1-httppool | CPU/req vs h2-go | × before |\n|---|---:|---|---:|---:|---:|---:|---:|\n");
        for (Map.Entry<String, List<Row>> cell : cells.entrySet()) {
            Map<String, Result> by = new LinkedHashMap<>();
            sb.append("## ").append(cell.getKey()).append("\n\n| client | protocol | conns | req/s | p50 µs | p99 µs "
                    + "| CPU µs/req | alloc B/req | errors | warm-up req/s |\n"
                    + "|---|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
            for (Row row : cell.getValue()) {
                Result r = row.result;
                by.put(r.client, r);
                sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %.0f | %.0f | %.0f | %.1f | %s | %d | %s |%n",
                        r.client, String.join("+", row.protocols), row.connections.size(), r.rps, r.p50Micros,
                        r.p99Micros, r.cpuNanosPerRequest / 1e3,
                        Double.isNaN(r.allocBytesPerRequest) ? "–" : String.format(Locale.ROOT, "%.0f",
                                r.allocBytesPerRequest), r.errors, r.warmupRps.stream()
                                        .map(x -> String.format(Locale.ROOT, "%.0f", x))
                                        .collect(java.util.stream.Collectors.joining(" "))));
            }
            sb.append('\n');
            Result ours = by.get("h2-httppool");
            if (ours == null) {
                continue;
            }
            Result best = null;
            for (String peer : H2_PEERS) {
                Result r = by.get(peer);
                if (r != null && r.errors == 0 && (best == null || r.rps > best.rps)) {
                    best = r; // a trial with errors is no peer to beat: failing fast is not serving
                }
            }
            summary.append(String.format(Locale.ROOT, "| %s | %.0f | %s | %s | %s | %s | %s | %s |%n", cell.getKey(),
                    ours.rps, best == null ? "–" : best.client, ratio(ours, best), ratio(ours, by.get("h2-jdk")),
                    ratio(ours, by.get("h1-httppool")), by.get("h2-go") == null ? "–"
                            : String.format(Locale.ROOT, "%.2f×", ours.cpuNanosPerRequest
                                    / by.get("h2-go").cpuNanosPerRequest), ratio(ours, by.get(BEFORE))));
        }
        return "" + sb.insert(sb.indexOf("## "), "## Summary (h2-httppool against the others)\n\n" + summary
                + "\n");
    }

    private static String ratio(Result ours, Result other) {
        return other == null ? "–" : other.errors > 0 ? "– (errors)"
                : String.format(Locale.ROOT, "%.2f×", ours.rps / other.rps);
    }
}
