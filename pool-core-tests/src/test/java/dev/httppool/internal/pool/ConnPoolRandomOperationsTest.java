package dev.httppool.internal.pool;

import dev.httppool.ClientTrace;
import dev.httppool.CloseReason;
import dev.httppool.ConnectMethodKey;
import dev.httppool.Headers;
import dev.httppool.HostOverride;
import dev.httppool.LeaseStrategy;
import dev.httppool.PoolExhaustedException;
import dev.httppool.PoolSnapshot;
import dev.httppool.Request;
import dev.httppool.TransportConfig;
import dev.httppool.TransportListener;

import static org.assertj.core.api.Assertions.assertThat;

import dev.httppool.PoolTestSupport;
import dev.httppool.internal.exchange.KeepAliveHint;
import dev.httppool.testing.FakeTicker;
import dev.httppool.testing.FakeWire;
import dev.httppool.testing.ManualDials;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random sequences of pool operations (acquire, release reusable or broken, cancel, dial success or failure,
 * time passing, expiry, server closes, close idle, warm refills, leaked bodies reclaimed), checking the pool's invariants after every step and its
 * accounting at the end. Seeds 1..N; {@code -Dhttppool.randomops.seeds=N} runs more. A failure names its seed.
 *
 * <p>Each seed also draws the lifecycle and limit settings (lifetime with jitter, requests per connection, lease
 * strategy, bounded waiting; the auto idle cap among the idle caps) and releases connections with the server's
 * {@code Keep-Alive} hints; the test keeps its own model of what each connection may still do and checks every
 * connection handed out against it.
 */
class ConnPoolRandomOperationsTest {

    private static final ConnectMethodKey[] KEYS = {PoolTestSupport.KEY_A, PoolTestSupport.KEY_B, PoolTestSupport.KEY_C};
    private static final int STEPS = 200;

