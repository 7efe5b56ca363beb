package dev.httppool.testing;

import dev.httppool.internal.exchange.ExchangeCodec;
import dev.httppool.internal.exchange.WireConnection;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A connection without a socket, for tests of the pool alone: it records whether it was closed and can be made to
 * look dead while idle. Its local address is {@code 127.0.0.1:<40000 + id>}, so ids stay visible in snapshots.
 */
public final class FakeWire implements WireConnection {

    /** The id given at creation, shown in {@link #toString()} and the local port. */
    public final int id;
    /** Set by a test to make the pool's idle liveness check fail. */
    public volatile boolean dead;
    /** Set by a test to make the pool's look for stray bytes before reuse fail. */
    public volatile boolean outOfStep;
    /** Set by {@link #close()}. */
    public volatile boolean closed;
    /** How many times the pool asked it to {@linkplain #trimWhileIdle() trim} while idle. */
    public volatile int trims;
    /** Set by a test to hold the idle liveness check until it counts down (at most 5 seconds). */
    public volatile CountDownLatch probeGate;
    /** Counts down when the idle liveness check starts, so a test can act while it is under way. */
    public final CountDownLatch probeStarted = new CountDownLatch(1);

    public FakeWire(int id) {
        this.id = id;
    }

    /** A fake connection carries no exchanges: the pool's tests and benchmark never ask for one. */
    @Override
    public ExchangeCodec newCodec() {
        throw new UnsupportedOperationException("a FakeWire carries no exchanges");
    }

    @Override
    public boolean isDeadWhileIdle() {
        probeStarted.countDown();
        CountDownLatch gate = probeGate;
        if (gate != null) {
            try {
                gate.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return dead || closed;
    }

    @Override
    public boolean isOutOfStep() {
        return outOfStep || closed;
    }

    @Override
    public void trimWhileIdle() {
        trims++;
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public String localAddress() {
        return "127.0.0.1:" + (40000 + id);
    }

    @Override
    public String remoteAddress() {
        return "127.0.0.1:80";
    }

    @Override
    public String protocol() {
        return "HTTP/1.1";
    }

    @Override
    public String toString() {
        return "wire#" + id;
    }
}
