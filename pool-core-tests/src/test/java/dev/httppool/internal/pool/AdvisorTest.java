package dev.httppool.internal.pool;

import static dev.httppool.PoolTestSupport.KEY_A;
import static dev.httppool.PoolTestSupport.KEY_B;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.tuple;

import dev.httppool.ClientTrace;
import dev.httppool.ConnectMethodKey;
import dev.httppool.HostOverride;
import dev.httppool.PoolExhaustedException;
import dev.httppool.PoolSnapshot;
import dev.httppool.PoolTestSupport;
import dev.httppool.RejectReason;
import dev.httppool.TransportConfig;
import dev.httppool.TransportListener;
import dev.httppool.testing.FakeTicker;
import dev.httppool.testing.WarningCapture;
import dev.httppool.testing.FakeWire;
import dev.httppool.testing.ManualDials;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each advice rule driven with a hand-moved ticker: when it applies, what it suggests, and its WARN log. */
class AdvisorTest {

    private final FakeTicker ticker = new FakeTicker();
    private final ManualDials dials = new ManualDials();
    private final List<String> events = Collections.synchronizedList(new ArrayList<>());
    private final TransportListener listener = new TransportListener() {
        @Override
        public void rejected(ConnectMethodKey key, RejectReason reason) {
            events.add("rejected " + reason.tag());
        }

        @Override
        public void waited(ConnectMethodKey key, long nanos) {
            events.add("waited " + nanos);
        }
    };
    private WarningCapture capture;
    private List<LogRecord> warnings;
    private ConnPool pool;

    private void pool(TransportConfig.Builder config) {
        pool = new ConnPool(config.build(), ticker, dials, dials, listener, () -> { });
    }

    @BeforeEach
    void captureWarnings() {
        capture = WarningCapture.on("dev.httppool.advice");
        warnings = capture.records();
    }

    @AfterEach
    void invariantsHold() {
        capture.close();
        if (pool != null) {
            assertThat(pool.checkInvariants()).isNull();
        }
    }

    private CompletableFuture<PooledConnection> acquireAsync(ConnectMethodKey key) {
        return PoolCallers.acquireAsync(pool, key);
    }