    static Stream<Long> seeds() {
        long n = Long.getLong("httppool.randomops.seeds", 200);
        return Stream.iterate(1L, s -> s + 1).limit(n);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void poolInvariantsHoldAfterEveryRandomOperation(long seed) throws Exception {
        new Run(seed).execute();
    }

    private static final class Run {
        final long seed;
        final Random random;
        final FakeTicker ticker = new FakeTicker();
        final ManualDials dials = new ManualDials();
        final ConnPool pool;
        final List<PooledConnection> held = new ArrayList<>();
        final List<Request> pending = new ArrayList<>();
        final Set<PooledConnection> broken = Collections.newSetFromMap(new IdentityHashMap<>());
        final StringBuilder trail = new StringBuilder();
        final Random hintRandom;
        final Random leakRandom;
        final Model model = new Model();

        Run(long seed) {
            this.seed = seed;
            this.random = new Random(seed);
            this.hintRandom = new Random(seed * 31 + 17);
            this.leakRandom = new Random(seed * 31 + 29);
            TransportConfig.Builder builder = TransportConfig.builder()
                    .maxIdleConns(random.nextInt(5))
                    .maxIdleConnsPerHost(random.nextInt(5) - 1) // -1: AUTO_IDLE_CONNS_PER_HOST
                    .maxConnsPerHost(random.nextInt(4))
                    .idleConnTimeout(Duration.ofMillis(random.nextInt(3) * 500L))
                    .disableKeepAlives(random.nextInt(10) == 0);
            // The lifecycle limits draw from their own sequence, so each seed's steps stay what they were.
            randomLifecycle(new Random(~seed), builder);
            TransportConfig config = builder.build();
            config = config.toBuilder().hosts(hosts(config, new Random(seed * 31 + 7))).build();
            trail.append(config).append('\n');
            pool = new ConnPool(config, ticker, dials, dials, TransportListener.NONE, () -> { });
            pool.warmPools().start(ConnectMethodKey::direct, (task, delay) -> { }); // runs made in step 7
        }

        /**
         * Per-host overrides, from their own sequence: sometimes an entry for b.test with its own caps, idle timeout
         * and lease strategy, and one keeping c.test warm (min-idle), within the rules the config checks.
         */
        static List<HostOverride> hosts(TransportConfig config, Random r) {
            List<HostOverride> hosts = new ArrayList<>();
            if (r.nextBoolean()) {
                hosts.add(HostOverride.builder("b.test").maxConnsPerHost(r.nextInt(4))
                        .maxIdleConnsPerHost(r.nextInt(5) - 1).idleConnTimeout(Duration.ofMillis(r.nextInt(3) * 400L))
                        .leaseStrategy(r.nextBoolean() ? LeaseStrategy.FIFO : null).build());
            }
            int minIdle = 1 + r.nextInt(2);
            boolean warmFits = !config.disableKeepAlives() && (config.maxIdleConns() == 0 || config.maxIdleConns() >= minIdle);
            if (r.nextBoolean() && warmFits) {
                hosts.add(HostOverride.builder("http://c.test").minIdle(minIdle).maxConnsPerHost(minIdle + r.nextInt(2))
                        .build());
            }
            return hosts;
        }

        /**
         * Draws the lifecycle and limit settings (issue 12) from {@code lifecycle}: a lifetime of 0, 700 or 1400 ms,
         * with or without a jitter of a third of it; 0 to 3 requests per connection, often no limit; LIFO or FIFO;
         * 0 to 2 waiting per key (which bites only when {@code maxConnsPerHost} is set). Appending draws here
         * keeps the earlier ones, and so the seeds' configurations, as they were.
         */
        static void randomLifecycle(Random lifecycle, TransportConfig.Builder builder) {
            long lifetimeMillis = lifecycle.nextInt(3) * 700L;
            builder.maxConnLifetime(Duration.ofMillis(lifetimeMillis))
                    .maxConnLifetimeJitter(Duration.ofMillis(lifetimeMillis / 3 * lifecycle.nextInt(2)))
                    .maxRequestsPerConn(lifecycle.nextInt(2) * lifecycle.nextInt(4))
                    .leaseStrategy(lifecycle.nextBoolean() ? LeaseStrategy.FIFO : LeaseStrategy.LIFO)
                    .maxWaitingPerHost(lifecycle.nextInt(3));
        }

        void execute() throws Exception {
            try {
                for (int step = 0; step < STEPS; step++) {
                    int op = random.nextInt(10);
                    PoolSnapshot before = op == 0 || op == 1 || op == 9 ? pool.snapshot() : null;
                    Request acquired = step(op);
                    settle();
                    check();
                    if (acquired != null && acquired.result.isDone()) {
                        checkLeaseOrder(acquired, before);
                    }
                }
                drain();
            } catch (Throwable e) {
                throw new AssertionError("seed " + seed + " failed; replay with this seed. Steps:\n" + trail, e);
            } finally {
                for (Request r : pending) {
                    r.thread.interrupt();
                    r.thread.join(5000);
                }
            }
        }

        /** Runs one operation; returns the request it started, if it started one. */
        Request step(int op) throws Exception {
            switch (op) {
                case 0:
                case 1:
                    return acquire(KEYS[random.nextInt(KEYS.length)]);
                case 2:
                    if (dials.queued() > 0) {
                        trail.append("dial ok\n");
                        dials.completeNext();
                    }
                    break;
                case 3:
                    if (dials.queued() > 0) {
                        trail.append("dial fails\n");
                        dials.failNext(new ConnectException("refused"));
                    }
                    break;
                case 4:
                case 5:
                    if (!held.isEmpty()) {
                        PooledConnection pc = held.remove(random.nextInt(held.size()));
                        if (leak(pc)) {
                            break;
                        }
                        boolean reusable = random.nextInt(4) != 0;
                        trail.append("release ").append(pc).append(reusable ? " reusable" : " broken");
                        if (reusable) {
                            serverSays(pc);
                        }
                        trail.append('\n');
                        model.released(pc, ticker.nanoTime());
                        pool.release(pc, reusable ? null : CloseReason.BROKEN);
                    }
                    break;
                case 6:
                    if (!pending.isEmpty()) {
                        Request r = pending.get(random.nextInt(pending.size()));
                        trail.append("cancel a waiter of ").append(r.key).append('\n');
                        r.thread.interrupt();
                        r.thread.join(5000); // a cancelled request ends promptly, one way or the other
                    }
                    break;
                case 7:
                    long millis = random.nextInt(800);
                    trail.append("time +").append(millis).append("ms, expire\n");
                    ticker.advance(millis);
                    pool.maintenance().closeExpiredIdle(ticker.nanoTime());
                    pool.maintenance().closeExpiredDeadlines(ticker.nanoTime());
                    pool.maintenance().closeIdleAboveDecayedCaps(ticker.nanoTime());
                    checkNoIdleConnectionOutlivedItsLifetime();
                    pool.warmPools().run(ticker.nanoTime());
                    break;
                case 8:
                    List<FakeWire> wires;
                    synchronized (dials) {
                        wires = new ArrayList<>(dials.dialed);
                    }
                    if (!wires.isEmpty()) {
                        FakeWire w = wires.get(random.nextInt(wires.size()));
                        trail.append("server closes ").append(w).append(", probe\n");
                        w.dead = true;
                        ticker.advance(2);
                        pool.maintenance().closeDeadIdle(ticker.nanoTime());
                    }
                    break;
                default:
                    if (random.nextInt(4) == 0) {
                        trail.append("close idle\n");
                        pool.closeIdleConnections();
                    } else {
                        return acquire(KEYS[random.nextInt(KEYS.length)]);
                    }
                    break;
            }
            return null;
        }

        Request acquire(ConnectMethodKey key) {
            trail.append("acquire ").append(key).append('\n');
            Request r = new Request(pool, key);
            pending.add(r);
            r.thread.start();
            return r;
        }

        /**
         * Sometimes (from its own sequence) makes the response body streaming from held {@code pc} unreachable, as
         * the collector finds it: before its return (the maintenance reclaims the connection, closing it), or just
         * after a normal return (the reclaim then finds nothing to do, whoever holds the connection by then).
         *
         * @return whether {@code pc} was dealt with here (leaked, or returned) rather than to be returned by the
         *     caller
         */
        boolean leak(PooledConnection pc) {
            int kind = leakRandom.nextInt(8);
            if (kind > 1) {
                return false;
            }
            pc.responding(new Object());
            LeakWatch.BodyRef ref = pc.bodyRef;
            ref.enqueue(); // what the collector does once the body is unreachable
            if (kind == 1) {
                trail.append("release ").append(pc).append(" reusable, its body's reference queued after\n");
                model.released(pc, ticker.nanoTime());
                pool.release(pc, null);
            } else {
                trail.append("leak ").append(pc).append(", reclaimed\n");
            }
            PooledConnection.State before = stateOf(pc);
            pool.leaks.run(ticker.nanoTime(), IdleMaintenance.PROBE_INTERVAL_NANOS, 1);
            if (kind == 0) {
                assertThat(((FakeWire) pc.wire).closed).as("a leaked connection is closed").isTrue();
                assertThat(stateOf(pc)).isEqualTo(PooledConnection.State.CLOSED);
            } else {
                assertThat(stateOf(pc)).as("a returned connection is left to whoever has it").isEqualTo(before);
            }
            return true;
        }

        PooledConnection.State stateOf(PooledConnection pc) {
            pool.lock.lock();
            try {
                return pc.state;
            } finally {
                pool.lock.unlock();
            }
        }

        /**
         * Sometimes gives {@code pc} a server's {@code Keep-Alive} hint before it is returned, as the exchange does
         * with {@code respectServerKeepAlive}: a timeout of 1 to 3 s (1: not kept idle), a max of 0 to 2 more
         * requests, both or none. Drawn from its own sequence.
         */
        void serverSays(PooledConnection pc) {
            int kind = hintRandom.nextInt(4);
            if (kind == 0) {
                return;
            }
            StringBuilder value = new StringBuilder();
            if (kind != 2) {
                value.append("timeout=").append(1 + hintRandom.nextInt(3));
            }
            if (kind != 1) {
                value.append(value.length() > 0 ? ", " : "").append("max=").append(hintRandom.nextInt(3));
            }
            trail.append(" Keep-Alive: ").append(value);
            KeepAliveHint hint = KeepAliveHint.of(Headers.of("Keep-Alive", value.toString()));
            pc.serverKeepAlive(hint);
            model.hinted(pc, hint);
        }

        /** The ids of every idle connection, by key, least recently used first. */
        List<Long> idleIds() {
            List<Long> ids = new ArrayList<>();
            for (PoolSnapshot.KeyStats k : pool.snapshot().keys()) {
                k.idleConnections().forEach(c -> ids.add(c.id()));
            }
            return ids;
        }

        /**
         * The request just started took an idle connection at once: with FIFO the least recently used one that
         * could still serve, with LIFO the most recently used one; the ones it skipped (expired, dead) are closed.
         */
        void checkLeaseOrder(Request r, PoolSnapshot snapshotBefore) {
            if (r.result.isCompletedExceptionally()) {
                return;
            }
            PooledConnection got = r.result.join();
            List<Long> sameKeyBefore = new ArrayList<>();
            PoolSnapshot.KeyStats before = snapshotBefore.key(r.key.toString());
            if (before != null) {
                before.idleConnections().forEach(c -> sameKeyBefore.add(c.id()));
            }
            int at = sameKeyBefore.indexOf(got.id);
            assertThat(at).as("a request served at once got one of its key's idle connections").isNotNegative();
            boolean fifo = pool.hostLimits.match(r.key).fifo; // its key's strategy: a hosts entry may set one
            List<Long> skipped = fifo ? sameKeyBefore.subList(0, at)
                    : sameKeyBefore.subList(at + 1, sameKeyBefore.size());
            assertThat(idleIds()).as("connections skipped by the " + (fifo ? "FIFO" : "LIFO")
                    + " lease are closed").noneMatch(id -> id == got.id || skipped.contains(id));
        }

        /** Waits until every request thread has either finished or is parked waiting for a connection. */
        void settle() throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            for (;;) {
                boolean quiet = true;
                for (var it = pending.iterator(); it.hasNext(); ) {
                    Request r = it.next();
                    if (r.result.isDone()) {
                        it.remove();
                        r.thread.join(5000);
                        collect(r);
                    } else if (!r.parked()) {
                        quiet = false;
                    }
                }
                int waiting = pool.snapshot().totals().waiting();
                if (quiet && waiting == pending.size()) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    StringBuilder threads = new StringBuilder();
                    for (Request r : pending) {
                        threads.append("\n  ").append(r.key).append(' ').append(r.thread.getState());
                        for (StackTraceElement e : r.thread.getStackTrace()) {
                            threads.append("\n    at ").append(e);
                        }
                    }
                    throw new AssertionError("requests did not settle: " + pending.size() + " pending, waiting="
                            + waiting + ", " + pool.snapshot() + threads);
                }
                Thread.yield();
            }
        }

