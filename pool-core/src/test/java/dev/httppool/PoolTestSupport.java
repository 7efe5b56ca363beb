package dev.httppool;

import dev.httppool.ClientTrace;
import dev.httppool.CloseReason;
import dev.httppool.ConnectMethodKey;
import dev.httppool.Ticker;
import dev.httppool.TransportConfig;
import dev.httppool.TransportListener;
import dev.httppool.internal.connect.Connector;
import dev.httppool.internal.exchange.ExchangeCodec;
import dev.httppool.internal.exchange.WireConnection;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Fakes for pool unit tests: a hand-moved ticker, dials run on demand, connections without sockets. */
public final class PoolTestSupport {

    private PoolTestSupport() {
    }

    public static final ConnectMethodKey KEY_A = new ConnectMethodKey("", "http", "a.test:80", false);
    public static final ConnectMethodKey KEY_B = new ConnectMethodKey("", "http", "b.test:80", false);
    public static final ConnectMethodKey KEY_C = new ConnectMethodKey("", "http", "c.test:80", false);

    /** A clock that moves only when told to: idle ages stay 0 (no liveness probes) until it is advanced. */
    public static final class FakeTicker implements Ticker {
        private final AtomicLong now = new AtomicLong(1_000_000_000L);

        @Override
        public long nanoTime() {
            return now.get();
        }

        public void advance(long millis) {
            now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
        }

        public void advance(java.time.Duration d) {
            now.addAndGet(d.toNanos());
        }
    }

    /** A connection with no socket: records whether it was closed; can be made to look dead while idle. */
    public static final class FakeWire implements WireConnection {
        public final int id;
        public volatile boolean dead;
        public volatile boolean closed;

        public FakeWire(int id) {
            this.id = id;
        }

        @Override
        public ExchangeCodec newCodec() {
            throw new UnsupportedOperationException("a fake wire carries no exchanges");
        }

        @Override
        public boolean isDeadWhileIdle() {
            return dead || closed;
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

    /** Dials queue up here and run only when the test says so, on the test's thread. */
    public static final class ManualDials implements Executor, Connector {
        private final ArrayDeque<Runnable> queued = new ArrayDeque<>();
        private final AtomicInteger ids = new AtomicInteger();
        public final List<FakeWire> dialed = new ArrayList<>();
        private IOException nextFailure;

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
            FakeWire w = new FakeWire(ids.incrementAndGet());
            synchronized (this) {
                dialed.add(w);
            }
            return w;
        }

        public synchronized int queued() {
            return queued.size();
        }

        /** Waits (bounded) until at least {@code n} dials are queued. */
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
            Runnable r;
            synchronized (this) {
                r = queued.poll();
            }
            if (r == null) {
                throw new AssertionError("no dial queued");
            }
            r.run();
        }

        /** Runs the oldest queued dial, which fails with {@code e}. */
        public void failNext(IOException e) {
            synchronized (this) {
                nextFailure = e;
            }
            completeNext();
        }

        public void completeAll() {
            while (queued() > 0) {
                completeNext();
            }
        }
    }

    /** Records listener events. */
    public static final class RecordingListener implements TransportListener {
        public final List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());

        @Override
        public void dialed(ConnectMethodKey key, boolean success, long nanos) {
            events.add("dialed " + key + " " + success);
        }

        @Override
        public void acquired(ConnectMethodKey key, boolean reused, long waitNanos) {
            events.add("acquired " + key + " reused=" + reused);
        }

        @Override
        public void closed(ConnectMethodKey key, CloseReason reason) {
            events.add("closed " + key + " " + reason.tag());
        }
    }

    public static TransportConfig.Builder config() {
        return TransportConfig.builder();
    }
}
