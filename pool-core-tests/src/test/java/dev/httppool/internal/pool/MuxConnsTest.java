package dev.httppool.internal.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.httppool.ClientTrace;
import dev.httppool.ConnectMethodKey;
import dev.httppool.PoolExhaustedException;
import dev.httppool.RejectReason;
import dev.httppool.TransportConfig;
import dev.httppool.TransportListener;
import dev.httppool.testing.Async;
import dev.httppool.testing.FakeMuxWire;
import dev.httppool.testing.FakeTicker;
import dev.httppool.testing.ManualDials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How HTTP/2 connections move between the pool's idle list and the shared ones, and who is woken when a stream
 * frees. Dials run when the test says so ({@link ManualDials}) and make {@link FakeMuxWire}s; the ticker is moved by
 * hand.
 */
class MuxConnsTest {

    private static final ConnectMethodKey H2 = new ConnectMethodKey("", "https", "h2.test:443", false);

    private final FakeTicker ticker = new FakeTicker();
    private final ManualDials dials = new ManualDials();
    private final AtomicInteger ids = new AtomicInteger();
    private final List<FakeMuxWire> wires = new CopyOnWriteArrayList<>();
    /** The names of the threads whose wait for permission to dial ended, in order. */
    private final List<String> waitsEnded = new CopyOnWriteArrayList<>();
    /** The reasons of the refusals the listener heard of, in order. */
    private final List<RejectReason> rejected = new CopyOnWriteArrayList<>();
    private ConnPool pool;
    private int maxStreams = 100;

    private ConnPool pool(TransportConfig config) {
        TransportListener listener = new TransportListener() {
            @Override
            public void waited(ConnectMethodKey key, long nanos) {
                waitsEnded.add(Thread.currentThread().getName());
            }

            @Override
            public void rejected(ConnectMethodKey key, RejectReason reason) {
                rejected.add(reason);
            }
        };
        pool = new ConnPool(config, ticker, (key, trace) -> {
            FakeMuxWire w = new FakeMuxWire(ids.incrementAndGet(), maxStreams);
            wires.add(w);
            return w;
        }, dials, listener, () -> { });
        return pool;
    }

    @AfterEach
    void invariantsHold() {
        if (pool != null) {
            dials.completeAll(); // a failing test may have left requests waiting for dials
            assertThat(pool.checkInvariants()).isNull();
            pool.close();
        }
    }