        void collect(Request r) {
            try {
                PooledConnection pc = r.result.join();
                assertThat(pc.key()).isEqualTo(r.key);
                assertThat(held).doesNotContain(pc);
                assertThat(((FakeWire) pc.wire).closed).as("handed out a closed connection").isFalse();
                trail.append("  got ").append(pc).append('\n');
                checkMayServe(pc);
                held.add(pc);
            } catch (java.util.concurrent.CompletionException e) {
                assertThat(e.getCause()).isInstanceOf(IOException.class);
                trail.append("  failed: ").append(e.getCause().getMessage()).append('\n');
                if (e.getCause() instanceof PoolExhaustedException) {
                    checkRefusal((PoolExhaustedException) e.getCause());
                }
            }
        }

        /**
         * A connection handed out is within its lifetime (drawn within the jitter's bounds), its request cap and
         * what its server said the last time it was returned (idle time, requests left).
         */
        void checkMayServe(PooledConnection pc) {
            TransportConfig c = pool.config;
            long now = ticker.nanoTime();
            long lifetime = c.maxConnLifetime().toNanos();
            if (lifetime > 0) {
                long drawn = pc.expiresAtNanos - pc.createdNanos;
                assertThat(drawn).as("lifetime drawn within [max - jitter, max]")
                        .isBetween(lifetime - c.maxConnLifetimeJitter().toNanos(), lifetime);
                assertThat(now - pc.expiresAtNanos).as("handed out past its lifetime").isNegative();
            }
            if (c.maxRequestsPerConn() > 0) {
                assertThat(pc.requests).as("requests carried, this one included")
                        .isBetween(1L, (long) c.maxRequestsPerConn());
            }
            model.checkMayServe(pc, now, pc.host.limits.idleTimeoutNanos); // its key's, with a hosts entry
        }

