package dev.httppool.testing;

import dev.httppool.Dialer;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real TCP {@link Dialer} ({@link Dialer#tcp}) that counts dials started and finished, remembers the channels it
 * opened, and lets a test hold dial number n (1-based) at a gate until the test opens it, or make it fail. A gate
 * that stays shut for 10 seconds fails its dial, so a forgotten gate cannot hang a build.
 */
public final class GatedDialer implements Dialer {

    private static final Duration GATE_TIMEOUT = Duration.ofSeconds(10);

    private final Dialer delegate = Dialer.tcp(Duration.ZERO);
    private final AtomicInteger started = new AtomicInteger();
    private final AtomicInteger finished = new AtomicInteger();
    private final Map<Integer, CountDownLatch> gates = new ConcurrentHashMap<>();
    private final Map<Integer, CountDownLatch> entered = new ConcurrentHashMap<>();
    private final Set<Integer> failing = ConcurrentHashMap.newKeySet();
    /** Every channel this dialer opened, in order. */
    public final List<SocketChannel> channels = new CopyOnWriteArrayList<>();

    /** Makes dial number {@code n} wait until the returned latch is counted down. */
    public CountDownLatch gate(int n) {
        return gates.computeIfAbsent(n, k -> new CountDownLatch(1));
    }

    /** Counted down when dial number {@code n} has started. */
    public CountDownLatch entered(int n) {
        return entered.computeIfAbsent(n, k -> new CountDownLatch(1));
    }

    /** Makes dial number {@code n} fail with a ConnectException (after its gate, if any). */
    public void fail(int n) {
        failing.add(n);
    }

    /** Dials started so far. */
    public int started() {
        return started.get();
    }

    /** Dials finished so far, successfully or not. */
    public int finished() {
        return finished.get();
    }

    /** Opens every gate (safe to call more than once). */
    public void openAllGates() {
        gates.values().forEach(CountDownLatch::countDown);
    }

    @Override
    public SocketChannel dial(String host, int port, Duration timeout) throws IOException {
        int n = started.incrementAndGet();
        entered(n).countDown();
        CountDownLatch gate = gates.get(n);
        try {
            if (gate != null && !gate.await(GATE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IOException("test gate for dial " + n + " never opened");
            }
            if (failing.contains(n)) {
                throw new ConnectException("test dialer: dial " + n + " refused");
            }
            SocketChannel channel = delegate.dial(host, port, timeout);
            channels.add(channel);
            return channel;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("dial " + n + " interrupted at its test gate", e);
        } finally {
            finished.incrementAndGet();
        }
    }
}
