package dev.httppool.internal.pool;

import dev.httppool.CloseReason;
import dev.httppool.ConnectMethodKey;
import dev.httppool.PoolSnapshot;
import dev.httppool.RejectReason;
import dev.httppool.Ticker;
import dev.httppool.TransportConfig;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The pool's advice: what to change, per key, read from what the pool saw over the last
 * {@link AdviceWindow#WINDOW_NANOS five minutes}. The one home of the advice rules (see {@link Rule}); the
 * snapshot lists what applies now, and each piece of advice is logged at WARN once per key and rule per
 * {@link #WARN_EVERY_NANOS ten minutes}, when the event that makes it apply happens.
 *
 * <p>Fed only by rare events (a connection closed for one of two reasons, a rejected request, a leak), never per
 * request: O(1) per event, allocating only for a key's first event. Guarded by the pool's lock; warnings are
 * collected under it and logged by {@link #logPending()} after it is released.
 */
public final class Advisor {

    /** How long after a WARN the same advice for the same key stays quiet. */
    static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(10);
    /** Closes for {@code too-many-idle-host}, while other requests were in flight, that make the idle-cap advice. */
    static final int CHURN_CLOSES = 10;
    /** Closes by the server of connections that had been idle, that make the idle-timeout advice. */
    static final int SERVER_CLOSES = 5;
    /** Requests rejected (max-waiting or wait-timeout) that make the max-conns advice. */
    static final int REJECTIONS = 1;
    /** Leaked responses that make the leak advice. */
    static final int LEAKS = 1;

    private static final Logger LOG = System.getLogger("dev.httppool.advice");

    /** The rules; each one's advice names one setting. */
    enum Rule {
        /** Idle cap below the observed concurrency: returned connections are closed while others are in use. */
        IDLE_CAP("max-idle-conns-per-host"),
        /** Idle connections kept longer than the server keeps them. */
        IDLE_TIMEOUT("idle-conn-timeout"),
        /** Requests fail waiting at maxConnsPerHost. */
        WAITS("max-conns-per-host"),
        /** Responses were leaked (never finished nor closed). */
        LEAKS("leak-detection-threshold");

        final String setting;

        Rule(String setting) {
            this.setting = setting;
        }
    }

    private final ReentrantLock lock;
    private final Ticker ticker;
    private final TransportConfig config;
    private volatile Duration leakDetectionThreshold = Duration.ZERO;
    // Guarded by lock
    private final Map<ConnectMethodKey, AdviceWindow> keys = new HashMap<>();
    // Guarded by lock: the map's size after its last pruning.
    private int prunedSize;
    // Guarded by lock: advice to log once the lock is released.
    private final List<PoolSnapshot.Advice> pending = new ArrayList<>();
    private volatile boolean warningsPending;

    Advisor(ReentrantLock lock, Ticker ticker, TransportConfig config) {
        this.lock = lock;
        this.ticker = ticker;
        this.config = config;
        this.leakDetectionThreshold = config.leakDetectionThreshold();
    }

    /**
     * The leak-detection threshold in force, shown as the {@code current} value of the leak advice (zero: off).
     */
    public void leakDetectionThreshold(Duration threshold) {
        this.leakDetectionThreshold = threshold;
    }

    /**
     * A response for {@code key} was leaked: it held its connection past the leak-detection threshold, or became
     * unreachable without being finished or closed. Called without the pool's lock.
     */
    public void leaked(ConnectMethodKey key) {
        lock.lock();
        try {
            long now = ticker.nanoTime();
            AdviceWindow w = windowLocked(key, now);
            w.add(Rule.LEAKS, now);
            checkLocked(key, w, Rule.LEAKS, now);
        } finally {
            lock.unlock();
        }
        logPending();
    }

    /** Notes a close, before {@code pc}'s state changes; only two reasons matter, so most closes cost one test. */
    void closedLocked(PooledConnection pc, CloseReason reason, int idleCap) {
        if (reason == CloseReason.TOO_MANY_IDLE_HOST) {
            if (pc.state != PooledConnection.State.ACTIVE || pc.host.active() < 2
                    || pc.multiplexed) {
                // an idle one trimmed, no other request in flight, or an unneeded HTTP/2 dial discarded (its key's
                // requests share one connection): not churn the idle cap could avoid
                return;
            }
            long now = ticker.nanoTime();
            AdviceWindow w = windowLocked(pc.key(), now);
            w.limits = pc.host.limits;
            w.add(Rule.IDLE_CAP, now);
            // The idle ones were in use with the others lately: together they are the concurrency to keep.
            w.peakInUse(pc.host.active() + pc.host.idle.size(), idleCap, now);
            checkLocked(pc.key(), w, Rule.IDLE_CAP, now);
        } else if (reason == CloseReason.SERVER_CLOSED && pc.reused) {
            long now = ticker.nanoTime();
            AdviceWindow w = windowLocked(pc.key(), now);
            w.limits = pc.host.limits;
            w.add(Rule.IDLE_TIMEOUT, now);
            w.serverIdle(now - pc.idleAtNanos, now);
            checkLocked(pc.key(), w, Rule.IDLE_TIMEOUT, now);
        }
    }

    /** A request for {@code key} was rejected. */
    void rejectedLocked(ConnectMethodKey key, ConnLimits limits, RejectReason reason, long now) {
        AdviceWindow w = windowLocked(key, now);
        w.limits = limits;
        w.add(Rule.WAITS, now);
        w.rejected(reason);
        checkLocked(key, w, Rule.WAITS, now);
    }

    /** The advice that applies at {@code now} to keys whose address is {@code address} (all when null). */
    List<PoolSnapshot.Advice> adviceLocked(String address, long now) {
        List<PoolSnapshot.Advice> all = new ArrayList<>();
        pruneLocked(now);
        List<ConnectMethodKey> sorted = new ArrayList<>(keys.keySet());
        sorted.sort((x, y) -> x.toString().compareTo(y.toString()));
        for (ConnectMethodKey key : sorted) {
            if (address != null && !address.equals(key.address())) {
                continue;
            }
            AdviceWindow w = keys.get(key);
            for (Rule rule : Rule.values()) {
                PoolSnapshot.Advice a = adviceLocked(key, w, rule, now);
                if (a != null) {
                    all.add(a);
                }
            }
        }
        return List.copyOf(all);
    }

    /** Logs the warnings collected under the lock. Must be called without the lock; one volatile read if none. */
    void logPending() {
        if (!warningsPending) {
            return;
        }
        List<PoolSnapshot.Advice> warnings;
        lock.lock();
        try {
            warnings = new ArrayList<>(pending);
            pending.clear();
            warningsPending = false;
        } finally {
            lock.unlock();
        }
        for (PoolSnapshot.Advice a : warnings) {
            LOG.log(Level.WARNING, "advice for {0}: set {1} to {2} (now {3}): {4}", a.key(), a.setting(),
                    a.suggested(), a.current(), a.reason());
        }
    }

    private AdviceWindow windowLocked(ConnectMethodKey key, long now) {
        AdviceWindow w = keys.get(key);
        if (w == null) {
            if (keys.size() >= Math.max(16, 2 * prunedSize)) {
                pruneLocked(now); // amortized O(1): the map cannot grow past twice what is still of use
            }
            w = new AdviceWindow(now);
            keys.put(key, w);
        }
        return w;
    }

    /** Forgets keys with nothing in their window and no recent WARN (so forgetting cannot repeat one early). */
    private void pruneLocked(long now) {
        keys.values().removeIf(w -> w.forgettable(now, WARN_EVERY_NANOS));
        prunedSize = keys.size();
    }

    private void checkLocked(ConnectMethodKey key, AdviceWindow w, Rule rule, long now) {
        if (!w.mayWarn(rule, now, WARN_EVERY_NANOS)) {
            return;
        }
        PoolSnapshot.Advice a = adviceLocked(key, w, rule, now);
        if (a != null) {
            w.warned(rule, now);
            pending.add(a);
            warningsPending = true;
        }
    }

    /** The rules, each reading the key's window: the advice, or null when the rule does not apply. */
    private PoolSnapshot.Advice adviceLocked(ConnectMethodKey key, AdviceWindow w, Rule rule, long now) {
        long n = w.count(rule, now);
        switch (rule) {
            case IDLE_CAP: {
                if (n < CHURN_CLOSES) {
                    return null;
                }
                int cap = w.idleCap();
                int peak = Math.max(w.peakInUse(now), cap + 1);
                boolean auto = w.limits != null ? w.limits.autoIdleCap()
                        : config.maxIdleConnsPerHost() == TransportConfig.AUTO_IDLE_CONNS_PER_HOST;
                String current = auto ? "auto (" + cap + ")" : Integer.toString(cap);
                return advice(key, rule, current, Integer.toString(peak), n + " connections were closed on return "
                        + "in the last 5 minutes because " + cap + " were idle already while other requests were in "
                        + "flight; up to " + peak + " were open at once: each burst dials again (churn, TIME_WAIT)");
            }
            case IDLE_TIMEOUT: {
                if (n < SERVER_CLOSES) {
                    return null;
                }
                long serverIdle = w.minServerIdle(now);
                Duration idleTimeout = w.limits != null ? Duration.ofNanos(w.limits.idleTimeoutNanos)
                        : config.idleConnTimeout();
                if (!idleTimeout.isZero() && idleTimeout.toNanos() < serverIdle) {
                    return null; // ours is shorter already: the server closed them for another reason
                }
                long serverSeconds = TimeUnit.NANOSECONDS.toSeconds(serverIdle);
                long suggested = Math.max(1, serverSeconds - 1);
                return advice(key, rule, seconds(idleTimeout), suggested + "s", n + " idle connections "
                        + "were closed by the server in the last 5 minutes, the soonest after " + serverSeconds
                        + " s idle: keep them idle for less than the server does");
            }
            case WAITS: {
                int max = w.limits != null ? w.limits.maxConnsPerHost : config.maxConnsPerHost();
                if (n < REJECTIONS || max <= 0) {
                    return null;
                }
                return advice(key, rule, Integer.toString(max), Integer.toString(2 * max), n + " requests failed "
                        + "waiting for a connection in the last 5 minutes (" + w.maxWaiting() + " at max-waiting-per-host, "
                        + w.waitTimeouts() + " after conn-wait-timeout): allow more connections, or find what holds them");
            }
            case LEAKS: {
                if (n < LEAKS) {
                    return null;
                }
                Duration threshold = leakDetectionThreshold;
                return advice(key, rule, seconds(threshold), threshold.isZero() ? "30s" : seconds(threshold), n
                        + " responses were leaked in the last 5 minutes: close every response body; with "
                        + "leak-detection-threshold on, the WARN for each names the code that made the request");
            }
            default:
                throw new IllegalStateException(rule.name());
        }
    }

    private static PoolSnapshot.Advice advice(ConnectMethodKey key, Rule rule, String current, String suggested,
            String reason) {
        return new PoolSnapshot.Advice(key.toString(), rule.setting, current, suggested, reason);
    }

    /** A duration as a property value: whole seconds, or milliseconds below one second. */
    static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 || d.toMillis() >= 1000 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
