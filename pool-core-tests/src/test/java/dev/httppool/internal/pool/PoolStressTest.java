package dev.httppool.internal.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.httppool.ClientTrace;
import dev.httppool.CloseReason;
import dev.httppool.ConnectMethodKey;
import dev.httppool.HostOverride;
import dev.httppool.PoolSnapshot;
import dev.httppool.Ticker;
import dev.httppool.TransportConfig;
import dev.httppool.TransportListener;
import dev.httppool.internal.exchange.WireConnection;
import dev.httppool.testing.FakeMuxWire;
import dev.httppool.testing.FakeWire;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Many real threads against one pool with a small {@code maxConnsPerHost}: HTTP/1.1 keys and a shared HTTP/2 key,
 * connections returned, broken or leaked (their body's reference queued as the collector would), while other
 * threads call {@code closeIdleConnections} and run the maintenance. Every caller ends within bounded waits, and
 * the pool's counts come back to zero. A warm key ({@code minIdle}) is refilled all the while, and HTTP/2 servers
 * send GOAWAY.
 */
class PoolStressTest {

    private static final ConnectMethodKey H1_A = new ConnectMethodKey("", "http", "a.test:80", false);
    private static final ConnectMethodKey H1_B = new ConnectMethodKey("", "http", "b.test:80", false);
    private static final ConnectMethodKey H2 = new ConnectMethodKey("", "https", "h2.test:443", false);
    private static final ConnectMethodKey[] KEYS = {H1_A, H1_B, H2};
    private static final int CALLERS = 12;
    private static final int ITERATIONS = 1500;

    @Test
    void countsReturnToZeroAndNoCallerHangsUnderConcurrentCloseIdleLeaksAndSharedConnections() throws Exception {
        AtomicInteger ids = new AtomicInteger();
        Queue<WireConnection> wires = new ConcurrentLinkedQueue<>();
        ExecutorService dialers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "stress-dial");
            t.setDaemon(true);
            return t;
        });
        TransportConfig config = TransportConfig.builder().maxConnsPerHost(2).maxIdleConnsPerHost(1)
                .connWaitTimeout(Duration.ofSeconds(10))
                .hosts(List.of(HostOverride.builder("http://a.test").minIdle(1).build())).build();
        ScheduledExecutorService maintenance = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "stress-warm");
            t.setDaemon(true);
            return t;
        });
        ConnPool pool = new ConnPool(config, Ticker.system(), (key, trace) -> {
            WireConnection w = key.equals(H2) ? new FakeMuxWire(ids.incrementAndGet(), 3)
                    : new FakeWire(ids.incrementAndGet());
            wires.add(w);
            return w;
        }, dialers, TransportListener.NONE, () -> { });
        pool.warmPools().start(ConnectMethodKey::direct,
                (task, delay) -> {
                    try {
                        maintenance.schedule(task, delay, TimeUnit.NANOSECONDS);
                    } catch (RejectedExecutionException e) {
                        // stopped at the end of the test
                    }
                });
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicInteger leaked = new AtomicInteger();
        CountDownLatch callersDone = new CountDownLatch(CALLERS);
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < CALLERS; c++) {
            long seed = c;
            threads.add(new Thread(() -> {
                Random random = new Random(seed);
                try {
                    for (int i = 0; i < ITERATIONS && failure.get() == null; i++) {
                        PooledConnection pc = pool.acquire(KEYS[random.nextInt(KEYS.length)], ClientTrace.NONE);
                        int what = random.nextInt(10);
                        if (what == 0 && pc.wire instanceof FakeWire) {
                            pc.responding(new Object()); // leaked: the collector queues its body's reference
                            pc.bodyRef.enqueue();
                            leaked.incrementAndGet();
                        } else {
                            pool.release(pc, what == 1 ? CloseReason.BROKEN : null);
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    callersDone.countDown();
                }
            }, "stress-caller-" + c));
        }
        Thread chaos = new Thread(() -> {
            Random random = new Random(99);
            try {
                while (callersDone.getCount() > 0) {
                    if (random.nextInt(4) == 0) {
                        pool.closeIdleConnections();
                    }
                    if (random.nextInt(50) == 0) { // the server of an HTTP/2 connection sends GOAWAY
                        wires.stream().filter(w -> w instanceof FakeMuxWire && ((FakeMuxWire) w).takesNewStreams())
                                .findFirst().ifPresent(w -> ((FakeMuxWire) w).goAway());
                    }
                    pool.maintenance().run(System.nanoTime()); // reclaims the leaked ones, probes, trims
                    Thread.yield();
                }
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        }, "stress-chaos");
        threads.forEach(Thread::start);
        chaos.start();

        boolean ended = callersDone.await(20, TimeUnit.SECONDS);
        chaos.join(5000);
        if (!ended) {
            StringBuilder stacks = new StringBuilder();
            for (Thread t : threads) {
                stacks.append('\n').append(t.getName()).append(' ').append(t.getState());
                for (StackTraceElement e : t.getStackTrace()) {
                    stacks.append("\n    at ").append(e);
                }
            }
            threads.forEach(Thread::interrupt);
            throw new AssertionError("callers did not end within 20 s: " + pool.snapshot() + stacks);
        }
        assertThat(failure.get()).as("a caller's or the chaos thread's failure").isNull();
        maintenance.shutdownNow(); // no warm refill after this point
        assertThat(maintenance.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        awaitNoDials(pool);
        pool.maintenance().run(System.nanoTime()); // any reference queued after the chaos thread's last run
        assertThat(pool.checkInvariants()).isNull();
        PoolSnapshot s = pool.snapshot();
        assertThat(s.totals().active()).as("active after every caller ended").isZero();
        assertThat(s.totals().waiting()).isZero();
        assertThat(s.totals().dialing()).isZero();
        assertThat(pool.mux.openStreams()).as("streams left on shared connections").isEmpty();

        pool.close(); // closes the idle ones, warm included, and starts no warm dial again
        assertThat(pool.snapshot().totals()).as("every count back to zero")
                .isEqualTo(new PoolSnapshot.Totals(0, 0, 0, 0, 0));
        assertThat(wires).as("every connection closed").allMatch(w -> w instanceof FakeWire
                ? ((FakeWire) w).closed : ((FakeMuxWire) w).closed);
        assertThat(leaked.get()).as("leaks simulated").isPositive();
        dialers.shutdownNow();
    }

    /** Waits (bounded) until no dial is in flight: a warm dial started before the scheduler stopped lands first. */
    private static void awaitNoDials(ConnPool pool) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (pool.snapshot().totals().dialing() > 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("dials did not end within 5 s: " + pool.snapshot());
            }
            Thread.yield();
        }
    }
}
