package dev.httppool.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/** Writes {@code <date>.md}, one SVG chart per path and {@code <date>-raw.csv} from the trials. */
final class Report {

    private final Runner.Options o;
    private final String server;
    private final List<Result> results;
    private final StringBuilder md = new StringBuilder();

    Report(Runner.Options o, String server, List<Result> results) {
        this.o = o;
        this.server = server;
        this.results = results;
    }

    Path write() throws IOException {
        Path mdFile = o.outDir.resolve(o.date + ".md");
        line("# httppool benchmarks, " + o.date);
        line("");
        line("- Command: `" + (o.command.isEmpty() ? "(in-process)" : o.command) + "`" + (o.notes.isEmpty() ? "" : " (" + o.notes + ")"));
        line("- Machine: " + machine());
        line("- CPU idle: " + cpuIdle());
        line("- JDK: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + "; child JVM flags: " + String.join(" ", o.childJvmArgs) + (o.inProcess ? " (trials ran in-process)" : ""));
        line("- Go: " + (o.goBinary == null ? "not run" : Runner.firstLine(new String[] {"go", "version"})));
        line("- Server: " + server);
        line("- Load: closed loop, " + o.requests + " measured requests per trial after warm-up rounds of "
                + o.warmupRoundMillis + " ms (at least " + o.minWarmupRounds + ", at most " + o.maxWarmupRounds
                + ", stopping after " + Trial.FLAT_ROUNDS + " consecutive rounds none of which was "
                + Math.round((Trial.STILL_RISING - 1) * 100) + "% above the best round before it); " + o.repeats + " repeats, clients interleaved within each repeat"
                + " and concurrency; " + (o.inProcess ? "trials in-process." : "every trial in a fresh process."));
        line("- Medians over repeats; req/s spread shown as [min-max]. CPU = process CPU time (user+sys) / requests;"
                + " alloc = bytes allocated by all live JVM threads / requests (Go: runtime TotalAlloc);"
                + " conns = connections nginx accepted during the measured run; TIME_WAIT = TIME_WAIT sockets"
                + " on the server port (either end) that appeared during the measured run (ss, set difference).");
        line("");
        Set<String> paths = results.stream().map(r -> r.path).collect(Collectors.toCollection(LinkedHashSet::new));
        for (String path : paths) {
            List<Result> steady = select("steady", path);
            if (steady.isEmpty()) {
                continue;
            }
            List<String> clients = steady.stream().map(r -> r.client).distinct().collect(Collectors.toList());
            List<Integer> cs = steady.stream().map(r -> r.concurrency).distinct().sorted().collect(Collectors.toList());
            line("## GET " + path);
            line("");
            String svg = o.date + "-" + path.replaceAll("[^A-Za-z0-9]", "") + ".svg";
            Files.writeString(o.outDir.resolve(svg), Svg.bars("Requests/s, GET " + path + " (median of " + o.repeats + ")",
                    clients, cs, (cl, c) -> median(steady, cl, c, r -> r.rps)), StandardCharsets.UTF_8);
            line("![requests/s](" + svg + ")");
            line("");
            line("### Requests/s (median [min-max])");
            line("");
            header("client", cs.stream().map(c -> "C=" + c).collect(Collectors.toList()));
            for (String cl : clients) {
                List<String> cells = new ArrayList<>();
                for (int c : cs) {
                    double[] v = values(steady, cl, c, r -> r.rps);
                    cells.add(v.length == 0 ? "" : String.format(Locale.ROOT, "%.0f [%.0f-%.0f]", median(v),
                            Arrays.stream(v).min().getAsDouble(), Arrays.stream(v).max().getAsDouble()));
                }
                row(cl, cells);
            }
            line("");
            line("### Ratios of median req/s");
            line("");
            header("ratio", cs.stream().map(c -> "C=" + c).collect(Collectors.toList()));
            ratio(steady, cs, "httppool", "go");
            ratio(steady, cs, "httppool", "raw");
            ratio(steady, cs, "go", "raw");
            ratio(steady, cs, Clients.LIFECYCLE, "httppool");
            ratio(steady, cs, "rc-httppool", "httppool");
            String before = Runner.BEFORE; // clients run with --before-classes
            ratio(steady, cs, "httppool" + before, "raw");
            ratio(steady, cs, "rc-httppool" + before, "httppool" + before);
            ratio(steady, cs, "httppool", "httppool" + before);
            ratio(steady, cs, "rc-httppool", "rc-httppool" + before);
            for (String other : clients) {
                if (other.startsWith("rc-") && !other.equals("rc-httppool") && !other.endsWith(Runner.BEFORE)) {
                    ratio(steady, cs, "rc-httppool", other);
                }
            }
            line("");
            line("### Per-request costs (medians)");
            line("");
            header("client", List.of("C", "p50 us", "p99 us", "CPU us/req", "alloc B/req", "conns", "TIME_WAIT", "errors", "warm-up req/s by round (repeat 1)"));
            for (String cl : clients) {
                for (int c : cs) {
                    if (values(steady, cl, c, r -> r.rps).length == 0) {
                        continue;
                    }
                    Result first = steady.stream().filter(r -> r.client.equals(cl) && r.concurrency == c).findFirst().get();
                    row(cl, List.of(Integer.toString(c), f1(median(steady, cl, c, r -> r.p50Micros)),
                            f1(median(steady, cl, c, r -> r.p99Micros)),
                            f2(median(steady, cl, c, r -> r.cpuNanosPerRequest) / 1000),
                            f0(median(steady, cl, c, r -> r.allocBytesPerRequest)),
                            f0(median(steady, cl, c, r -> r.accepted)),
                            f0(median(steady, cl, c, r -> r.timeWait == Long.MIN_VALUE ? Double.NaN : r.timeWait)),
                            f0(steady.stream().filter(r -> r.client.equals(cl) && r.concurrency == c).mapToInt(r -> r.errors).sum()),
                            first.warmupRps.stream().map(Report::f0).collect(Collectors.joining(" "))));
                }
            }
            line("");
            tenths(steady, clients, cs);
            lifecycleCost(steady, cs);
            targets(steady, cs);
        }
        List<Result> churn = results.stream().filter(r -> r.scenario.equals("churn")).collect(Collectors.toList());
        if (!churn.isEmpty()) {
            line("## Churn: C=" + o.churnConcurrency + ", MaxIdleConnsPerHost=2 (Go's default), no MaxConnsPerHost, GET " + churn.get(0).path);
            line("");
            header("client", List.of("req/s churn", "req/s steady (idle cap = C)", "throughput kept", "conns accepted", "TIME_WAIT new (ss)", "TIME_WAIT retired (kernel)", "CPU us/req", "p99 us"));
            List<Result> steady = select("steady", churn.get(0).path);
            for (String cl : List.of("go", "httppool")) {
                double rps = median(churn, cl, o.churnConcurrency, r -> r.rps);
                if (Double.isNaN(rps)) {
                    continue;
                }
                double base = median(steady, cl, o.churnConcurrency, r -> r.rps);
                row(cl, List.of(f0(rps), f0(base), Double.isNaN(base) ? "" : String.format(Locale.ROOT, "%.0f%%", 100 * rps / base),
                        f0(median(churn, cl, o.churnConcurrency, r -> r.accepted)),
                        f0(median(churn, cl, o.churnConcurrency, r -> r.timeWait == Long.MIN_VALUE ? Double.NaN : r.timeWait)),
                        f0(median(churn, cl, o.churnConcurrency, r -> r.timeWaitRetired < 0 ? Double.NaN : r.timeWaitRetired)),
                        f2(median(churn, cl, o.churnConcurrency, r -> r.cpuNanosPerRequest) / 1000),
                        f0(median(churn, cl, o.churnConcurrency, r -> r.p99Micros))));
            }
            line("");
            line("Every connection nginx accepts here is later closed by the client, which puts that client socket in"
                    + " TIME_WAIT. On loopback Linux (net.ipv4.tcp_tw_reuse=2) new connections recycle those sockets"
                    + " at once, so the `ss` count of TIME_WAIT sockets present understates churn; the kernel's"
                    + " machine-wide TcpExt TW+TWRecycled counters (TIME_WAIT sockets retired during the run) and"
                    + " the accepted count show it.");
            line("");
        }
        if (o.jmhCsv != null && Files.exists(o.jmhCsv)) {
            line("## JMH: the pool alone (acquire + release of an idle connection, fake dialer)");
            line("");
            header("benchmark", List.of("threads", "score", "error (99.9%)", "unit"));
            for (String l : Files.readAllLines(o.jmhCsv)) {
                String[] f = l.replace("\"", "").split(",");
                if (f.length < 7 || f[0].equals("Benchmark")
                        || (f[0].contains(":") && !f[0].endsWith("gc.alloc.rate.norm"))) {
                    continue;
                }
                String name = f[0].substring(f[0].lastIndexOf('.', f[0].contains(":") ? f[0].indexOf(':') : f[0].length()) + 1);
                row(name, List.of(f[2], f[4], f[5], f[6]));
            }
            line("");
        }
        Path csv = o.outDir.resolve(o.date + "-raw.csv");
        StringBuilder sb = new StringBuilder("scenario,path,repeat,client,c,n,seconds,rps,p50us,p99us,cpu_ns_per_req,alloc_b_per_req,accepted,timewait,timewait_retired,errors,warmup_rps\n");
        for (Result r : results) {
            sb.append(String.join(",", r.scenario, r.path, "" + r.repeat, r.client, "" + r.concurrency, "" + r.requests,
                    f3(r.seconds), f0(r.rps), f1(r.p50Micros), f1(r.p99Micros), f0(r.cpuNanosPerRequest),
                    f0(r.allocBytesPerRequest), "" + r.accepted, r.timeWait == Long.MIN_VALUE ? "" : "" + r.timeWait,
                    "" + r.timeWaitRetired, "" + r.errors, r.warmupRps.stream().map(Report::f0).collect(Collectors.joining(";")))).append('\n');
        }
        Files.writeString(csv, sb.toString(), StandardCharsets.UTF_8);
        line("Raw data: [" + csv.getFileName() + "](" + csv.getFileName() + ").");
        Files.writeString(mdFile, md.toString(), StandardCharsets.UTF_8);
        return mdFile;
    }

    /**
     * Each JVM trial's req/s over the tenths of its measured requests, and the median over trials of the best
     * tenth: on 2 vCPUs a trial can move between a slow and a fast regime (the raw floor too), so a median of
     * whole trials compares regimes as much as clients.
     */
    private void tenths(List<Result> s, List<String> clients, List<Integer> cs) {
        if (s.stream().noneMatch(r -> !r.tenthsRps.isEmpty())) {
            return;
        }
        line("### Within each trial: req/s over each tenth of the measured requests");
        line("");
        header("client", List.of("C", "best tenth (median over trials)", "each trial's tenths"));
        for (String cl : clients) {
            for (int c : cs) {
                List<Result> trials = s.stream().filter(r -> r.client.equals(cl) && r.concurrency == c
                        && !r.tenthsRps.isEmpty()).collect(Collectors.toList());
                if (trials.isEmpty()) {
                    continue;
                }
                double best = median(trials.stream().mapToDouble(r -> r.tenthsRps.stream().mapToDouble(d -> d)
                        .max().getAsDouble()).toArray());
                row(cl, List.of(Integer.toString(c), f0(best), trials.stream().map(r -> r.tenthsRps.stream()
                        .map(Report::f0).collect(Collectors.joining(" "))).collect(Collectors.joining(" / "))));
            }
        }
        line("");
    }

    private void targets(List<Result> s, List<Integer> cs) {
        line("### Targets");
        line("");
        for (int c : List.of(1, 16, 64)) {
            if (cs.contains(c)) {
                check(s, "httppool >= 1.0x go at C=" + c, "httppool", "go", c, 1.0, r -> r.rps);
                check(s, "httppool >= 0.7x raw floor at C=" + c, "httppool", "raw", c, 0.7, r -> r.rps);
            }
        }
        for (int c : cs) {
            double h = median(s, "httppool", c, r -> r.cpuNanosPerRequest);
            double g = median(s, "go", c, r -> r.cpuNanosPerRequest);
            if (!Double.isNaN(h) && !Double.isNaN(g)) {
                line(String.format(Locale.ROOT, "- CPU/request httppool <= go at C=%d: %s (%.2f vs %.2f us)", c,
                        h <= g ? "**met**" : "**missed**", h / 1000, g / 1000));
            }
        }
        for (int c : List.of(16, 64)) {
            if (cs.contains(c)) {
                check(s, "rc-httppool >= 1.2x rc-apache at C=" + c, "rc-httppool", "rc-apache", c, 1.2, r -> r.rps);
            }
        }
        for (int c : cs) {
            double mine = median(s, "rc-httppool", c, r -> r.rps);
            if (Double.isNaN(mine)) {
                continue;
            }
            List<String> ahead = new ArrayList<>();
            for (String other : s.stream().map(r -> r.client).distinct().collect(Collectors.toList())) {
                if (other.startsWith("rc-") && !other.equals("rc-httppool") && !other.endsWith(Runner.BEFORE)) {
                    double v = median(s, other, c, r -> r.rps);
                    if (!Double.isNaN(v) && v >= mine) {
                        ahead.add(other);
                    }
                }
            }
            line("- rc-httppool ahead of every other RestClient factory at C=" + c + ": "
                    + (ahead.isEmpty() ? "**met**" : "**missed** (behind or equal: " + String.join(", ", ahead) + ")"));
        }
        line("");
    }

    private void check(List<Result> s, String what, String a, String b, int c, double min, ToDoubleFunction<Result> f) {
        double x = median(s, a, c, f);
        double y = median(s, b, c, f);
        if (Double.isNaN(x) || Double.isNaN(y)) {
            return;
        }
        line(String.format(Locale.ROOT, "- %s: %s (%.2fx)", what, x / y >= min ? "**met**" : "**missed**", x / y));
    }

    /**
     * The lifecycle settings' hot-path cost: {@code httppool-lifecycle} (lifetime 5 m + 30 s jitter, FIFO) against
     * plain {@code httppool}, same run, interleaved.
     */
    private void lifecycleCost(List<Result> s, List<Integer> cs) {
        if (values(s, Clients.LIFECYCLE, cs.get(0), r -> r.rps).length == 0) {
            return;
        }
        line("### Lifecycle settings on the hot path (" + Clients.LIFECYCLE + ": max-conn-lifetime 5m, jitter 30s,"
                + " lease-strategy fifo; vs httppool, same run)");
        line("");
        header("ratio " + Clients.LIFECYCLE + " / httppool", cs.stream().map(c -> "C=" + c).collect(Collectors.toList()));
        costRow(s, cs, "req/s", r -> r.rps);
        costRow(s, cs, "CPU us/req", r -> r.cpuNanosPerRequest);
        costRow(s, cs, "alloc B/req", r -> r.allocBytesPerRequest);
        costRow(s, cs, "p50 us", r -> r.p50Micros);
        line("");
    }

    private void costRow(List<Result> s, List<Integer> cs, String what, ToDoubleFunction<Result> f) {
        List<String> cells = new ArrayList<>();
        for (int c : cs) {
            double x = median(s, Clients.LIFECYCLE, c, f) / median(s, "httppool", c, f);
            cells.add(Double.isNaN(x) ? "" : String.format(Locale.ROOT, "%.2f", x));
        }
        row(what, cells);
    }

    private void ratio(List<Result> s, List<Integer> cs, String a, String b) {
        List<String> cells = new ArrayList<>();
        boolean any = false;
        for (int c : cs) {
            double x = median(s, a, c, r -> r.rps);
            double y = median(s, b, c, r -> r.rps);
            any |= !Double.isNaN(x / y);
            cells.add(Double.isNaN(x / y) ? "" : String.format(Locale.ROOT, "%.2f", x / y));
        }
        if (any) {
            row(a + " / " + b, cells);
        }
    }

    private List<Result> select(String scenario, String path) {
        return results.stream().filter(r -> r.scenario.equals(scenario) && r.path.equals(path)).collect(Collectors.toList());
    }

    static double[] values(List<Result> rs, String client, int c, ToDoubleFunction<Result> f) {
        return rs.stream().filter(r -> r.client.equals(client) && r.concurrency == c).mapToDouble(f).toArray();
    }

    static double median(List<Result> rs, String client, int c, ToDoubleFunction<Result> f) {
        return median(values(rs, client, c, f));
    }

    static double median(double[] v) {
        double[] s = Arrays.stream(v).filter(d -> !Double.isNaN(d)).sorted().toArray();
        if (s.length == 0) {
            return Double.NaN;
        }
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private void header(String first, List<String> cols) {
        line("| " + first + " | " + String.join(" | ", cols) + " |");
        line("|---" + "|---:".repeat(cols.size()) + "|");
    }

    private void row(String first, List<String> cells) {
        line("| " + first + " | " + String.join(" | ", cells) + " |");
    }

    private void line(String s) {
        md.append(s).append('\n');
    }

    static String f0(double d) {
        return Double.isNaN(d) ? "n/a" : String.format(Locale.ROOT, "%.0f", d);
    }

    static String f1(double d) {
        return Double.isNaN(d) ? "n/a" : String.format(Locale.ROOT, "%.1f", d);
    }

    static String f2(double d) {
        return Double.isNaN(d) ? "n/a" : String.format(Locale.ROOT, "%.2f", d);
    }

    static String f3(double d) {
        return String.format(Locale.ROOT, "%.3f", d);
    }

    static String machine() {
        String cpu = "?";
        try {
            cpu = Files.readAllLines(Paths.get("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
        } catch (IOException | RuntimeException e) {
            // keep "?"
        }
        long mem = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
        return cpu + ", " + Runtime.getRuntime().availableProcessors() + " cores, "
                + (mem >> 30) + " GiB, " + System.getProperty("os.name") + " " + System.getProperty("os.version");
    }

    /**
     * The cpuidle driver and, for the guest haltpoll driver, how long an idle vCPU polls before it halts. With
     * {@code guest_halt_poll_ns=0} an idle vCPU halts at once, and waking it costs a VM exit and re-entry: at
     * C=1 that is paid twice per round trip (the server's CPU, then the client's).
     */
    private static String cpuIdle() {
        String driver = readFirstLine("/sys/devices/system/cpu/cpuidle/current_driver");
        String poll = readFirstLine("/sys/module/haltpoll/parameters/guest_halt_poll_ns");
        return "driver " + (driver == null ? "?" : driver)
                + (poll == null ? "" : ", guest_halt_poll_ns=" + poll + (poll.equals("0") ? " (an idle vCPU halts at once)" : ""));
    }

    private static String readFirstLine(String file) {
        try {
            return Files.readAllLines(Paths.get(file)).stream().findFirst().map(String::trim).orElse(null);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
