package dev.httppool.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.httppool.ClientTrace;
import dev.httppool.ConnectMethodKey;
import dev.httppool.internal.exchange.WireConnection;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fakes that stand in for the clock, the dialer and the connections in tests of the pool alone. */
class EngineFakesTest {

    private static final ConnectMethodKey KEY = new ConnectMethodKey("", "http", "a.test:80", false);

    @Test
    void theFakeTickerMovesOnlyWhenAdvanced() {
        FakeTicker ticker = new FakeTicker();
        long start = ticker.nanoTime();
        assertThat(ticker.nanoTime()).isEqualTo(start);
        ticker.advance(5);
        ticker.advance(Duration.ofSeconds(1));
        assertThat(ticker.nanoTime() - start).isEqualTo(1_005_000_000L);
    }

    @Test
    void dialsRunOnlyWhenTheTestSaysSoInTheOrderTheyWereQueued() throws Exception {
        ManualDials dials = new ManualDials();
        List<String> made = new ArrayList<>();
        dials.execute(() -> made.add("first"));
        dials.execute(() -> made.add("second"));
        dials.awaitQueued(2);
        assertThat(made).isEmpty();

        dials.completeNext();
        assertThat(made).containsExactly("first");
        dials.completeAll();
        assertThat(made).containsExactly("first", "second");
        assertThat(dials.queued()).isZero();
        assertThatThrownBy(dials::completeNext).isInstanceOf(AssertionError.class).hasMessage("no dial queued");
    }

    @Test
    void theConnectorMakesNumberedFakeWiresUntilToldToFail() throws Exception {
        ManualDials dials = new ManualDials();
        WireConnection first = dials.connect(KEY, ClientTrace.NONE);
        ConnectException refused = new ConnectException("refused");
        List<Throwable> failures = new ArrayList<>();
        dials.execute(() -> {
            try {
                dials.connect(KEY, ClientTrace.NONE);
            } catch (IOException e) {
                failures.add(e);
            }
        });
        dials.failNext(refused);
        WireConnection second = dials.connect(KEY, ClientTrace.NONE);

        assertThat(failures).containsExactly(refused);
        assertThat(dials.dialed).containsExactly((FakeWire) first, (FakeWire) second);
        assertThat(first).hasToString("wire#1");
        assertThat(second.localAddress()).isEqualTo("127.0.0.1:40002");
    }

    @Test
    void aFakeWireLooksDeadWhileIdleOnceClosedOrMarkedDead() {
        FakeWire closed = new FakeWire(1);
        FakeWire dead = new FakeWire(2);
        assertThat(closed.isDeadWhileIdle()).isFalse();
        closed.close();
        dead.dead = true;
        assertThat(closed.isDeadWhileIdle()).isTrue();
        assertThat(closed.closed).isTrue();
        assertThat(dead.isDeadWhileIdle()).isTrue();
        assertThat(dead.closed).isFalse();
    }

    @Test
    void aFakeWireHoldsItsLivenessCheckUntilItsGateOpens() throws Exception {
        FakeWire wire = new FakeWire(1);
        wire.probeGate = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CompletableFuture<Boolean> probe =
                java.util.concurrent.CompletableFuture.supplyAsync(wire::isDeadWhileIdle);

        assertThat(wire.probeStarted.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(probe).isNotDone();
        wire.probeGate.countDown();
        assertThat(probe.get(5, java.util.concurrent.TimeUnit.SECONDS)).isFalse();
    }

    @Test
    void aFakeWireLooksOutOfStepOnceClosedOrMarkedSo() {
        FakeWire closed = new FakeWire(1);
        FakeWire shifted = new FakeWire(2);
        assertThat(closed.isOutOfStep()).isFalse();
        closed.close();
        shifted.outOfStep = true;
        assertThat(closed.isOutOfStep()).isTrue();
        assertThat(shifted.isOutOfStep()).isTrue();
        assertThat(shifted.isDeadWhileIdle()).isFalse();
    }

    @Test
    void aFakeMuxWireTakesStreamsUntilGoAwayOrCloseAndTellsItsListener() {
        FakeMuxWire wire = new FakeMuxWire(3, 5);
        List<String> told = new ArrayList<>();
        wire.onChange(() -> told.add(wire.takesNewStreams() ? "open" : "ended " + wire.endReason()));
        assertThat(wire.maxConcurrentStreams()).isEqualTo(5);
        assertThat(wire.takesNewStreams()).isTrue();
        assertThat(wire.isDeadWhileIdle()).isFalse();

        wire.goAway();
        wire.close();
        wire.close();

        assertThat(told).containsExactly("ended GOAWAY", "ended GOAWAY");
        assertThat(wire.isDeadWhileIdle()).isTrue();
        assertThat(wire.closed).isTrue();
        assertThat(wire).hasToString("mux#3");
    }
}
