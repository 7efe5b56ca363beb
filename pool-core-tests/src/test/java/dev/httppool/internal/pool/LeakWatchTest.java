package dev.httppool.internal.pool;

import static dev.httppool.PoolTestSupport.KEY_A;
import static org.assertj.core.api.Assertions.assertThat;

import dev.httppool.ClientTrace;
import dev.httppool.PoolSnapshot;
import dev.httppool.PoolTestSupport;
import dev.httppool.Request;
import dev.httppool.TransportConfig;
import dev.httppool.testing.FakeTicker;
import dev.httppool.testing.WarningCapture;
import dev.httppool.testing.FakeWire;
import dev.httppool.testing.RecordingListener;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Leak detection and the held connections' view, on the pool alone: a hand-moved ticker, dials that complete
 * inline, and the maintenance run by the test at literal instants.
 */
class LeakWatchTest {

    private final FakeTicker ticker = new FakeTicker();
    private final RecordingListener listener = new RecordingListener();
    private final AtomicInteger wires = new AtomicInteger();
    private WarningCapture capture;
    private List<LogRecord> warnings;
    private ConnPool pool;

    private ConnPool pool(TransportConfig.Builder config) {
        pool = new ConnPool(config.build(), ticker, (key, trace) -> new FakeWire(wires.incrementAndGet()),
                Runnable::run, listener, () -> { });
        return pool;
    }

    @BeforeEach
    void captureWarnings() {
        capture = WarningCapture.on("dev.httppool.pool");
        warnings = capture.records();
    }

    @AfterEach
    void invariantsHold() {
        capture.close();
        if (pool != null) {
            assertThat(pool.checkInvariants()).isNull();
        }
    }

    private List<String> leakEvents() {
        return listener.events().stream().filter(e -> e.startsWith("leaked")).toList();
    }

    @Test
    void aConnectionHeldPastTheThresholdIsReportedOnceWithTheStackOfTheCodeThatMadeTheRequest() throws Exception {
        pool(PoolTestSupport.config().leakDetectionThreshold(Duration.ofSeconds(1)));
        PooledConnection pc = pool.acquire(KEY_A, ClientTrace.NONE, Request.get("http://a.test/orders?id=7"));

        ticker.advance(999);
        pool.maintenance().run(ticker.nanoTime());
        assertThat(leakEvents()).isEmpty();
        assertThat(pool.snapshot().key(KEY_A.toString()).activeConnections().get(0).leakSuspected()).isFalse();

        ticker.advance(1);
        pool.maintenance().run(ticker.nanoTime());
        ticker.advance(5000);
        pool.maintenance().run(ticker.nanoTime());

        assertThat(leakEvents()).containsExactly("leaked " + KEY_A + " threshold");
        assertThat(warnings).singleElement().satisfies(r -> {
            assertThat(r.getMessage()).startsWith("connection to " + KEY_A + " held for 1000 ms by GET /orders on thread "
                    + Thread.currentThread().getName() + ", longer than leakDetectionThreshold (1000 ms)");
            assertThat(Arrays.stream(r.getThrown().getStackTrace()).map(StackTraceElement::getMethodName))
                    .contains("aConnectionHeldPastTheThresholdIsReportedOnceWithTheStackOfTheCodeThatMadeTheRequest");
        });
        PoolSnapshot.ActiveConnection held = pool.snapshot().key(KEY_A.toString()).activeConnections().get(0);
        assertThat(held.leakSuspected()).isTrue();
        assertThat(held.heldMillis()).isEqualTo(6000);

        assertThat(pool.release(pc, null)).isNull();
        assertThat(pool.snapshot().key(KEY_A.toString()).activeConnections()).isEmpty();
        assertThat(pool.maintenance().run(ticker.nanoTime())).isEqualTo(IdleMaintenance.PROBE_INTERVAL_NANOS);
    }

    @Test
    void whileAConnectionIsHeldTheMaintenanceAsksToRunAgainWhenTheThresholdWillBeCrossed() throws Exception {
        pool(PoolTestSupport.config().leakDetectionThreshold(Duration.ofMillis(300)));
        PooledConnection pc = pool.acquire(KEY_A, ClientTrace.NONE, Request.get("http://a.test/"));
        ticker.advance(100);

        assertThat(pool.maintenance().run(ticker.nanoTime())).isEqualTo(TimeUnit.MILLISECONDS.toNanos(200));
        assertThat(pool.maintenance().needsRun()).isTrue();

        pool.release(pc, null);
        pool.closeIdleConnections();
        assertThat(pool.maintenance().run(ticker.nanoTime())).isEqualTo(-1);
        assertThat(pool.maintenance().needsRun()).isFalse();
    }

    @Test
    void withTheThresholdOffNoStackIsCapturedAndNothingIsReportedHowLongSoEverItIsHeld() throws Exception {
        pool(PoolTestSupport.config());
        PooledConnection pc = pool.acquire(KEY_A, ClientTrace.NONE, Request.get("http://a.test/"));

        ticker.advance(Duration.ofDays(1));
        long next = pool.maintenance().run(ticker.nanoTime());

        assertThat(pc.origin).isNull();
        assertThat(next).isEqualTo(IdleMaintenance.PROBE_INTERVAL_NANOS); // it still drains unreachable bodies
        assertThat(leakEvents()).isEmpty();
        assertThat(warnings).isEmpty();
        assertThat(pool.snapshot().key(KEY_A.toString()).activeConnections().get(0).leakSuspected()).isFalse();
        pool.release(pc, null);
    }

