package dev.httppool.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Runs the side-by-side benchmark: starts nginx (or uses {@code --url}), runs every client at every
 * concurrency, interleaved and repeated, each trial in a fresh child process, then the idle-cap churn runs, and
 * writes the report. See benchmarks/README.md.
 */
public final class Runner {

    /** Settings; public fields so the smoke test can build one. */
    public static final class Options {
        public List<String> clients = new ArrayList<>(List.of("httppool", "rc-httppool", "apache", "rc-apache",
                "jdk", "rc-jdk", "rc-jetty", "rc-reactor", "rc-simple", "go", "raw"));
        public List<Integer> concurrency = List.of(1, 16, 64, 256);
        public List<String> paths = List.of("/small", "/16k");
        public int repeats = 3;
        public int requests = 100_000;
        public long warmupRoundMillis = 1000;
        public int minWarmupRounds = 3;
        public int maxWarmupRounds = 10;
        public boolean churn = true;
        /**
         * Also run {@code httppool-lifecycle} right after {@code httppool} (quick mode's default; {@code --lifecycle}
         * otherwise, {@code --no-lifecycle} to skip): the hot-path cost of the lifecycle settings as a ratio.
         */
        public boolean lifecycle;
        public int churnConcurrency = 64;
        /** Run JVM trials in this JVM instead of child processes (the smoke test). */
        public boolean inProcess;
        /** Base URL of an already running server; null = start nginx. */
        public String url;
        public String nginx = "nginx";
        public String goBinary;
        public Path outDir = Paths.get("results");
        public String date = LocalDate.now().toString();
        public String command = "";
        public Path jmhCsv;
        /**
         * A fixed heap, touched at start-up: without {@code AlwaysPreTouch}, G1 moves eden onto heap pages never
         * touched before for the first seconds or minutes of a run, and every first touch is a page fault, which
         * costs a client in proportion to what it allocates (RestClient over httppool ran at 25,000-30,000 req/s
         * in that state and 44,000 out of it, in one trial).
         */
        static final List<String> DEFAULT_CHILD_JVM_ARGS = List.of("-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch");
        public List<String> childJvmArgs = DEFAULT_CHILD_JVM_ARGS;
        public String notes = "";
        /**
         * {@code --before-classes DIR[:DIR]}: class-path entries (e.g. pool-core's and the Spring adapter's classes
         * built at an older commit) put first on the class path of clients named {@code <client>-before}, which
         * then run as {@code <client>}: a before/after pair interleaved in one run.
         */
        public String beforeClasses;
        /**
         * Opt-in ({@code --pin}): nginx on CPU 0, every client process on the other CPUs (taskset). Off by default:
         * on a 2-CPU machine it leaves a JVM one CPU, which changes its GC and JIT ergonomics.
         */
        public boolean pin;
        /**
         * Opt-in ({@code --one-cpu}): nginx and every client process on the same CPU (the last one; taskset), so
         * that no CPU ever idles between a request and its response. On a VM whose idle vCPUs halt at once, a C=1
         * round trip across two CPUs pays two vCPU wake-ups (tens of microseconds each, and varying with where
         * the scheduler puts the two processes); on one CPU it costs what the client, the kernel and nginx
         * spend. Each runtime sees one CPU. For the C=1 supplement; files are named {@code <date>-one-cpu.*}.
         */
        public boolean oneCpu;
    }

    private List<String> pinned(boolean server) {
        int n = Runtime.getRuntime().availableProcessors();
        if (o.oneCpu && !o.inProcess) {
            return List.of("taskset", "-c", Integer.toString(n - 1));
        }
        if (!pin()) {
            return List.of();
        }
        return List.of("taskset", "-c", server ? "0" : (n == 2 ? "1" : "1-" + (n - 1)));
    }

    private boolean pin() {
        return o.pin && !o.inProcess;
    }

    /** The suffix of a client run with {@link Options#beforeClasses} first on its class path. */
    static final String BEFORE = "-before";

