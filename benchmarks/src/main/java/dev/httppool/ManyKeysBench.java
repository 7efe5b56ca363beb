package dev.httppool;

import dev.httppool.internal.exchange.KeepAliveHint;
import dev.httppool.internal.pool.ConnPool;
import dev.httppool.internal.pool.PooledConnection;
import dev.httppool.testing.FakeTicker;
import dev.httppool.testing.FakeWire;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 15 item 4: the pool with many keys. {@code keys} keys each hold {@link #IDLE_PER_KEY} idle (socket-less)
 * connections, and {@link #WAITING_KEYS} more keys are at {@code maxConnsPerHost} with one request waiting on each
 * (a blocked thread). {@link #acquireRelease} takes and returns an idle connection of the next key in turn, so
 * every key is touched; {@link #maintenancePassNothingDue} runs one maintenance pass at an instant when no idle
 * connection is due for anything (expiry, probe): half a probe interval after a pass that probed them all.
 * {@code deadlines=lifetime-keepalive} gives every connection a lifetime ({@code maxConnLifetime} 1 h) and a
 * server idle limit ({@code Keep-Alive: timeout=3600}), which the pass once had to look at on every idle connection;
 * {@code deadlines=auto-cap} sets {@code maxIdleConnsPerHost: auto}, whose caps the pass once walked every key for.
 * Run with {@code -prof gc} for B/op.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ManyKeysBench {

    static final int IDLE_PER_KEY = 2;
    static final int WAITING_KEYS = 8;
    private static final int MAX_CONNS_PER_HOST = 4;

    @Param({"1", "100", "10000"})
    public int keys;

    /**
     * {@code none}; {@code lifetime-keepalive}: every connection has a lifetime and a server idle limit;
     * {@code auto-cap}: {@code maxIdleConnsPerHost} is {@code auto}, each key's cap following its recent use.
     */
    @Param({"none", "lifetime-keepalive", "auto-cap"})
    public String deadlines;

    /**
     * The order {@link #acquireRelease} visits the keys in: {@code sequential}, the order they were made in (so the
     * objects of the next key lie next to the last one's in memory, which the CPU's prefetcher can follow), or
     * {@code shuffled}, a fixed random permutation (as requests to many hosts arrive).
     */
    @Param({"sequential", "shuffled"})
    public String order = "sequential";

    private final FakeTicker ticker = new FakeTicker();
    private ConnPool pool;
    private ConnectMethodKey[] keyArray;
    private int next;
    private long quietInstant;
    private final List<Thread> waiters = new ArrayList<>();

    @Setup
    public void setUp() throws Exception {
        boolean withDeadlines = deadlines.equals("lifetime-keepalive");
        boolean autoCap = deadlines.equals("auto-cap"); // at least 2 idle per key: IDLE_PER_KEY stay
        TransportConfig.Builder builder = TransportConfig.builder().maxIdleConns(0)
                .maxIdleConnsPerHost(autoCap ? TransportConfig.AUTO_IDLE_CONNS_PER_HOST : IDLE_PER_KEY)
                .maxConnsPerHost(MAX_CONNS_PER_HOST).idleConnTimeout(Duration.ofHours(1));
        if (withDeadlines) {
            builder.maxConnLifetime(Duration.ofHours(1)).respectServerKeepAlive(true);
        } else if (!autoCap && !deadlines.equals("none")) {
            throw new IllegalArgumentException("deadlines: none, lifetime-keepalive or auto-cap, was " + deadlines);
        }
        TransportConfig config = builder.build();
        KeepAliveHint hint = KeepAliveHint.of(Headers.of("Keep-Alive", "timeout=3600"));
        pool = new ConnPool(config, ticker, (key, trace) -> new FakeWire(0), Runnable::run,
                TransportListener.NONE, () -> { });
        keyArray = new ConnectMethodKey[keys];
        for (int k = 0; k < keys; k++) {
            keyArray[k] = new ConnectMethodKey("", "http", "host" + k + ".bench.test:80", false);
            List<PooledConnection> held = new ArrayList<>();
            for (int i = 0; i < IDLE_PER_KEY; i++) {
                held.add(pool.acquire(keyArray[k], ClientTrace.NONE));
            }
            for (PooledConnection pc : held) {
                if (withDeadlines) {
                    pc.serverKeepAlive(hint); // as the exchange does before it releases the connection
                }
                if (pool.release(pc, null) != null) {
                    throw new IllegalStateException("setup connection was not pooled");
                }
            }
        }
        if (order.equals("shuffled")) {
            Collections.shuffle(Arrays.asList(keyArray), new Random(42));
        } else if (!order.equals("sequential")) {
            throw new IllegalArgumentException("order: sequential or shuffled, was " + order);
        }
        CountDownLatch started = new CountDownLatch(WAITING_KEYS);
        for (int w = 0; w < WAITING_KEYS; w++) {
            ConnectMethodKey busy = new ConnectMethodKey("", "http", "busy" + w + ".bench.test:80", false);
            for (int i = 0; i < MAX_CONNS_PER_HOST; i++) {
                pool.acquire(busy, ClientTrace.NONE); // held for good: the key is at its cap
            }
            Thread t = new Thread(() -> {
                started.countDown();
                try {
                    pool.acquire(busy, ClientTrace.NONE);
                } catch (IOException expected) {
                    // the pool closed at tear-down
                }
            }, "bench-waiter-" + w);
            t.setDaemon(true);
            t.start();
            waiters.add(t);
        }
        started.await(5, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (pool.snapshot().totals().waiting() < WAITING_KEYS && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        // One pass probes every idle connection; half a probe interval later, nothing is due.
        ticker.advance(Duration.ofMillis(10));
        pool.maintenance().run(ticker.nanoTime());
        ticker.advance(Duration.ofMillis(500));
        quietInstant = ticker.nanoTime();
    }

    @TearDown
    public void tearDown() throws InterruptedException {
        pool.close();
        for (Thread t : waiters) {
            t.join(5_000);
        }
    }

    @Benchmark
    @Threads(1)
    public PooledConnection acquireRelease() throws IOException {
        int k = next;
        next = k + 1 == keys ? 0 : k + 1;
        PooledConnection pc = pool.acquire(keyArray[k], ClientTrace.NONE);
        pool.release(pc, null);
        return pc;
    }

    @Benchmark
    @Threads(1)
    public long maintenancePassNothingDue() {
        return pool.maintenance().run(quietInstant);
    }
}
