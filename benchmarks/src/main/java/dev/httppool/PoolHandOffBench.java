package dev.httppool;

import dev.httppool.internal.pool.ConnPool;
import dev.httppool.internal.pool.PooledConnection;
import dev.httppool.testing.FakeWire;
import java.lang.management.ManagementFactory;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The pool's lock under contention, without sockets: callers loop on acquire + release of one key at
 * {@code max-conns-per-host} = cap, with socket-less connections (pool-testing's {@link FakeWire}) and inline dials.
 * With more callers than the cap every acquire waits and every release is a hand-off to the oldest waiter; with
 * callers = cap every acquire is an idle hit. Prints, per trial, operations per second (load-sensitive) and this
 * JVM's CPU time per operation (less so); run it under {@code perf stat -e instructions:u} for instructions per
 * operation. Package {@code dev.httppool} because {@link ConnPool} is package-private (as {@link PoolBench}).
 *
 * <p>{@code java -cp ... dev.httppool.PoolHandOffBench [--cap 64] [--callers p64,p256,v10000] [--seconds 4]
 * [--warmup-seconds 2]} (virtual callers need JDK 21+).
 */
public final class PoolHandOffBench {

    static final ConnectMethodKey KEY = new ConnectMethodKey("", "http", "bench.test:80", false);

    public static void main(String[] args) throws Exception {
        int cap = 64;
        String[] callers = {"p64", "p256", "v10000"};
        int seconds = 4;
        int warmup = 2;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--cap" -> cap = Integer.parseInt(args[++i]);
                case "--callers" -> callers = args[++i].split(",");
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--warmup-seconds" -> warmup = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option: " + args[i]);
            }
        }
        long total = 0;
        for (String c : callers) {
            total += trial(cap, c, warmup, seconds);
        }
        System.out.println("operations in all (warm-up included): " + total);
    }

    private static long trial(int cap, String callers, int warmup, int seconds) throws Exception {
        TransportConfig config = TransportConfig.builder().maxConnsPerHost(cap).maxIdleConnsPerHost(cap)
                .maxIdleConns(0).build();
        ConnPool pool = new ConnPool(config, Ticker.system(), (key, trace) -> new FakeWire(0), Runnable::run,
                TransportListener.NONE, () -> { });
        boolean virtual = callers.startsWith("v");
        int n = Integer.parseInt(callers.substring(1));
        ExecutorService executor = virtual ? virtualExecutor() : Executors.newFixedThreadPool(n);
        LongAdder ops = new LongAdder();
        LongAdder all = new LongAdder();
        LongAdder errors = new LongAdder();
        CountDownLatch ended = new CountDownLatch(n);
        Flags flags = new Flags();
        for (int t = 0; t < n; t++) {
            executor.execute(() -> {
                try {
                    while (!flags.stop) {
                        try {
                            PooledConnection pc = pool.acquire(KEY, ClientTrace.NONE);
                            pool.release(pc, null);
                        } catch (Exception e) {
                            errors.increment();
                            continue;
                        }
                        all.increment();
                        if (flags.measuring) {
                            ops.increment();
                        }
                    }
                } finally {
                    ended.countDown();
                }
            });
        }
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Thread.sleep(TimeUnit.SECONDS.toMillis(warmup));
        flags.measuring = true;
        long t0 = System.nanoTime();
        long cpu0 = os.getProcessCpuTime();
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
        flags.measuring = false;
        long cpu = os.getProcessCpuTime() - cpu0;
        long elapsed = System.nanoTime() - t0;
        flags.stop = true;
        ended.await(60, TimeUnit.SECONDS);
        executor.shutdownNow();
        pool.close();
        long count = ops.sum();
        System.out.printf("| %d | %s | %.0f | %.0f | %s |%n", cap, (virtual ? n + " virtual" : n + " platform"),
                count * 1e9 / elapsed, count == 0 ? 0.0 : (double) cpu / count,
                errors.sum() == 0 ? "" : "errors " + errors.sum());
        return all.sum();
    }

    /** Flags the callers read. */
    private static final class Flags {
        volatile boolean measuring;
        volatile boolean stop;
    }

    /** {@code Executors.newVirtualThreadPerTaskExecutor()}, looked up so that this compiles for Java 17. */
    private static ExecutorService virtualExecutor() throws Exception {
        return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    }
}
