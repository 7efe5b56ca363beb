package dev.httppool.internal.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.httppool.ClientTrace;
import dev.httppool.CloseReason;
import dev.httppool.ConnWaitTimeoutException;
import dev.httppool.ConnectMethodKey;
import dev.httppool.HostOverride;
import dev.httppool.LeakDetection;
import dev.httppool.PoolSnapshot;
import dev.httppool.TransportConfig;
import dev.httppool.TransportListener;
import dev.httppool.testing.FakeMuxWire;
import dev.httppool.testing.FakeWire;
import dev.httppool.testing.FakeTicker;
import dev.httppool.testing.ManualDials;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The pool's features where they meet (each is tested alone elsewhere): warm pools with shared HTTP/2
 * connections, leak detection with shared HTTP/2 connections. Dials run on demand and make {@link FakeMuxWire}s;
 * the ticker is moved by hand.
 */
class PoolCombinationsTest {

    private static final ConnectMethodKey H2 = new ConnectMethodKey("", "https", "h2.test:443", false);

    private final FakeTicker ticker = new FakeTicker();
    private final ManualDials dials = new ManualDials();
    private final AtomicInteger ids = new AtomicInteger();
    private final List<FakeMuxWire> wires = new CopyOnWriteArrayList<>();
    private final List<Runnable> scheduled = new ArrayList<>();
    private final List<LeakDetection> leaks = new CopyOnWriteArrayList<>();
    private ConnPool pool;
    private int maxStreams = 10;
    private final AtomicReference<IOException> failNextDial =
            new AtomicReference<>();
    /** Whether dials bring HTTP/1.1 connections ({@link FakeWire}) instead of HTTP/2 ones. */
    private volatile boolean dialHttp1;

    private ConnPool pool(TransportConfig config) {
        TransportListener listener = new TransportListener() {
            @Override
            public void leaked(ConnectMethodKey key, LeakDetection how) {
                leaks.add(how);
            }
        };
        pool = new ConnPool(config, ticker, (key, trace) -> {
            IOException failure = failNextDial.getAndSet(null);
            if (failure != null) {
                throw failure;
            }
            if (dialHttp1) {
                return new FakeWire(ids.incrementAndGet());
            }
            FakeMuxWire w = new FakeMuxWire(ids.incrementAndGet(), maxStreams);
            wires.add(w);
            return w;
        }, dials, listener, () -> { });
        return pool;
    }

    @AfterEach
    void invariantsHold() {
        if (pool != null) {
            assertThat(pool.checkInvariants()).isNull();
            pool.close();
        }
    }

    /** Runs the background runs the warm pools asked for, as the maintenance thread would. */
    private void runScheduled() {
        List<Runnable> due;
        synchronized (scheduled) {
            due = new ArrayList<>(scheduled);
            scheduled.clear();
        }
        due.forEach(Runnable::run);
    }

    @Test
    void aWarmHttp2KeyKeepsItsMinIdleConnectionsWithoutDialingForever() {
        pool(TransportConfig.builder().hosts(List.of(HostOverride.builder("https://h2.test").minIdle(2).build()))
                .build());
        pool.warmPools().start(ConnectMethodKey::direct, (task, delay) -> {
            synchronized (scheduled) {
                scheduled.add(task);
            }
        });
        runScheduled();
        assertThat(dials.queued()).isEqualTo(2);

        // Each dial's end may ask for a run; a warm key that has its connections starts none.
        for (int round = 0; round < 5 && dials.queued() > 0; round++) {
            dials.completeAll();
            runScheduled();
        }

        assertThat(dials.queued()).as("dials still queued after the warm key was filled").isZero();
        assertThat(wires).as("connections dialed").hasSize(2);
        assertThat(pool.snapshot().key(H2.toString()).idle()).isEqualTo(2);
        assertThat(wires).noneMatch(w -> w.closed);
    }

