package dev.httppool.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One trial's numbers. Children (JVM and Go) print it as one {@code RESULT k=v ...} line; the runner adds the
 * server-side counters it read around the measured run.
 */
final class Result {
    String scenario = "steady";
    String path = "";
    int repeat;
    String client;
    int concurrency;
    int requests;
    double seconds;
    double rps;
    double p50Micros;
    double p99Micros;
    double cpuNanosPerRequest;
    /** NaN when not measured. */
    double allocBytesPerRequest = Double.NaN;
    int errors;
    List<Double> warmupRps = new ArrayList<>();
    /** Requests/s over each tenth of the measured requests (empty when not recorded): shows a run that drifts. */
    List<Double> tenthsRps = new ArrayList<>();
    /** Connections nginx accepted during the measured run; -1 when unknown. */
    long accepted = -1;
    /** Growth of the TIME_WAIT socket count during the measured run; Long.MIN_VALUE when unknown. */
    long timeWait = Long.MIN_VALUE;
    /**
     * TIME_WAIT sockets the kernel retired during the measured run, machine-wide (TcpExt TW + TWRecycled from
     * /proc/net/netstat); -1 when unknown. Under churn on loopback (tcp_tw_reuse=2) new connections recycle
     * TIME_WAIT sockets at once, so this counts churn that a snapshot of {@code ss} misses.
     */
    long timeWaitRetired = -1;

    String toLine() {
        return String.format(Locale.ROOT,
                "RESULT client=%s c=%d n=%d seconds=%.6f p50us=%.2f p99us=%.2f cpuns=%.1f allocb=%.1f errors=%d warmup=%s tenths=%s",
                client, concurrency, requests, seconds, p50Micros, p99Micros, cpuNanosPerRequest,
                allocBytesPerRequest, errors,
                join(warmupRps), join(tenthsRps));
    }

    private static String join(List<Double> rps) {
        return rps.stream().map(d -> String.format(Locale.ROOT, "%.0f", d)).collect(Collectors.joining(";"));
    }

    static Result parse(String line) {
        if (!line.startsWith("RESULT ")) {
            throw new IllegalArgumentException("not a result: " + line);
        }
        Map<String, String> kv = new LinkedHashMap<>();
        for (String part : line.substring(7).trim().split("\\s+")) {
            int eq = part.indexOf('=');
            kv.put(part.substring(0, eq), part.substring(eq + 1));
        }
        Result r = new Result();
        r.client = kv.get("client");
        r.concurrency = Integer.parseInt(kv.get("c"));
        r.requests = Integer.parseInt(kv.get("n"));
        r.seconds = Double.parseDouble(kv.get("seconds"));
        r.rps = r.requests / r.seconds;
        r.p50Micros = Double.parseDouble(kv.get("p50us"));
        r.p99Micros = Double.parseDouble(kv.get("p99us"));
        r.cpuNanosPerRequest = Double.parseDouble(kv.get("cpuns"));
        String alloc = kv.getOrDefault("allocb", "NaN");
        r.allocBytesPerRequest = alloc.equals("-1") ? Double.NaN : Double.parseDouble(alloc);
        r.errors = Integer.parseInt(kv.get("errors"));
        split(kv.getOrDefault("warmup", ""), r.warmupRps);
        split(kv.getOrDefault("tenths", ""), r.tenthsRps);
        return r;
    }

    private static void split(String joined, List<Double> into) {
        if (!joined.isEmpty()) {
            for (String s : joined.split(";")) {
                into.add(Double.parseDouble(s));
            }
        }
    }
}
