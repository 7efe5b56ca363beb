package dev.httppool;


import dev.httppool.bench.LifecycleSettings;
import dev.httppool.internal.pool.ConnPool;
import dev.httppool.internal.pool.PooledConnection;
import dev.httppool.testing.FakeWire;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
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
 * The pool alone: acquire + release of an idle connection, with a connector that makes socket-less
 * connections (pool-testing's {@link FakeWire}) and dials run inline. Lives in package {@code dev.httppool}
 * because {@link ConnPool} is package-private; built the way {@code ConnPoolTest} builds it. Run with {@code -prof gc} for B/op.
 * {@code settings=lifecycle} adds {@link LifecycleSettings} (lifetime with jitter, FIFO): its hot-path cost.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class PoolBench {

    static final ConnectMethodKey KEY = new ConnectMethodKey("", "http", "bench.test:80", false);

    /** {@code default}: Go's settings; {@code lifecycle}: with {@link LifecycleSettings}. */
    @Param({"default", "lifecycle"})
    public String settings;

    private ConnPool pool;

    @Setup
    public void setUp() throws IOException {
        TransportConfig.Builder builder = TransportConfig.builder().maxIdleConns(64).maxIdleConnsPerHost(64);
        TransportConfig config = (settings.equals("lifecycle") ? LifecycleSettings.apply(builder) : builder).build();
        pool = new ConnPool(config, Ticker.system(), (key, trace) -> new FakeWire(0), Runnable::run,
                TransportListener.NONE, () -> { });
        // One idle connection per benchmark thread (and spares), so acquires never dial once measuring.
        List<PooledConnection> held = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            held.add(pool.acquire(KEY, ClientTrace.NONE));
        }
        for (PooledConnection pc : held) {
            if (pool.release(pc, null) != null) {
                throw new IllegalStateException("setup connection was not pooled");
            }
        }
    }

    @TearDown
    public void tearDown() {
        pool.close();
    }

    @Benchmark
    @Threads(1)
    public PooledConnection acquireReleaseUncontended() throws IOException {
        PooledConnection pc = pool.acquire(KEY, ClientTrace.NONE);
        pool.release(pc, null);
        return pc;
    }

    @Benchmark
    @Threads(4)
    public PooledConnection acquireRelease4Threads() throws IOException {
        PooledConnection pc = pool.acquire(KEY, ClientTrace.NONE);
        pool.release(pc, null);
        return pc;
    }
}