    private final Options o;
    private Nginx nginx;
    private String serverDescription;
    private final Path log;

    private Runner(Options o) throws IOException {
        this.o = o;
        Files.createDirectories(o.outDir);
        this.log = o.outDir.resolve(o.date + "-trials.log");
    }

    public static void main(String[] args) throws Exception {
        Options o = new Options();
        boolean quick = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--quick":
                    quick = true;
                    o.repeats = 2;
                    o.requests = 30_000;
                    o.warmupRoundMillis = 1000;
                    o.minWarmupRounds = 3;
                    o.maxWarmupRounds = 10;
                    o.paths = List.of("/small");
                    o.lifecycle = true;
                    break;
                case "--lifecycle":
                    o.lifecycle = true;
                    break;
                case "--no-lifecycle":
                    o.lifecycle = false;
                    break;
                case "--clients":
                    o.clients = Arrays.asList(args[++i].split(","));
                    break;
                case "--concurrency":
                    o.concurrency = Arrays.stream(args[++i].split(",")).map(Integer::valueOf).collect(Collectors.toList());
                    break;
                case "--paths":
                    o.paths = Arrays.asList(args[++i].split(","));
                    break;
                case "--repeats":
                    o.repeats = Integer.parseInt(args[++i]);
                    break;
                case "--requests":
                    o.requests = Integer.parseInt(args[++i]);
                    break;
                case "--warmup-round-ms":
                    o.warmupRoundMillis = Long.parseLong(args[++i]);
                    break;
                case "--min-warmup-rounds":
                    o.minWarmupRounds = Integer.parseInt(args[++i]);
                    break;
                case "--max-warmup-rounds":
                    o.maxWarmupRounds = Integer.parseInt(args[++i]);
                    break;
                case "--child-jvm-args":
                    o.childJvmArgs = Arrays.asList(args[++i].trim().split("\\s+"));
                    break;
                case "--pin":
                    o.pin = Runtime.getRuntime().availableProcessors() >= 2;
                    break;
                case "--one-cpu":
                    o.oneCpu = true;
                    break;
                case "--no-churn":
                    o.churn = false;
                    break;
                case "--url":
                    o.url = args[++i];
                    break;
                case "--nginx":
                    o.nginx = args[++i];
                    break;
                case "--go":
                    o.goBinary = args[++i];
                    break;
                case "--out":
                    o.outDir = Paths.get(args[++i]);
                    break;
                case "--command":
                    o.command = args[++i];
                    break;
                case "--jmh-csv":
                    o.jmhCsv = Paths.get(args[++i]);
                    break;
                case "--before-classes":
                    o.beforeClasses = args[++i];
                    break;
                case "--notes":
                    o.notes = args[++i];
                    break;
                default:
                    throw new IllegalArgumentException("unknown option: " + a);
            }
        }
        if (quick) {
            o.notes = (o.notes + " quick mode").trim();
        }
        if (o.oneCpu) {
            o.date = o.date + "-one-cpu";
        }
        Path report = run(o);
        System.out.println("report: " + report.toAbsolutePath());
    }

    /** Runs everything and returns the Markdown report's path. */
    public static Path run(Options o) throws Exception {
        return new Runner(o).runAll();
    }

    private Path runAll() throws Exception {
        List<Result> results = new ArrayList<>();
        String base = o.url;
        try {
            if (base == null) {
                nginx = Nginx.start(pinned(true), o.nginx);
                Nginx started = nginx;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        started.close();
                    } catch (Exception e) {
                        // exiting anyway
                    }
                }));
                base = "http://127.0.0.1:" + nginx.port;
                serverDescription = firstLine(new String[] {o.nginx, "-v"}) + ", 1 worker, loopback, prefix " + nginx.prefix
                        + (o.oneCpu && !o.inProcess ? "; nginx and every client process pinned to the same CPU with taskset (each runtime sees one CPU)"
                        : pin() ? "; nginx pinned to CPU 0 and every client process to the other CPU(s) with taskset" : "; not pinned");
            } else {
                serverDescription = "external server at " + base;
            }
            List<String> clients = new ArrayList<>(o.clients);
            if (o.goBinary == null) {
                clients.remove("go");
            }
            int plain = clients.indexOf("httppool");
            if (o.beforeClasses != null && plain >= 0 && clients.stream().noneMatch(c -> c.endsWith(BEFORE))) {
                clients.add(plain, "httppool" + BEFORE); // interleaved just before the run it is compared with
                plain++;
            }
            if (o.lifecycle && plain >= 0 && !clients.contains(Clients.LIFECYCLE)) {
                clients.add(plain + 1, Clients.LIFECYCLE); // interleaved next to the run it is compared with
            }
            for (String path : o.paths) {
                for (int rep = 1; rep <= o.repeats; rep++) {
                    for (int c : o.concurrency) {
                        for (String client : clients) {
                            Params p = Params.steady(client, URI.create(base + path), c, o.requests,
                                    o.warmupRoundMillis, o.minWarmupRounds, o.maxWarmupRounds);
                            results.add(trial(p, "steady", path, rep));
                        }
                    }
                }
            }
            if (o.churn) {
                String path = o.paths.get(0);
                for (int rep = 1; rep <= o.repeats; rep++) {
                    for (String client : List.of("go", "httppool")) {
                        if (!clients.contains(client)) {
                            continue;
                        }
                        Params p = Params.steady(client, URI.create(base + path), o.churnConcurrency, o.requests,
                                o.warmupRoundMillis, o.minWarmupRounds, o.maxWarmupRounds).churn();
                        results.add(trial(p, "churn", path, rep));
                    }
                }
            }
        } finally {
            if (nginx != null) {
                nginx.close();
            }
        }
        return new Report(o, serverDescription, results).write();
    }

    private Result trial(Params p, String scenario, String path, int rep) throws Exception {
        System.out.printf("%s %s rep %d: %s C=%d ... ", scenario, path, rep, p.client(), p.concurrency());
        System.out.flush();
        Result r;
        if (o.inProcess && !p.client().equals("go")) {
            long[] before = new long[2];
            r = Trial.run(p, new Trial.Gate() {
                @Override
                public void awaitGo() throws Exception {
                    snapshot(before);
                }

                @Override
                public void measured(Result result) throws Exception {
                    finishCounters(result, before);
                }
            });
        } else {
            r = child(p);
        }
        r.client = p.client(); // a "-before" client reports its base name from its own JVM
        r.scenario = scenario;
        r.path = path;
        r.repeat = rep;
        System.out.printf("%.0f req/s p50 %.0f us p99 %.0f us cpu %.1f us/req alloc %.0f B/req conns %d tw %d/%d errors %d warm-up %s tenths %s%n",
                r.rps, r.p50Micros, r.p99Micros, r.cpuNanosPerRequest / 1000, r.allocBytesPerRequest, r.accepted,
                r.timeWait, r.timeWaitRetired, r.errors, spaced(r.warmupRps), spaced(r.tenthsRps));
        Files.writeString(log, scenario + " " + path + " rep=" + rep + " " + r.toLine() + " accepted=" + r.accepted
                + " timewait=" + r.timeWait + " timewait_retired=" + r.timeWaitRetired + "\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        return r;
    }

    private static String spaced(List<Double> rps) {
        return rps.stream().map(d -> String.format("%.0f", d)).collect(Collectors.joining(" "));
    }

    private Result child(Params p) throws Exception {
        List<String> cmd = new ArrayList<>(pinned(false));
        if (p.client().equals("go")) {
            cmd.add(o.goBinary);
            cmd.add(p.url().toString());
        } else {
            cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(o.childJvmArgs);
            String client = p.client();
            String classPath = System.getProperty("java.class.path");
            if (client.endsWith(BEFORE)) {
                if (o.beforeClasses == null) {
                    throw new IllegalArgumentException(client + " needs --before-classes");
                }
                client = client.substring(0, client.length() - BEFORE.length());
                classPath = o.beforeClasses + File.pathSeparator + classPath;
            }
            cmd.add("-cp");
            cmd.add(classPath);
            cmd.add(TrialMain.class.getName());
            cmd.add(client);
            cmd.add(p.url().toString());
        }
        cmd.addAll(List.of(Integer.toString(p.concurrency()), Integer.toString(p.requests()),
                Long.toString(p.warmupRoundMillis()), Integer.toString(p.minWarmupRounds()),
                Integer.toString(p.maxWarmupRounds()), Integer.toString(p.maxIdlePerHost()),
                Integer.toString(p.maxConnsPerHost())));
        File err = o.outDir.resolve(o.date + "-child-stderr.log").toFile();
        Process proc = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(err)).start();
        long[] before = new long[2];
        Result r = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8));
                OutputStream in = proc.getOutputStream()) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.equals("READY")) {
                    snapshot(before);
                    in.write('\n');
                    in.flush();
                } else if (line.startsWith("RESULT ")) {
                    r = Result.parse(line);
                    finishCounters(r, before);
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

    private Set<String> timeWaitBefore;
    private long retiredBefore;

    private void snapshot(long[] into) throws IOException, InterruptedException {
        into[0] = nginx == null ? -1 : nginx.accepted();
        timeWaitBefore = timeWaitSockets();
        retiredBefore = timeWaitRetired();
    }

    /** TcpExt TW + TWRecycled from /proc/net/netstat, or -1. */
    static long timeWaitRetired() {
        try {
            List<String> lines = Files.readAllLines(Paths.get("/proc/net/netstat"));
            for (int i = 0; i + 1 < lines.size(); i++) {
                if (lines.get(i).startsWith("TcpExt:") && lines.get(i + 1).startsWith("TcpExt:")) {
                    List<String> names = Arrays.asList(lines.get(i).split("\\s+"));
                    String[] values = lines.get(i + 1).split("\\s+");
                    return Long.parseLong(values[names.indexOf("TW")]) + Long.parseLong(values[names.indexOf("TWRecycled")]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }

    private void finishCounters(Result r, long[] before) throws IOException, InterruptedException {
        long accepted = nginx == null ? -1 : nginx.accepted();
        if (nginx != null) {
            r.accepted = accepted - before[0] - 1; // minus this stub_status request's own connection
        }
        long retired = timeWaitRetired();
        if (retiredBefore >= 0 && retired >= 0) {
            r.timeWaitRetired = retired - retiredBefore;
        }
        Set<String> after = timeWaitSockets();
        if (timeWaitBefore != null && after != null) {
            after.removeAll(timeWaitBefore);
            // nginx closes each stub_status connection itself: the one just made lands in TIME_WAIT too.
            r.timeWait = Math.max(0, after.size() - (nginx == null ? 0 : 1));
        }
    }

    /** TIME_WAIT sockets on the server's port (either end), one line each, or null if ss is unavailable. */
    private Set<String> timeWaitSockets() throws InterruptedException {
        String port = nginx != null ? Integer.toString(nginx.port) : Integer.toString(URI.create(o.url).getPort());
        try {
            Process p = new ProcessBuilder("ss", "-Htan", "state", "time-wait",
                    "( sport = :" + port + " or dport = :" + port + " )").redirectErrorStream(true).start();
            Set<String> lines;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                lines = r.lines().filter(l -> !l.isBlank()).map(l -> l.trim().replaceAll("\\s+", " "))
                        .collect(Collectors.toCollection(HashSet::new));
            }
            return p.waitFor() == 0 ? lines : null;
        } catch (IOException e) {
            return null;
        }
    }

    static String firstLine(String[] cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor();
            return s.lines().findFirst().orElse("?");
        } catch (Exception e) {
            return "?";
        }
    }
}