    /** Acquires on another thread, completing queued dials until it returns. */
    private PooledConnection acquire() throws Exception {
        CompletableFuture<PooledConnection> got = acquireAsync("test-caller");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!got.isDone() && System.nanoTime() < deadline) {
            if (dials.queued() > 0) {
                dials.completeNext();
            }
            Thread.onSpinWait();
        }
        return got.get(5, TimeUnit.SECONDS);
    }

    /** Acquires on a new thread named {@code name}; dials it needs stay queued. */
    private CompletableFuture<PooledConnection> acquireAsync(String name) {
        CompletableFuture<PooledConnection> got = new CompletableFuture<>();
        Async.THREADS.execute(() -> {
            Thread.currentThread().setName(name);
            try {
                got.complete(pool.acquire(H2, ClientTrace.NONE));
            } catch (IOException e) {
                got.completeExceptionally(new UncheckedIOException(e));
            } catch (Throwable t) {
                got.completeExceptionally(t);
            }
        });
        return got;
    }

    private static void awaitTrue(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.yield();
        }
    }

    private void awaitWaiting(int n) {
        awaitTrue("waiting reaches " + n, () -> pool.snapshot().totals().waiting() == n);
    }

    @Test
    void aBurstAgainstAKeyWhoseOnlyHttp2ConnectionIsIdleDialsNothingWhileItBecomesSharedAgain() throws Exception {
        pool(TransportConfig.defaults());
        pool.release(acquire(), null);
        assertThat(pool.snapshot().totals().idle()).isEqualTo(1);
        ticker.advance(Duration.ofSeconds(1)); // idle long enough that a checkout looks at it before lending it
        CountDownLatch inWindow = new CountDownLatch(1);
        CountDownLatch leave = new CountDownLatch(1);
        wires.get(0).onIdleCheck = () -> {
            inWindow.countDown();
            try {
                leave.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };

        // The first request takes the idle connection. Had it left the idle list before it became shared, it would
        // be held here, in neither place, while the burst arrives.
        CompletableFuture<PooledConnection> first = acquireAsync("first");
        awaitTrue("the first request took the connection", () -> inWindow.getCount() == 0 || first.isDone());
        int n = 10;
        List<CompletableFuture<PooledConnection>> burst = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            burst.add(acquireAsync("burst-" + i));
        }
        awaitTrue("the burst served, or dialing",
                () -> burst.stream().allMatch(CompletableFuture::isDone) || dials.queued() > 0);
        int dialsStarted = dials.queued();
        leave.countDown();

        assertThat(dialsStarted).as("dials started by the burst").isZero();
        PooledConnection shared = first.get(5, TimeUnit.SECONDS);
        for (CompletableFuture<PooledConnection> f : burst) {
            assertThat(f.get(5, TimeUnit.SECONDS)).isSameAs(shared);
        }
        assertThat(wires).hasSize(1);
        assertThat(pool.snapshot().key(H2.toString()).activeConnections()).singleElement()
                .satisfies(c -> assertThat(c.streams()).isEqualTo(n + 1));
        pool.release(shared, null);
        for (int i = 0; i < n; i++) {
            pool.release(shared, null);
        }
        assertThat(pool.snapshot().totals().idle()).isEqualTo(1);
    }

    @Test
    void aStreamThatEndsAsARequestArrivesDoesNotMakeItDial() throws Exception {
        pool(TransportConfig.defaults());
        PooledConnection pc = acquire();
        int rounds = 200;
        for (int i = 0; i < rounds; i++) {
            CompletableFuture<PooledConnection> next = acquireAsync("next-" + i);
            pool.release(pc, null); // the last stream ends while the next request looks for one
            awaitTrue("the next request served, or dialing", () -> next.isDone() || dials.queued() > 0);
            assertThat(dials.queued()).as("dials started in round " + i).isZero();
            pc = next.get(5, TimeUnit.SECONDS);
        }
        pool.release(pc, null);
        assertThat(wires).hasSize(1);
    }

    @Test
    void aFreedStreamWakesOnlyTheOldestRequestWaitingForPermissionToDialAndTheNextFreedOneTheNext()
            throws Exception {
        maxStreams = 2;
        pool(TransportConfig.builder().maxConnsPerHost(1).build());
        PooledConnection s1 = acquire();
        PooledConnection s2 = acquire();
        assertThat(s2).isSameAs(s1); // the key's one connection, full
        List<CompletableFuture<PooledConnection>> waiters = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            waiters.add(acquireAsync("waiter-" + i));
            awaitWaiting(i);
        }

        pool.release(s2, null);
        PooledConnection got1 = waiters.get(0).get(5, TimeUnit.SECONDS);
        awaitWaiting(2);
        assertThat(waitsEnded).as("woken by one freed stream").containsExactly("waiter-1");

        pool.release(s1, null);
        PooledConnection got2 = waiters.get(1).get(5, TimeUnit.SECONDS);
        awaitWaiting(1);
        assertThat(waitsEnded).containsExactly("waiter-1", "waiter-2");

        pool.release(got1, null);
        PooledConnection got3 = waiters.get(2).get(5, TimeUnit.SECONDS);
        assertThat(waitsEnded).containsExactly("waiter-1", "waiter-2", "waiter-3");
        assertThat(List.of(got1, got2, got3)).containsOnly(s1);
        assertThat(wires).hasSize(1);
        pool.release(got2, null);
        pool.release(got3, null);
        assertThat(pool.snapshot().totals().waiting()).isZero();
        assertThat(pool.snapshot().totals().idle()).isEqualTo(1);
    }

    @Test
    void withStrictStreamLimitsFreedStreamsGoToTheWaitingRequestsOldestFirstAndNewcomersQueueBehindThem()
            throws Exception {
        maxStreams = 1;
        pool(TransportConfig.builder().http2StrictMaxConcurrentStreams(true).build());
        PooledConnection first = acquire();
        List<CompletableFuture<PooledConnection>> waiting = new ArrayList<>();
        for (String name : List.of("a", "b", "c")) {
            waiting.add(acquireAsync(name));
            int n = waiting.size();
            awaitTrue(name + " queued for a stream", () -> pool.snapshot().totals().waiting() == n);
        }

        PooledConnection held = first;
        for (int i = 0; i < 3; i++) {
            pool.release(held, null); // the stream frees: the oldest waiter takes it, the others wait on
            held = waiting.get(i).get(5, TimeUnit.SECONDS);
            assertThat(held.wire).isSameAs(first.wire);
            for (int later = i + 1; later < 3; later++) {
                assertThat(waiting.get(later)).isNotDone();
            }
            int left = 2 - i;
            awaitTrue(left + " still queued", () -> pool.snapshot().totals().waiting() == left);
        }
        pool.release(held, null);
        assertThat(dials.queued()).isZero();
        assertThat(wires).hasSize(1);
    }

    @Test
    void withStrictStreamLimitsAWaiterThatTimesOutLeavesTheQueueAndTheNextOneGetsTheStream() throws Exception {
        maxStreams = 1;
        pool(TransportConfig.builder().http2StrictMaxConcurrentStreams(true)
                .connWaitTimeout(Duration.ofMillis(100)).build());
        PooledConnection first = acquire();
        CompletableFuture<PooledConnection> early = acquireAsync("early");
        awaitTrue("early queued", () -> pool.snapshot().totals().waiting() == 1);
        ticker.advance(Duration.ofMillis(80));
        CompletableFuture<PooledConnection> late = acquireAsync("late");
        awaitTrue("late queued", () -> pool.snapshot().totals().waiting() == 2);
        ticker.advance(Duration.ofMillis(30)); // early has waited 110 ms, late 30 ms

        assertThat(catchThrowable(() -> early.get(5, TimeUnit.SECONDS))).hasRootCauseInstanceOf(IOException.class)
                .hasMessageContaining("timed out");
        awaitTrue("early left the queue", () -> pool.snapshot().totals().waiting() == 1);
        pool.release(first, null);

        assertThat(rejected).containsExactly(RejectReason.WAIT_TIMEOUT);
        PooledConnection got = late.get(5, TimeUnit.SECONDS);
        assertThat(got.wire).isSameAs(first.wire);
        assertThat(pool.snapshot().totals().waiting()).isZero();
        pool.release(got, null);
        assertThat(wires).hasSize(1);
    }

    @Test
    void withStrictStreamLimitsARequestBeyondMaxWaitingPerHostIsRefusedAtOnce() throws Exception {
        maxStreams = 1;
        pool(TransportConfig.builder().http2StrictMaxConcurrentStreams(true).maxWaitingPerHost(1).build());
        PooledConnection first = acquire();
        CompletableFuture<PooledConnection> waiter = acquireAsync("waiter");
        awaitTrue("one waiting for a stream", () -> pool.snapshot().totals().waiting() == 1);

        assertThat(catchThrowable(() -> pool.acquire(H2, ClientTrace.NONE)))
                .isInstanceOf(PoolExhaustedException.class).hasMessageContaining(H2.toString());
        assertThat(rejected).containsExactly(RejectReason.MAX_WAITING);
        assertThat(pool.snapshot().totals().waiting()).isEqualTo(1);

        pool.release(first, null);
        pool.release(waiter.get(5, TimeUnit.SECONDS), null);
        assertThat(wires).hasSize(1);
    }

    @Test
    void withStrictStreamLimitsARequestTakesAnIdleConnectionOfItsKeyRatherThanWaitForAFullOne() throws Exception {
        maxStreams = 1;
        pool(TransportConfig.builder().http2StrictMaxConcurrentStreams(true).build());
        CompletableFuture<PooledConnection> a = acquireAsync("a");
        CompletableFuture<PooledConnection> b = acquireAsync("b");
        dials.awaitQueued(2); // a cold burst: two connections, one stream each
        dials.completeNext();
        dials.completeNext();
        PooledConnection onA = a.get(5, TimeUnit.SECONDS);
        PooledConnection onB = b.get(5, TimeUnit.SECONDS);
        assertThat(onA.wire).isNotSameAs(onB.wire);
        pool.release(onA, null); // its last stream ended while the other connection is full: it goes idle
        assertThat(pool.snapshot().totals().idle()).isEqualTo(1);

        PooledConnection onC = acquireAsync("c").get(5, TimeUnit.SECONDS);

        assertThat(onC.wire).isSameAs(onA.wire);
        assertThat(dials.queued()).isZero();
        pool.release(onC, null);
        pool.release(onB, null);
    }
}
