package dev.httppool.sample;

import dev.httppool.PoolSnapshot;
import dev.httppool.Transport;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Service;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

/**
 * Runs a bounded load: {@code requests} GETs by {@code concurrency} threads through the injected {@link RestClient},
 * and reports timings plus what the shared {@link Transport}'s counters did meanwhile (other traffic at the same
 * time is counted too).
 */
@Service
class LoadRunner {

    private static final long MAX_RUN_MINUTES = 5;

    private final RestClient client;
    private final ObjectProvider<Transport> transport;

    LoadRunner(RestClient client, ObjectProvider<Transport> transport) {
        this.client = client;
        this.transport = transport;
    }

    Map<String, Object> run(URI uri, int requests, int concurrency) throws InterruptedException {
        long[] latencies = new long[requests];
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        AtomicInteger failed = new AtomicInteger();
        AtomicLong bytes = new AtomicLong();
        List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger next = new AtomicInteger();
        AtomicInteger threadIds = new AtomicInteger();
        ExecutorService workers = Executors.newFixedThreadPool(concurrency,
                (task) -> new Thread(task, "demo-load-" + threadIds.incrementAndGet()));

        Transport pool = transport.getIfAvailable();
        PoolSnapshot before = pool == null ? null : pool.snapshot();
        long start = System.nanoTime();
        for (int w = 0; w < concurrency; w++) {
            workers.execute(() -> {
                for (int i = next.getAndIncrement(); i < requests; i = next.getAndIncrement()) {
                    long t0 = System.nanoTime();
                    try {
                        ResponseEntity<byte[]> response = client.get().uri(uri).retrieve()
                                .onStatus((status) -> true, (request, r) -> { })
                                .toEntity(byte[].class);
                        statuses.computeIfAbsent(response.getStatusCode().value(), (s) -> new AtomicInteger())
                                .incrementAndGet();
                        bytes.addAndGet(response.getBody() == null ? 0 : response.getBody().length);
                    } catch (RestClientException ex) {
                        failed.incrementAndGet();
                        if (errors.size() < 5) {
                            errors.add(ex.getMessage());
                        }
                    }
                    latencies[i] = System.nanoTime() - t0;
                }
            });
        }
        workers.shutdown();
        if (!workers.awaitTermination(MAX_RUN_MINUTES, TimeUnit.MINUTES)) {
            workers.shutdownNow();
        }
        long elapsed = System.nanoTime() - start;
        PoolSnapshot after = pool == null ? null : pool.snapshot();

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("url", uri.toString());
        result.put("requests", requests);
        result.put("concurrency", concurrency);
        result.put("succeeded", requests - failed.get());
        result.put("failed", failed.get());
        Map<String, Integer> byStatus = new TreeMap<>();
        statuses.forEach((status, count) -> byStatus.put(Integer.toString(status), count.get()));
        result.put("statuses", byStatus);
        result.put("errors", errors);
        result.put("bytesReceived", bytes.get());
        result.put("elapsedMillis", TimeUnit.NANOSECONDS.toMillis(elapsed));
        result.put("requestsPerSecond", Math.round(requests * 1e10 / Math.max(1, elapsed)) / 10.0);
        result.put("latencyMillis", percentiles(latencies));
        if (after != null) {
            result.put("connections", connections(before, after));
            result.put("poolAfter", totals(after.totals()));
        } else {
            result.put("connections", "http.pool.enabled=false: Spring Boot's own request factory is in use");
        }
        return result;
    }

    private static Map<String, Object> connections(PoolSnapshot before, PoolSnapshot after) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("opened", after.stats().dials() - before.stats().dials());
        c.put("reused", after.stats().reused() - before.stats().reused());
        c.put("dialFailures", after.stats().dialFailures() - before.stats().dialFailures());
        Map<String, Long> closed = new LinkedHashMap<>();
        after.stats().closed().forEach((reason, count) -> {
            long delta = count - before.stats().closed().getOrDefault(reason, 0L);
            if (delta > 0) {
                closed.put(reason, delta);
            }
        });
        c.put("closed", closed);
        return c;
    }

    private static Map<String, Object> totals(PoolSnapshot.Totals t) {
        Map<String, Object> totals = new LinkedHashMap<>();
        totals.put("connections", t.connections());
        totals.put("idle", t.idle());
        totals.put("active", t.active());
        totals.put("dialing", t.dialing());
        totals.put("waiting", t.waiting());
        return totals;
    }

    private static Map<String, Object> percentiles(long[] latencies) {
        long[] sorted = latencies.clone();
        Arrays.sort(sorted);
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("min", millis(sorted[0]));
        p.put("p50", millis(sorted[(int) Math.floor(0.50 * (sorted.length - 1))]));
        p.put("p90", millis(sorted[(int) Math.floor(0.90 * (sorted.length - 1))]));
        p.put("p99", millis(sorted[(int) Math.floor(0.99 * (sorted.length - 1))]));
        p.put("max", millis(sorted[sorted.length - 1]));
        return p;
    }

    private static double millis(long nanos) {
        return Math.round(nanos / 10_000.0) / 100.0;
    }
}
