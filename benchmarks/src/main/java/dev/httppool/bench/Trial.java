package dev.httppool.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One closed-loop trial in this JVM: warm-up rounds until throughput stops rising, then exactly N requests
 * shared by C threads, with latency, process CPU and allocation measured over the N requests only.
 */
@SuppressWarnings("try")
final class Trial {

    /** A warm-up round must beat the best earlier round by this factor to count as still rising. */
    static final double STILL_RISING = 1.03;
    /** The warm-up ends after this many consecutive rounds that did not rise (and the minimum number of rounds). */
    static final int FLAT_ROUNDS = 2;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /**
     * The callers' threads: platform threads, or with {@code -Dbench.virtualCallers=true} on JDK 21+ virtual threads
     * (an experiment: bytes allocated per request then count only platform threads, so they read low).
     */
    private static final ThreadFactory CALLERS = callers();

    private Trial() {
    }

    private static ThreadFactory callers() {
        if (!Boolean.getBoolean("bench.virtualCallers")) {
            return Thread::new;
        }
        try {
            Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
            return (ThreadFactory) Class.forName("java.lang.Thread$Builder").getMethod("factory").invoke(builder);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("bench.virtualCallers needs JDK 21 or later", e);
        }
    }

    /** Called around the measured run, while the client is open (the runner reads server counters there). */
    interface Gate {
        /** After the warm-up. */
        void awaitGo() throws Exception;

        /** After the measured run, before the client (and its connections) is closed. */
        default void measured(Result r) throws Exception {
        }
    }

    static Result run(Params p, Gate gate) throws Exception {
        try (BenchClient client = Clients.create(p)) {
            List<Double> warmup = new ArrayList<>();
            double best = 0;
            int flat = 0;
            for (int round = 1; round <= p.maxWarmupRounds(); round++) {
                double rps = timed(client, p.concurrency(), p.warmupRoundMillis());
                warmup.add(rps);
                flat = rps > best * STILL_RISING ? 0 : flat + 1;
                best = Math.max(best, rps);
                if (round >= p.minWarmupRounds() && flat >= FLAT_ROUNDS) {
                    break;
                }
            }
            gate.awaitGo();
            Result r = measured(client, p, warmup);
            gate.measured(r);
            return r;
        }
    }

    /** Runs for {@code millis} and returns requests/s. */
    private static double timed(BenchClient client, int c, long millis) throws InterruptedException {
        AtomicLong done = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long start = System.nanoTime();
        long deadline = start + millis * 1_000_000L;
        Thread[] threads = new Thread[c];
        for (int i = 0; i < c; i++) {
            int slot = i;
            threads[i] = CALLERS.newThread(() -> {
                byte[] scratch = new byte[8192];
                long n = 0;
                while (System.nanoTime() < deadline) {
                    try {
                        client.call(slot, scratch);
                        n++;
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }
                done.addAndGet(n);
            });
            threads[i].setName("warmup-" + i);
            threads[i].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failure.get() != null) {
            System.err.println("warm-up error: " + failure.get());
        }
        return done.get() / ((System.nanoTime() - start) / 1e9);
    }

    private static Result measured(BenchClient client, Params p, List<Double> warmup) throws Exception {
        int n = p.requests();
        int c = p.concurrency();
        long[] latencies = new long[n];
        long[] ends = new long[n];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        AtomicReference<Throwable> firstError = new AtomicReference<>();
        CountDownLatch startGate = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(c);
        CountDownLatch release = new CountDownLatch(1);
        Thread[] threads = new Thread[c];
        for (int i = 0; i < c; i++) {
            int slot = i;
            threads[i] = CALLERS.newThread(() -> {
                byte[] scratch = new byte[8192];
                try {
                    startGate.await();
                    for (int k; (k = next.getAndIncrement()) < n; ) {
                        long t0 = System.nanoTime();
                        try {
                            client.call(slot, scratch);
                        } catch (Throwable e) {
                            errors.incrementAndGet();
                            firstError.compareAndSet(null, e);
                        }
                        long t1 = System.nanoTime();
                        latencies[k] = t1 - t0;
                        ends[k] = t1;
                    }
                    finished.countDown();
                    release.await(); // stay alive until this thread's allocation has been read
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            threads[i].setName("load-" + i);
            threads[i].start();
        }
        Map<Long, Long> allocBefore = allocatedByThread();
        long cpu0 = OS.getProcessCpuTime();
        long t0 = System.nanoTime();
        startGate.countDown();
        finished.await();
        long elapsed = System.nanoTime() - t0;
        long cpu = OS.getProcessCpuTime() - cpu0;
        Map<Long, Long> allocAfter = allocatedByThread();
        release.countDown();
        for (Thread t : threads) {
            t.join();
        }
        long alloc = 0;
        for (Map.Entry<Long, Long> e : allocAfter.entrySet()) {
            alloc += e.getValue() - allocBefore.getOrDefault(e.getKey(), 0L);
        }
        if (firstError.get() != null) {
            System.err.println("error (" + errors.get() + " in all): " + firstError.get());
        }
        Arrays.sort(latencies);
        Result r = new Result();
        r.tenthsRps = tenths(ends, t0);
        r.client = p.client();
        r.concurrency = c;
        r.requests = n;
        r.seconds = elapsed / 1e9;
        r.rps = n / r.seconds;
        r.p50Micros = latencies[(int) Math.min(n - 1, Math.round(0.50 * (n - 1)))] / 1e3;
        r.p99Micros = latencies[(int) Math.min(n - 1, Math.round(0.99 * (n - 1)))] / 1e3;
        r.cpuNanosPerRequest = (double) cpu / n;
        r.allocBytesPerRequest = (double) alloc / n;
        r.errors = errors.get();
        r.warmupRps = warmup;
        return r;
    }

    /** Requests/s over each tenth of the measured requests, in the order they completed. */
    private static List<Double> tenths(long[] ends, long start) {
        Arrays.sort(ends);
        List<Double> out = new ArrayList<>(10);
        long from = start;
        for (int i = 1; i <= 10; i++) {
            int lo = (int) ((long) ends.length * (i - 1) / 10);
            int hi = (int) ((long) ends.length * i / 10);
            long to = ends[hi - 1];
            out.add((hi - lo) / Math.max(1e-9, (to - from) / 1e9));
            from = to;
        }
        return out;
    }

    /** Bytes allocated so far by every live thread (threads that end meanwhile are not counted). */
    private static Map<Long, Long> allocatedByThread() {
        long[] ids = THREADS.getAllThreadIds();
        long[] bytes = THREADS.getThreadAllocatedBytes(ids);
        Map<Long, Long> m = new HashMap<>(ids.length * 2);
        for (int i = 0; i < ids.length; i++) {
            if (bytes[i] >= 0) {
                m.put(ids[i], bytes[i]);
            }
        }
        return m;
    }
}
