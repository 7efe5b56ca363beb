package dev.httppool;

import dev.httppool.internal.pool.ConnPool;
import dev.httppool.internal.pool.PooledConnection;
import dev.httppool.testing.FakeWire;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What leak detection costs a request, on the pool alone (as {@link PoolBench}): checkout for a request (which
 * records it for {@code activeConnections}), the weak reference that watches its response body, and the return;
 * with {@code leakDetectionThreshold} off and on (on: the request's stack is captured at checkout). Compare with
 * {@link PoolBench}'s acquire + release of the same idle connection. Run with {@code -prof gc} for B/op.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class PoolBenchLeaks {

    private static final Request REQUEST = Request.get("http://bench.test/orders?page=1");
    /** Stands for a response body; one shared object, so only the watching is measured. */
    private static final Object BODY = new Object();

    private ConnPool thresholdOff;
    private ConnPool thresholdOn;

    @Setup
    public void setUp() throws IOException {
        thresholdOff = pool(Duration.ZERO);
        thresholdOn = pool(Duration.ofMinutes(1));
    }

    private static ConnPool pool(Duration threshold) throws IOException {
        TransportConfig config = TransportConfig.builder().maxIdleConns(64).maxIdleConnsPerHost(64)
                .leakDetectionThreshold(threshold).build();
        ConnPool pool = new ConnPool(config, Ticker.system(), (key, trace) -> new FakeWire(0), Runnable::run,
                TransportListener.NONE, () -> { });
        List<PooledConnection> held = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            held.add(pool.acquire(PoolBench.KEY, ClientTrace.NONE));
        }
        for (PooledConnection pc : held) {
            if (pool.release(pc, null) != null) {
                throw new IllegalStateException("setup connection was not pooled");
            }
        }
        return pool;
    }

    @TearDown
    public void tearDown() {
        thresholdOff.close();
        thresholdOn.close();
    }

    private static PooledConnection requestCycle(ConnPool pool) throws IOException {
        PooledConnection pc = pool.acquire(PoolBench.KEY, ClientTrace.NONE, REQUEST);
        pc.responding(BODY);
        pool.release(pc, null);
        return pc;
    }

    @Benchmark
    @Threads(1)
    public PooledConnection watchedThresholdOffUncontended() throws IOException {
        return requestCycle(thresholdOff);
    }

    @Benchmark
    @Threads(1)
    public PooledConnection watchedThresholdOnUncontended() throws IOException {
        return requestCycle(thresholdOn);
    }

    @Benchmark
    @Threads(4)
    public PooledConnection watchedThresholdOff4Threads() throws IOException {
        return requestCycle(thresholdOff);
    }

    @Benchmark
    @Threads(4)
    public PooledConnection watchedThresholdOn4Threads() throws IOException {
        return requestCycle(thresholdOn);
    }
}