    /** {@code n} requests hold a connection of KEY_A at once, then return them in order. */
    private void burst(int n) throws Exception {
        List<PooledConnection> held = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            PoolSnapshot.KeyStats k = pool.snapshot().key(KEY_A.toString());
            if (k != null && k.idle() > 0) {
                held.add(pool.acquire(KEY_A, ClientTrace.NONE));
                continue;
            }
            int before = dials.queued();
            CompletableFuture<PooledConnection> got = acquireAsync(KEY_A);
            dials.awaitQueued(before + 1);
            dials.completeNext();
            held.add(got.get(5, SECONDS));
        }
        for (PooledConnection pc : held) {
            pool.release(pc, null);
        }
    }

    private List<PoolSnapshot.Advice> advice() {
        return pool.snapshot().advice();
    }

    private List<String> warningTexts() {
        List<String> texts = new ArrayList<>();
        synchronized (warnings) {
            for (LogRecord r : warnings) {
                texts.add(java.text.MessageFormat.format(r.getMessage(), r.getParameters()));
            }
        }
        return texts;
    }

    @Test
    void anIdleCapBelowTheConcurrencyIsAdvisedUpToTheObservedPeakOnceItChurnedTenTimesInTheWindow()
            throws Exception {
        pool(PoolTestSupport.config().maxIdleConnsPerHost(2));
        for (int i = 0; i < 3; i++) {
            burst(6); // 6 in use, 2 kept: returns 3 to 5 are closed while others are in flight
        }
        assertThat(pool.snapshot().stats().closed()).containsEntry("too-many-idle-host", 12L);
        assertThat(advice()).as("9 churn closes: below the threshold").isEmpty();

        burst(6);

        assertThat(advice()).containsExactly(new PoolSnapshot.Advice(KEY_A.toString(), "max-idle-conns-per-host", "2",
                "6", advice().get(0).reason()));
        assertThat(advice().get(0).reason()).startsWith("12 connections were closed on return in the last 5 minutes");
        assertThat(warningTexts()).as("logged when the rule first applied, at the 10th close").singleElement()
                .asString().startsWith("advice for " + KEY_A + ": set max-idle-conns-per-host to 6 (now 2): "
                        + "10 connections were closed on return");
    }

    @Test
    void adviceLeavesTheSlidingWindowAfterFiveQuietMinutes() throws Exception {
        pool(PoolTestSupport.config().maxIdleConnsPerHost(2).idleConnTimeout(Duration.ZERO));
        for (int i = 0; i < 4; i++) {
            burst(6);
        }
        assertThat(advice()).hasSize(1);

        ticker.advance(Duration.ofMinutes(4));
        assertThat(advice()).as("still within the window").hasSize(1);
        ticker.advance(Duration.ofMinutes(2));

        assertThat(advice()).isEmpty();
    }

    @Test
    void eachAdviceIsLoggedAtWarnOncePerKeyPerTenMinutes() throws Exception {
        pool(PoolTestSupport.config().maxIdleConnsPerHost(2).idleConnTimeout(Duration.ZERO));
        for (int i = 0; i < 8; i++) {
            burst(6); // the rule applies from the 4th burst on: every later churn close would warn again
        }
        assertThat(warningTexts()).hasSize(1);

        ticker.advance(Duration.ofMinutes(9));
        for (int i = 0; i < 4; i++) {
            burst(6);
        }
        assertThat(warningTexts()).as("9 minutes later: still quiet").hasSize(1);

        ticker.advance(Duration.ofMinutes(1));
        burst(6);

        assertThat(warningTexts()).as("10 minutes after the first").hasSize(2);
    }

    @Test
    void idleConnectionsTheServerClosesSoonerThanTheIdleTimeoutAdviseATimeoutBelowTheServers() throws Exception {
        pool(PoolTestSupport.config().idleConnTimeout(Duration.ofSeconds(90)));
        for (int i = 0; i < 5; i++) {
            if (i == 4) {
                assertThat(advice()).as("4 server closes: below the threshold").isEmpty();
            }
            serverClosesAfterIdle(Duration.ofSeconds(6).plusMillis(300));
        }

        assertThat(advice()).containsExactly(new PoolSnapshot.Advice(KEY_A.toString(), "idle-conn-timeout", "90s",
                "5s", advice().get(0).reason()));
        assertThat(advice().get(0).reason()).startsWith("5 idle connections were closed by the server");
        assertThat(warningTexts()).hasSize(1);
    }

    @Test
    void serverClosesAreNoAdviceWhenTheIdleTimeoutIsAlreadyShorterThanTheServersIdleTime() throws Exception {
        pool(PoolTestSupport.config().idleConnTimeout(Duration.ofSeconds(3)));
        for (int i = 0; i < 6; i++) {
            serverClosesAfterIdle(Duration.ofSeconds(5)); // closed by the server for some other reason
        }

        assertThat(pool.snapshot().stats().closed()).containsEntry("server-closed", 6L);
        assertThat(advice()).isEmpty();
    }

    /** One connection of KEY_A, idle for {@code idle}, found closed by the server by the background probe. */
    private void serverClosesAfterIdle(Duration idle) throws Exception {
        CompletableFuture<PooledConnection> got = acquireAsync(KEY_A);
        dials.awaitQueued(1);
        dials.completeNext();
        PooledConnection pc = got.get(5, SECONDS);
        pool.release(pc, null);
        ticker.advance(idle);
        ((FakeWire) pc.wire).dead = true;
        assertThat(pool.maintenance().closeDeadIdle(ticker.nanoTime())).isEqualTo(1);
    }

    private CompletableFuture<PooledConnection> queuedOne;

    /** Holds {@code n} dialed connections of KEY_A and queues one more request ({@link #queuedOne}) behind them. */
    private List<PooledConnection> holdWithOneQueued(int n) throws Exception {
        List<PooledConnection> held = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            CompletableFuture<PooledConnection> got = acquireAsync(KEY_A);
            dials.awaitQueued(1);
            dials.completeNext();
            held.add(got.get(5, SECONDS));
        }
        queuedOne = acquireAsync(KEY_A);
        long deadline = System.nanoTime() + SECONDS.toNanos(5);
        while (pool.snapshot().key(KEY_A.toString()).waiting() < 1 && System.nanoTime() < deadline) {
            Thread.onSpinWait(); // bounded: the queued request shows in the snapshot
        }
        return held;
    }

    @Test
    void aRequestRefusedAtMaxWaitingPerHostAdvisesMoreConnectionsAndIsReportedAsRejected() throws Exception {
        pool(PoolTestSupport.config().maxConnsPerHost(3).maxWaitingPerHost(1));
        List<PooledConnection> held = holdWithOneQueued(3);
        CompletableFuture<PooledConnection> queued = queuedOne;
        ticker.advance(Duration.ofMillis(250));

        Throwable refused = catchThrowable(() -> pool.acquire(KEY_A, ClientTrace.NONE));

        assertThat(refused).isInstanceOf(PoolExhaustedException.class);
        assertThat(events).containsExactly("rejected max-waiting");
        assertThat(advice()).containsExactly(new PoolSnapshot.Advice(KEY_A.toString(), "max-conns-per-host", "3", "6",
                "1 requests failed waiting for a connection in the last 5 minutes (1 at max-waiting-per-host, 0 after "
                        + "conn-wait-timeout): allow more connections, or find what holds them"));
        assertThat(warningTexts()).hasSize(1);
        assertThat(pool.snapshot(KEY_B.address()).advice()).as("filtered by address").isEmpty();
        assertThat(pool.snapshot(KEY_A.address()).advice()).hasSize(1);

        pool.release(held.get(0), null);
        assertThat(queued.get(5, SECONDS)).isSameAs(held.get(0));
        assertThat(events).as("the queued request's time at maxConnsPerHost")
                .containsExactly("rejected max-waiting", "waited " + Duration.ofMillis(250).toNanos());
        for (PooledConnection pc : held) {
            pool.release(pc, null);
        }
    }

    @Test
    void aKeyWithAHostsEntryIsAdvisedFromTheEntrysMaxConnsPerHostNotTheGlobalOne() throws Exception {
        pool(PoolTestSupport.config().maxConnsPerHost(10)
                .hosts(List.of(HostOverride.builder(KEY_A.host()).maxConnsPerHost(2).maxWaitingPerHost(1).build())));
        List<PooledConnection> held = holdWithOneQueued(2);
        CompletableFuture<PooledConnection> queued = queuedOne;

        assertThat(catchThrowable(() -> pool.acquire(KEY_A, ClientTrace.NONE)))
                .isInstanceOf(PoolExhaustedException.class);
        assertThat(advice()).extracting(PoolSnapshot.Advice::setting, PoolSnapshot.Advice::current,
                PoolSnapshot.Advice::suggested).containsExactly(tuple("max-conns-per-host", "2", "4"));
        pool.release(held.get(0), null);
        held.set(0, queued.get(5, SECONDS));
        for (PooledConnection pc : held) {
            pool.release(pc, null);
        }
    }

    @Test
    void aLeakReportedForAKeyAdvisesTurningOnLeakDetection() {
        pool(PoolTestSupport.config());

        pool.advisor().leaked(KEY_A);

        assertThat(advice()).extracting(PoolSnapshot.Advice::setting, PoolSnapshot.Advice::current,
                PoolSnapshot.Advice::suggested).containsExactly(org.assertj.core.groups.Tuple.tuple(
                        "leak-detection-threshold", "0s", "30s"));
        assertThat(warningTexts()).singleElement().asString().contains("1 responses were leaked");
    }
}
