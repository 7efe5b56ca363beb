package dev.httppool.internal.pool;

import dev.httppool.CloseReason;
import dev.httppool.ConnectMethodKey;
import java.lang.System.Logger.Level;
import java.lang.System.Logger;
import java.util.concurrent.TimeUnit;

/**
 * The story of each connection at DEBUG, and leaks at WARN, on the {@code System.Logger} named {@code dev.httppool.pool}: dials,
 * reuse decisions and closes with their reason. Nothing else is logged at INFO or above. Never
 * called with the pool's lock held; each method checks the level first, so a disabled logger costs one check.
 */
final class PoolLog {

    private static final Logger LOG = System.getLogger("dev.httppool.pool");

    private PoolLog() {
    }

    static boolean enabled() {
        return LOG.isLoggable(Level.DEBUG);
    }

    static void dialed(ConnectMethodKey key, PooledConnection pc, long nanos) {
        if (enabled()) {
            LOG.log(Level.DEBUG, "dialed {0} in {1} ms: {2} -> {3}", pc, millis(nanos), pc.wire.localAddress(),
                    pc.wire.remoteAddress());
        }
    }

    static void dialFailed(ConnectMethodKey key, Exception error, long nanos) {
        if (enabled()) {
            LOG.log(Level.DEBUG, "dial {0} failed after {1} ms: {2}", key, millis(nanos), error.toString());
        }
    }

    static void handedOut(PooledConnection pc, boolean reused, boolean wasIdle, long idleNanos) {
        if (enabled()) {
            if (wasIdle) {
                LOG.log(Level.DEBUG, "reusing {0}, idle for {1} ms", pc, millis(idleNanos));
            } else {
                LOG.log(Level.DEBUG, reused ? "reusing {0}, handed over by the request that returned it"
                        : "using new {0}", pc);
            }
        }
    }

    static void kept(PooledConnection pc, boolean handedOff) {
        if (enabled()) {
            LOG.log(Level.DEBUG, handedOff ? "returned {0} to a waiting request" : "returned {0} to the idle list", pc);
        }
    }

    static void closed(PooledConnection pc, CloseReason reason) {
        if (enabled()) {
            LOG.log(Level.DEBUG, "closing {0}: {1}", pc, reason.tag());
        }
    }

    /** WARN: a request held a connection past {@code leakDetectionThreshold}, with its stack when captured. */
    static void heldTooLong(ConnectMethodKey key, long heldNanos, long thresholdNanos, String request, String thread,
            Throwable origin) {
        if (LOG.isLoggable(Level.WARNING)) {
            LOG.log(Level.WARNING, "connection to " + key + " held for " + millis(heldNanos) + " ms by " + request
                    + " on thread " + thread + ", longer than leakDetectionThreshold (" + millis(thresholdNanos)
                    + " ms); read the response body to the end or close it", origin);
        }
    }

    /** WARN: a response became unreachable unfinished; its connection is closed. */
    static void leaked(ConnectMethodKey key, Throwable origin) {
        if (LOG.isLoggable(Level.WARNING)) {
            LOG.log(Level.WARNING, "connection to " + key + " was leaked; close the response body", origin);
        }
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
