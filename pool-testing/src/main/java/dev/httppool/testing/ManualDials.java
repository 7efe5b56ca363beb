package dev.httppool.testing;

import dev.httppool.internal.pool.Connector;

import dev.httppool.ClientTrace;
import dev.httppool.ConnectMethodKey;
import dev.httppool.internal.exchange.WireConnection;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The dial executor and connector of a pool under test: dials queue up here and run only when the test says so,
 * on the test's thread, each making a {@link FakeWire} (ids 1, 2, ...) or failing with the exception the test
 * chose. Thread-safe.
 */
public final class ManualDials implements Executor, Connector {

    private final ArrayDeque<Runnable> queued = new ArrayDeque<>(); // guarded by this
    private final AtomicInteger ids = new AtomicInteger();
    /** Every connection made, in order; synchronize on this object to read it while dials run. */
    public final List<FakeWire> dialed = new ArrayList<>(); // guarded by this
    private IOException nextFailure; // guarded by this

    @Override
    public synchronized void execute(Runnable dial) {
        queued.add(dial);
        notifyAll();
    }

    @Override
    public WireConnection connect(ConnectMethodKey key, ClientTrace trace) throws IOException {
        IOException failure;
        synchronized (this) {
            failure = nextFailure;
            nextFailure = null;
        }
        if (failure != null) {
            throw failure;
        }
        FakeWire wire = new FakeWire(ids.incrementAndGet());
        synchronized (this) {
            dialed.add(wire);
        }
        return wire;
    }

    /** How many dials wait to be run. */
    public synchronized int queued() {
        return queued.size();
    }

    /** Waits until at least {@code n} dials are queued, failing after 5 seconds. */
    public synchronized void awaitQueued(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (queued.size() < n) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("expected " + n + " queued dials, have " + queued.size());
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /** Runs the oldest queued dial to completion on this thread. */
    public void completeNext() {
        Runnable dial;
        synchronized (this) {
            dial = queued.poll();
        }
        if (dial == null) {
            throw new AssertionError("no dial queued");
        }
        dial.run();
    }

    /** Runs the oldest queued dial, which fails with {@code e}. */
    public void failNext(IOException e) {
        synchronized (this) {
            nextFailure = e;
        }
        completeNext();
    }

    /** Runs queued dials until none is left, including dials queued meanwhile. */
    public void completeAll() {
        while (queued() > 0) {
            completeNext();
        }
    }
}
