package dev.httppool.internal.connect;

import static dev.httppool.PoolTestSupport.KEY_A;
import static dev.httppool.PoolTestSupport.KEY_B;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.httppool.ClientTrace;
import dev.httppool.ConnectMethodKey;
import dev.httppool.PoolTestSupport;
import dev.httppool.Ticker;
import dev.httppool.TransportListener;
import dev.httppool.internal.pool.ConnPool;
import dev.httppool.internal.pool.Connector;
import dev.httppool.internal.pool.PooledConnection;
import dev.httppool.testing.FakeWire;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 11, item 3: on a JVM without virtual threads, dials run on a capped number of platform threads; the rest
 * wait and start in order, and a request whose dial waits is still served by a connection returned meanwhile.
 */
@Timeout(30)
class DialThreadsTest {

    private static final long WAIT_SECONDS = 5;

    @Test
    void aBoundedExecutorRunsAtMostItsCapAtOnceAndStartsTheRestInTheOrderTheyCame() throws Exception {
        ExecutorService executor = DialThreads.bounded("test-dial-", 2);
        List<Integer> startOrder = new CopyOnWriteArrayList<>();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        CountDownLatch[] finish = new CountDownLatch[5];
        try {
            for (int i = 0; i < finish.length; i++) {
                int task = i;
                finish[i] = new CountDownLatch(1);
                executor.execute(() -> {
                    mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
                    startOrder.add(task);
                    await(finish[task]);
                    running.decrementAndGet();
                });
            }
            awaitTrue(() -> startOrder.size() == 2);
            assertThat(startOrder).containsExactlyInAnyOrder(0, 1);

            for (int i = 0; i < finish.length; i++) {
                finish[i].countDown();
                int started = Math.min(finish.length, i + 3);
                awaitTrue(() -> startOrder.size() == started);
            }

            assertThat(startOrder.subList(2, 5)).containsExactly(2, 3, 4);
            assertThat(mostAtOnce).hasValue(2);
        } finally {
            executor.shutdown();
            assertThat(executor.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void aTaskThatThrowsDoesNotStrandTheTasksWaitingBehindIt() throws Exception {
        ExecutorService executor = DialThreads.bounded("test-dial-", 1);
        // Two callers block at once: give each its own thread (the common pool may have only one).
        ExecutorService callers = Executors.newCachedThreadPool();
        CountDownLatch ran = new CountDownLatch(2);
        try {
            executor.execute(() -> {
                throw new IllegalStateException("test: a failing task");
            });
            executor.execute(ran::countDown);
            executor.execute(ran::countDown);

            assertThat(ran.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        } finally {
            executor.shutdown();
            assertThat(executor.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void withoutVirtualThreadsATransportsDialsRunOnAtMost256PlatformThreads() throws Exception {
        assumeThat(Runtime.version().feature()).as("Java 21+ dials on virtual threads").isLessThan(21);
        int tasks = DialThreads.MAX_PLATFORM_DIAL_THREADS + 44;
        ExecutorService executor = DialThreads.newExecutor();
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(tasks);
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        AtomicInteger startedBeforeGate = new AtomicInteger();
        try {
            for (int i = 0; i < tasks; i++) {
                executor.execute(() -> {
                    threads.add(Thread.currentThread());
                    if (gate.getCount() > 0) {
                        startedBeforeGate.incrementAndGet();
                    }
                    await(gate);
                    done.countDown();
                });
            }
            awaitTrue(() -> startedBeforeGate.get() == DialThreads.MAX_PLATFORM_DIAL_THREADS);
            gate.countDown();

            assertThat(done.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("the waiting dials ran later").isTrue();
            assertThat(startedBeforeGate).hasValue(DialThreads.MAX_PLATFORM_DIAL_THREADS);
            assertThat(threads).hasSize(DialThreads.MAX_PLATFORM_DIAL_THREADS)
                    .allMatch(t -> t.getName().startsWith("httppool-dial-"));
        } finally {
            gate.countDown();
            executor.shutdown();
            assertThat(executor.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        }
    }

    /**
     * One dial thread, held by a dial to a stalling host (B). A request to A whose own dial waits behind it is
     * served by A's connection as soon as another request returns it (late binding), not when B lets go.
     */
    @Test
    void aRequestWhoseDialWaitsForAThreadIsServedByAConnectionReturnedMeanwhile() throws Exception {
        CountDownLatch stalling = new CountDownLatch(1);
        CountDownLatch releaseStall = new CountDownLatch(1);
        AtomicInteger ids = new AtomicInteger();
        Connector connector = (key, trace) -> {
            if (key.equals(KEY_B)) {
                stalling.countDown();
                await(releaseStall);
            }
            return new FakeWire(ids.incrementAndGet());
        };
        ExecutorService executor = DialThreads.bounded("test-dial-", 1);
        // Two callers block at once: give each its own thread (the common pool may have only one).
        ExecutorService callers = Executors.newCachedThreadPool();
        ConnPool pool = new ConnPool(PoolTestSupport.config().build(), Ticker.system(), connector, executor,
                TransportListener.NONE, () -> { });
        try {
            PooledConnection first = pool.acquire(KEY_A, ClientTrace.NONE);
            CompletableFuture<PooledConnection> stalled = CompletableFuture.supplyAsync(() -> acquire(pool, KEY_B),
                    callers);
            assertThat(stalling.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<PooledConnection> waiting = CompletableFuture.supplyAsync(() -> acquire(pool, KEY_A),
                    callers);
            awaitTrue(() -> pool.snapshot().totals().waiting() == 2);

            pool.release(first, null);

            assertThat(waiting.get(WAIT_SECONDS, TimeUnit.SECONDS).wire).isSameAs(first.wire);
            assertThat(stalled).isNotDone();
            releaseStall.countDown();
            PooledConnection b = stalled.get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(b.wire).isNotSameAs(first.wire);
            awaitTrue(() -> pool.snapshot().totals().dialing() == 0);
            assertThat(pool.snapshot().stats().dials()).as("A, B, and A's late dial, pooled").isEqualTo(3);
        } finally {
            releaseStall.countDown();
            pool.close();
            callers.shutdown();
            executor.shutdown();
            assertThat(executor.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        }
    }

    private static PooledConnection acquire(ConnPool pool, ConnectMethodKey key) {
        try {
            return pool.acquire(key, ClientTrace.NONE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(20, TimeUnit.SECONDS)) {
                throw new AssertionError("latch not opened within 20 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("condition within %d s", WAIT_SECONDS).isNegative();
            TimeUnit.MILLISECONDS.sleep(5); // poll interval, not synchronisation
        }
    }
}