        /** A refused request found its key at maxConnsPerHost with maxWaitingPerHost requests waiting. */
        void checkRefusal(PoolExhaustedException e) {
            TransportConfig c = pool.config;
            assertThat(c.maxWaitingPerHost()).as("refused only with a bound on waiting").isPositive();
            HostOverride entry = e.keyStats().hostOverride();
            int maxConns = entry != null && entry.maxConnsPerHost() != null ? entry.maxConnsPerHost()
                    : c.maxConnsPerHost();
            assertThat(e.keyStats().connections()).isGreaterThanOrEqualTo(maxConns);
            assertThat(e.keyStats().waiting()).isGreaterThanOrEqualTo(c.maxWaitingPerHost());
        }

        void check() {
            String violation = pool.checkInvariants();
            assertThat(violation).as("invariant").isNull();
            PoolSnapshot s = pool.snapshot();
            assertThat(s.totals().active()).as("active = connections held by requests").isEqualTo(held.size());
            // A dial is counted under the lock and handed to the executor just after it: allow that moment.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (s.totals().dialing() != dials.queued() && System.nanoTime() < deadline) {
                Thread.yield();
                s = pool.snapshot();
            }
            assertThat(s.totals().dialing()).as("dialing = queued dials").isEqualTo(dials.queued());
            assertThat(s.totals().waiting()).isEqualTo(pending.size());
            for (ConnectMethodKey key : KEYS) {
                PoolSnapshot.KeyStats k = s.key(key.toString());
                long heldHere = held.stream().filter(pc -> pc.key().equals(key)).count();
                if (k == null) {
                    assertThat(heldHere).isZero();
                    continue;
                }
                assertThat(k.connections()).isEqualTo(k.idle() + k.active() + k.dialing());
                HostOverride entry = k.hostOverride();
                int maxRequests = s.settings().maxRequestsPerConn();
                if (maxRequests > 0) {
                    assertThat(k.idleConnections()).as("idle connections that may carry another request")
                            .allMatch(c -> c.requests() < maxRequests);
                }
                assertThat((long) k.active()).isEqualTo(heldHere);
                int maxConns = entry != null && entry.maxConnsPerHost() != null ? entry.maxConnsPerHost()
                        : s.settings().maxConnsPerHost();
                int maxWaiting = s.settings().maxWaitingPerHost();
                if (maxWaiting > 0 && maxConns > 0) {
                    // Requests waiting for their own dial are at most the dials; the others are bounded.
                    assertThat(k.waiting()).as("waiting at most dialing + maxWaitingPerHost")
                            .isLessThanOrEqualTo(k.dialing() + maxWaiting);
                }
                if (maxConns > 0) {
                    assertThat(k.connections()).isLessThanOrEqualTo(maxConns);
                }
            }
        }

        /** Right after the lifetime maintenance: every idle connection is younger than the lifetime. */
        void checkNoIdleConnectionOutlivedItsLifetime() {
            PoolSnapshot s = pool.snapshot();
            long lifetimeMillis = s.settings().maxConnLifetime().toMillis();
            if (lifetimeMillis == 0) {
                return;
            }
            for (PoolSnapshot.KeyStats k : s.keys()) {
                assertThat(k.idleConnections()).as("idle connections after the lifetime maintenance")
                        .allMatch(c -> c.ageMillis() < lifetimeMillis);
            }
        }

        /** Ends every request and dial and checks that the pool comes back to idle only. */
        void drain() throws Exception {
            for (int guard = 0; guard < 1000 && (!pending.isEmpty() || dials.queued() > 0 || !held.isEmpty()); guard++) {
                while (!held.isEmpty()) {
                    PooledConnection pc = held.remove(held.size() - 1);
                    model.released(pc, ticker.nanoTime());
                    pool.release(pc, null);
                }
                if (dials.queued() > 0) {
                    dials.completeNext();
                }
                settle();
                check();
            }
            PoolSnapshot s = pool.snapshot();
            assertThat(s.totals().active()).isZero();
            assertThat(s.totals().dialing()).isZero();
            assertThat(s.totals().waiting()).isZero();
            assertThat(s.totals().connections()).isEqualTo(s.totals().idle());
            long open;
            synchronized (dials) {
                open = dials.dialed.stream().filter(w -> !w.closed).count();
            }
            assertThat(open).as("open connections = idle ones").isEqualTo(s.totals().idle());

            pool.closeIdleConnections();
            s = pool.snapshot();
            assertThat(s.totals()).as("every count back to zero")
                    .isEqualTo(new PoolSnapshot.Totals(0, 0, 0, 0, 0));
            assertThat(s.keys()).isEmpty();
            synchronized (dials) {
                assertThat(dials.dialed).as("every connection closed").allMatch(w -> w.closed);
            }
        }
    }

    /**
     * What the test knows of each connection it returned: when, and what its server said then. A connection
     * handed out again must still be inside those limits.
     */
    private static final class Model {
        private final Map<PooledConnection, Long> releasedAt = new IdentityHashMap<>();
        private final Map<PooledConnection, KeepAliveHint> hints = new IdentityHashMap<>();
        private final Map<PooledConnection, Long> serverRequestLimit = new IdentityHashMap<>();

        void released(PooledConnection pc, long now) {
            releasedAt.put(pc, now);
        }

        void hinted(PooledConnection pc, KeepAliveHint hint) {
            if (hint.idleNanos >= 0) {
                hints.put(pc, hint);
            }
            if (hint.moreRequests >= 0) {
                serverRequestLimit.put(pc, pc.requests + hint.moreRequests);
            }
        }

        void checkMayServe(PooledConnection pc, long now, long idleTimeoutNanos) {
            Long since = releasedAt.get(pc);
            if (since == null) {
                return; // first request on a fresh dial
            }
            long idle = now - since;
            KeepAliveHint hint = hints.get(pc);
            if (hint != null) {
                assertThat(idle).as("idle for less than the server's timeout minus 1 s").isLessThan(hint.idleNanos);
            }
            if (idleTimeoutNanos > 0) {
                assertThat(idle).as("idle for less than idleConnTimeout").isLessThan(idleTimeoutNanos);
            }
            Long limit = serverRequestLimit.get(pc);
            if (limit != null) {
                assertThat(pc.requests).as("requests within the server's max").isLessThanOrEqualTo(limit);
            }
        }
    }

    /** One request waiting on its own thread. */
    private static final class Request {
        final ConnectMethodKey key;
        final CompletableFuture<PooledConnection> result = new CompletableFuture<>();
        final Thread thread;

        Request(ConnPool pool, ConnectMethodKey key) {
            this.key = key;
            this.thread = new Thread(() -> {
                try {
                    result.complete(pool.acquire(key, ClientTrace.NONE));
                } catch (Throwable e) {
                    result.completeExceptionally(e);
                }
            });
            this.thread.setDaemon(true);
        }

        boolean parked() {
            Thread.State st = thread.getState();
            return st == Thread.State.WAITING || st == Thread.State.TIMED_WAITING;
        }
    }
}