    @Test
    void activeConnectionsShowEachHeldConnectionWithItsRequestLineThreadAndTimes() throws Exception {
        pool(PoolTestSupport.config());
        PooledConnection first = pool.acquire(KEY_A, ClientTrace.NONE,
                Request.builder(java.net.URI.create("http://user:secret@a.test/orders/7?token=abc")).delete()
                        .build());
        pool.release(first, null);
        ticker.advance(250);
        PooledConnection reused = pool.acquire(KEY_A, ClientTrace.NONE, Request.get("http://a.test/x?y=z"));
        ticker.advance(40);
        PooledConnection second = pool.acquire(KEY_A, ClientTrace.NONE,
                Request.get("http://user:secret@a.test/orders/7?token=abc"));
        ticker.advance(60);

        long before = System.currentTimeMillis();
        PoolSnapshot.KeyStats key = pool.snapshot().key(KEY_A.toString());
        long after = System.currentTimeMillis();

        assertThat(key.active()).isEqualTo(2);
        assertThat(key.activeConnections()).hasSize(2);
        PoolSnapshot.ActiveConnection a = key.activeConnections().get(0); // longest held first
        assertThat(a.id()).isEqualTo(reused.id);
        assertThat(a.localAddress()).isEqualTo("127.0.0.1:40001");
        assertThat(a.remoteAddress()).isEqualTo("127.0.0.1:80");
        assertThat(a.protocol()).isEqualTo("HTTP/1.1");
        assertThat(a.heldMillis()).isEqualTo(100);
        assertThat(a.ageMillis()).isEqualTo(350);
        assertThat(a.requests()).isEqualTo(2);
        assertThat(a.request()).isEqualTo("GET /x");
        assertThat(a.thread()).isEqualTo(Thread.currentThread().getName());
        assertThat(a.leakSuspected()).isFalse();
        assertThat(a.checkedOutAt().toEpochMilli()).isBetween(before - 100, after - 100);
        PoolSnapshot.ActiveConnection b = key.activeConnections().get(1);
        assertThat(b.id()).isEqualTo(second.id);
        assertThat(b.request()).isEqualTo("GET /orders/7"); // no query string, no userinfo
        assertThat(b.toString()).doesNotContain("secret").doesNotContain("token");
        assertThat(b.heldMillis()).isEqualTo(60);
        assertThat(b.requests()).isEqualTo(1);

        pool.release(reused, null);
        pool.release(second, dev.httppool.CloseReason.BROKEN);
        assertThat(pool.snapshot().key(KEY_A.toString()).activeConnections()).isEmpty();
    }

    @Test
    void aBodyDroppedUnfinishedHasItsConnectionClosedAndItsSlotFreed() throws Exception {
        pool(PoolTestSupport.config().maxConnsPerHost(1));
        PooledConnection pc = pool.acquire(KEY_A, ClientTrace.NONE, Request.get("http://a.test/"));
        WeakReference<Object> body = watchedBody(pc);

        awaitCollected(body, () -> leakEvents().isEmpty());

        assertThat(leakEvents()).containsExactly("leaked " + KEY_A + " unreachable");
        assertThat(((FakeWire) pc.wire).closed).isTrue();
        assertThat(listener.events()).contains("closed " + KEY_A + " broken");
        assertThat(warnings).singleElement().satisfies(r -> assertThat(r.getMessage())
                .isEqualTo("connection to " + KEY_A + " was leaked; close the response body"));
        assertThat(pool.snapshot().keys()).isEmpty(); // the slot is free: the key's counts are back to zero
        PooledConnection next = pool.acquire(KEY_A, ClientTrace.NONE, Request.get("http://a.test/"));
        assertThat(next).isNotSameAs(pc);
        pool.release(next, null);
    }

    @Test
    void aBodyFinishedNormallyLeavesNothingWatchedSoItsCollectionClosesNothing() throws Exception {
        pool(PoolTestSupport.config());
        PooledConnection pc = pool.acquire(KEY_A, ClientTrace.NONE, Request.get("http://a.test/"));
        WeakReference<Object> body = watchedBody(pc);
        assertThat(pool.release(pc, null)).isNull();

        awaitCollected(body, () -> false);
        System.gc();
        pool.maintenance().run(ticker.nanoTime());

        assertThat(pc.bodyRef).isNull();
        assertThat(leakEvents()).isEmpty();
        assertThat(((FakeWire) pc.wire).closed).isFalse();
        assertThat(pool.snapshot().totals().idle()).isEqualTo(1);
    }

    /** Has {@code pc} watch a body that only the returned weak reference reaches. */
    private static WeakReference<Object> watchedBody(PooledConnection pc) {
        Object body = new byte[16];
        pc.responding(body);
        return new WeakReference<>(body);
    }

    /** Collects garbage and runs the maintenance until {@code body} is gone and {@code waiting} turns false. */
    private void awaitCollected(WeakReference<Object> body, java.util.function.BooleanSupplier waiting)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        do {
            System.gc();
            Thread.sleep(10); // lets the reference handler queue what the collection found (not synchronisation)
            pool.maintenance().run(ticker.nanoTime());
        } while ((body.get() != null || waiting.getAsBoolean()) && System.nanoTime() < deadline);
        assertThat(body.get()).as("collected within 10 s").isNull();
    }
}