    /** Acquires on another thread (a dial may be needed), completing queued dials until it returns. */
    private PooledConnection acquire() throws Exception {
        CompletableFuture<PooledConnection> got = PoolCallers.acquireAsync(pool, H2);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!got.isDone() && System.nanoTime() < deadline) {
            if (dials.queued() > 0) {
                dials.completeNext();
            }
            Thread.onSpinWait();
        }
        return got.get(5, TimeUnit.SECONDS);
    }

    @Test
    void aSharedHttp2ConnectionWhoseStreamsEachEndInTimeIsNotReportedAsLeaked() throws Exception {
        pool(TransportConfig.builder().leakDetectionThreshold(Duration.ofSeconds(1)).build());
        PooledConnection first = acquire();
        ticker.advance(500);
        PooledConnection second = acquire();
        assertThat(second).as("a stream of the same shared connection").isSameAs(first);
        ticker.advance(100);
        pool.release(first, null);
        ticker.advance(500);
        PooledConnection third = acquire();
        ticker.advance(100);
        pool.release(second, null);
        ticker.advance(300); // 1.5 s since the connection was first taken; no stream is held for 1 s

        pool.maintenance().run(ticker.nanoTime());

        assertThat(leaks).as("leaks reported").isEmpty();
        pool.release(third, null);
        assertThat(pool.snapshot().totals().active()).isZero();
    }

    @Test
    void anHttp2ConnectionWhoseLastStreamEndsIsClosedWhenAnotherOfItsKeyHasRoomSoOneConnectionRemains()
            throws Exception {
        maxStreams = 1;
        pool(TransportConfig.defaults());
        PooledConnection first = acquire();
        PooledConnection second = acquire();
        assertThat(second).as("the first is at its stream limit: a second connection").isNotSameAs(first);

        pool.release(second, null); // the first is full: the second is kept idle
        pool.release(first, null); // the second, idle, has room: the first is not needed

        PoolSnapshot s = pool.snapshot();
        assertThat(s.totals().idle()).isEqualTo(1);
        assertThat(s.totals().connections()).isEqualTo(1);
        assertThat(s.stats().closed()).containsEntry(CloseReason.TOO_MANY_IDLE_HOST.tag(), 1L);
        assertThat(wires.get(0).closed).isTrue();
    }

    @Test
    void anHttp2ConnectionWhoseLastStreamEndsStaysIdleWhileTheOtherIsMoreThanHalfBusySoOverflowDialsNothing()
            throws Exception {
        maxStreams = 4;
        pool(TransportConfig.defaults());
        List<PooledConnection> onFirst = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            onFirst.add(acquire());
        }
        PooledConnection overflow = acquire();
        assertThat(overflow).as("the first is at its stream limit: a second connection").isNotSameAs(onFirst.get(0));
        pool.release(onFirst.remove(3), null); // the first carries 3 of 4

        pool.release(overflow, null); // its last stream: kept idle, the first is more than half busy
        assertThat(pool.snapshot().totals().idle()).isEqualTo(1);
        assertThat(wires.get(1).closed).isFalse();

        pool.release(onFirst.remove(2), null); // 2 of 4 on the first
        assertThat(acquire()).as("room on the first: it serves").isSameAs(onFirst.get(0));
        assertThat(acquire()).as("room on the first: it serves").isSameAs(onFirst.get(0));
        assertThat(acquire()).as("the first is full again: the idle one serves").isSameAs(overflow);
        assertThat(wires).as("no third dial").hasSize(2);
        assertThat(pool.snapshot().stats().closed()).isEmpty();
    }

    @Test
    void requestsThatFindEveryHttp2ConnectionFullShareOneDialAtATimeAsGosPoolDoes() throws Exception {
        maxStreams = 2;
        pool(TransportConfig.defaults());
        PooledConnection first = acquire();
        assertThat(acquire()).isSameAs(first); // full now
        List<CompletableFuture<PooledConnection>> burst = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            burst.add(PoolCallers.acquireAsync(pool, H2));
        }
        awaitWaiting(5);
        dials.awaitQueued(1); // queued after the pool's lock is let go
        assertThat(dials.queued()).as("one dial for the five").isEqualTo(1);

        dials.completeNext(); // the second connection: two streams, and the next dial for the other three
        awaitDone(burst, 2);
        assertThat(dials.queued()).isEqualTo(1);
        dials.completeNext();
        awaitDone(burst, 4);
        dials.completeNext();
        awaitDone(burst, 5);

        assertThat(wires).as("ceil(5 / 2) new connections, none closed unused").hasSize(4).noneMatch(w -> w.closed);
        assertThat(dials.queued()).isZero();
        releaseServed(burst);
        pool.release(first, null);
        pool.release(first, null);
    }

    @Test
    void whenTheSharedHttp2DialFailsEachRequestThatWaitedForItDialsItsOwn() throws Exception {
        maxStreams = 1;
        pool(TransportConfig.defaults());
        PooledConnection first = acquire(); // full
        List<CompletableFuture<PooledConnection>> burst = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            burst.add(PoolCallers.acquireAsync(pool, H2));
        }
        awaitWaiting(3);
        dials.awaitQueued(1);
        assertThat(dials.queued()).isEqualTo(1);

        failNextDial.set(new IOException("connection refused"));
        dials.completeNext();
        awaitDone(burst, 1);
        assertThat(burst.stream().filter(CompletableFuture::isCompletedExceptionally)).as("the dial's own request")
                .hasSize(1);
        assertThat(dials.queued()).as("the two that waited for it dial their own").isEqualTo(2);

        dials.completeAll();
        awaitDone(burst, 3);
        releaseServed(burst);
        pool.release(first, null);
        assertThat(pool.snapshot().totals().active()).isZero();
    }

    @Test
    void aSharedHttp2DialWhoseOwnRequestGaveUpServesTheRequestsThatWaitedForIt() throws Exception {
        maxStreams = 1;
        pool(TransportConfig.defaults());
        PooledConnection first = acquire(); // full
        Thread[] leader = new Thread[1];
        CompletableFuture<PooledConnection> gaveUp = acquireOnThread(leader);
        awaitWaiting(1);
        dials.awaitQueued(1);
        CompletableFuture<PooledConnection> waited = PoolCallers.acquireAsync(pool, H2);
        awaitWaiting(2);

        leader[0].interrupt();
        assertThat(gaveUp).failsWithin(5, TimeUnit.SECONDS);
        dials.completeNext();

        PooledConnection got = waited.get(5, TimeUnit.SECONDS);
        assertThat(got).isNotSameAs(first);
        assertThat(wires).as("the dial served the one that waited: not closed, no second dial").hasSize(2)
                .noneMatch(w -> w.closed);
        assertThat(dials.queued()).isZero();
        pool.release(got, null);
        pool.release(first, null);
    }

    @Test
    void aRequestWaitingForTheSharedHttp2DialWhenTheKeyReachesMaxConnsPerHostTimesOutAsAnyWaitAtTheCap()
            throws Exception {
        maxStreams = 1;
        pool(TransportConfig.builder().maxConnsPerHost(3).connWaitTimeout(Duration.ofMillis(100)).build());
        PooledConnection first = acquire(); // full
        CompletableFuture<PooledConnection> dialer = PoolCallers.acquireAsync(pool, H2);
        awaitWaiting(1);
        dials.awaitQueued(1);
        CompletableFuture<PooledConnection> next = PoolCallers.acquireAsync(pool, H2); // waits for that dial
        awaitWaiting(2);
        CompletableFuture<PooledConnection> last = PoolCallers.acquireAsync(pool, H2); // so does this one
        awaitWaiting(3);
        ticker.advance(200); // past their connWaitTimeout, while they wait for a dial: not a wait at the cap yet

        dials.completeNext(); // the dialer's stream; the oldest that waited dials the third connection
        PooledConnection second = dialer.get(5, TimeUnit.SECONDS);
        dials.awaitQueued(1);
        dials.completeNext(); // its stream; the key is at its cap, and the last one's wait has timed out
        PooledConnection third = next.get(5, TimeUnit.SECONDS);

        assertThat(last).failsWithin(5, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
                .havingRootCause().isInstanceOf(ConnWaitTimeoutException.class);
        assertThat(dials.queued()).isZero();
        pool.release(third, null);
        pool.release(second, null);
        pool.release(first, null);
    }

    @Test
    void aBurstForAKeyWhoseLatestDialBroughtHttp2SharesOneDialAfterTheKeysConnectionsAreGone() throws Exception {
        rememberedHttp2KeyWithNoConnection();

        List<CompletableFuture<PooledConnection>> burst = burstSharingOneDial(5);
        dials.completeNext();
        awaitDone(burst, 5);

        PooledConnection shared = burst.get(0).get(5, TimeUnit.SECONDS);
        for (CompletableFuture<PooledConnection> f : burst) {
            assertThat(f.get(5, TimeUnit.SECONDS)).isSameAs(shared);
        }
        assertThat(wires).as("the earlier connection and one new one, none closed unused").hasSize(2);
        assertThat(wires.get(1).closed).isFalse();
        assertThat(pool.snapshot().stats().closed()).containsOnlyKeys("close-idle");
        releaseServed(burst);
    }

    @Test
    void whenAKeyWhoseLatestDialBroughtHttp2AnswersWithHttp11TheRequestsThatWaitedEachDialTheirOwnAndItIsForgotten()
            throws Exception {
        rememberedHttp2KeyWithNoConnection();
        dialHttp1 = true; // the server now speaks HTTP/1.1 only

        List<CompletableFuture<PooledConnection>> burst = burstSharingOneDial(3);
        dials.completeNext();
        awaitDone(burst, 1);
        dials.awaitQueued(2);
        assertThat(dials.queued()).as("the two that waited for it dial their own").isEqualTo(2);
        dials.completeAll();
        awaitDone(burst, 3);
        releaseServed(burst);
        pool.closeIdleConnections(); // the two kept idle (maxIdleConnsPerHost); the third was closed on return
        assertThat(pool.snapshot().totals().idle()).isZero();

        List<CompletableFuture<PooledConnection>> next = burst(2);
        awaitWaiting(2);
        dials.awaitQueued(2);
        assertThat(dials.queued()).as("forgotten: one dial per request again").isEqualTo(2);
        dials.completeAll();
        awaitDone(next, 2);
        releaseServed(next);
    }

    @Test
    void whenTheDialOfAKeyRememberedForHttp2FailsItIsForgottenSoRequestsArrivingMeanwhileDialAtOnce()
            throws Exception {
        rememberedHttp2KeyWithNoConnection();

        List<CompletableFuture<PooledConnection>> burst = burstSharingOneDial(3);
        failNextDial.set(new IOException("connection refused"));
        dials.completeNext();
        awaitDone(burst, 1);
        dials.awaitQueued(2);
        assertThat(dials.queued()).as("the two that waited for it dial their own").isEqualTo(2);

        CompletableFuture<PooledConnection> later = PoolCallers.acquireAsync(pool, H2);
        awaitWaiting(3);
        dials.awaitQueued(3);
        assertThat(dials.queued()).as("a request arriving now dials at once: the key was forgotten").isEqualTo(3);

        dials.completeAll();
        burst.add(later);
        awaitDone(burst, 4);
        assertThat(burst.stream().filter(CompletableFuture::isCompletedExceptionally)).as("the failed dial's own")
                .hasSize(1);
        releaseServed(burst);
    }

    /** Returns the connection of each of {@code requests} that was served (the failed ones got none). */
    private void releaseServed(List<CompletableFuture<PooledConnection>> requests) throws Exception {
        for (CompletableFuture<PooledConnection> f : requests) {
            if (!f.isCompletedExceptionally()) {
                pool.release(f.get(5, TimeUnit.SECONDS), null);
            }
        }
    }

    /** A pool whose one HTTP/2 connection of H2 has been closed: the key is gone, remembered as speaking HTTP/2. */
    private void rememberedHttp2KeyWithNoConnection() throws Exception {
        pool(TransportConfig.defaults());
        pool.release(acquire(), null);
        assertThat(pool.closeIdleConnections()).isEqualTo(1);
        assertThat(pool.snapshot().totals().idle()).isZero();
    }

    /** {@code n} requests for H2 at once, all waiting for the one dial the first of them started. */
    private List<CompletableFuture<PooledConnection>> burstSharingOneDial(int n) throws Exception {
        List<CompletableFuture<PooledConnection>> burst = burst(n);
        awaitWaiting(n);
        dials.awaitQueued(1);
        assertThat(dials.queued()).as("one dial for the %d requests", n).isEqualTo(1);
        return burst;
    }

    /** {@code n} requests for H2 at once, each on a thread of its own. */
    private List<CompletableFuture<PooledConnection>> burst(int n) {
        List<CompletableFuture<PooledConnection>> burst = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            burst.add(PoolCallers.acquireAsync(pool, H2));
        }
        return burst;
    }

    /** Waits (bounded) until {@code n} of {@code futures} are done. */
    private static void awaitDone(List<CompletableFuture<PooledConnection>> futures, int n) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (futures.stream().filter(CompletableFuture::isDone).count() < n) {
            assertThat(System.nanoTime()).as("%d requests served", n).isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    /** Acquires on a new thread; the future ends with the connection or the failure. */
    private CompletableFuture<PooledConnection> acquireOnThread(Thread[] thread) {
        CompletableFuture<PooledConnection> got = new CompletableFuture<>();
        thread[0] = new Thread(() -> {
            try {
                got.complete(pool.acquire(H2, ClientTrace.NONE));
            } catch (Throwable e) {
                got.completeExceptionally(e);
            }
        });
        thread[0].setDaemon(true);
        thread[0].start();
        return got;
    }

    private void awaitWaiting(int n) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (pool.snapshot().totals().waiting() != n) {
            assertThat(System.nanoTime()).as("waiting reaches " + n + ": " + pool.snapshot()).isLessThan(deadline);
            Thread.yield();
        }
    }

    @Test
    void aStreamFreedAtMaxConnsPerHostIsHandedToTheQueuedRequestAndALaterOneIsAdmittedToQueueBehindIt()
            throws Exception {
        maxStreams = 2;
        pool(TransportConfig.builder().maxConnsPerHost(1).maxWaitingPerHost(1).build());
        PooledConnection s1 = acquire();
        PooledConnection s2 = acquire(); // the shared connection is full; the key at maxConnsPerHost
        Thread[] first = new Thread[1];
        CompletableFuture<PooledConnection> w1 = acquireOnThread(first);
        awaitWaiting(1);

        pool.release(s2, null); // a stream frees: it is taken for the waiter, which need not queue again
        assertThat(w1.get(5, TimeUnit.SECONDS)).isSameAs(s1);
        Thread[] second = new Thread[1];
        CompletableFuture<PooledConnection> w2 = acquireOnThread(second); // full again: a later request queues
        awaitWaiting(1);
        pool.release(s1, null);
        assertThat(w2.get(5, TimeUnit.SECONDS)).isSameAs(s1);

        pool.release(s1, null);
        pool.release(s1, null);
        assertThat(pool.snapshot().totals().waiting()).isZero();
        assertThat(pool.snapshot().totals().idle()).isEqualTo(1);
    }
}
