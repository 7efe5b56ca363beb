package dev.httppool;

import java.net.SocketTimeoutException;

/**
 * No connection for a key became available within {@code connWaitTimeout} while {@code maxConnsPerHost} was
 * reached. Carries the key's state at expiry.
 */
public final class ConnWaitTimeoutException extends SocketTimeoutException {

    private static final long serialVersionUID = 1L;

    private final transient ConnectMethodKey key;
    private final transient PoolSnapshot.KeyStats keyStats;

    ConnWaitTimeoutException(ConnectMethodKey key, long waitedMillis, PoolSnapshot.KeyStats stats) {
        super("timed out after " + waitedMillis + " ms waiting for a connection to " + key + " " + counts(stats));
        this.key = key;
        this.keyStats = stats;
    }

    /** A key's counts as the pool's errors show them: {@code (active=1, idle=0, dialing=0, waiting=2)}. */
    static String counts(PoolSnapshot.KeyStats stats) {
        return "(active=" + stats.active() + ", idle=" + stats.idle() + ", dialing=" + stats.dialing()
                + ", waiting=" + stats.waiting() + ")";
    }

    public ConnectMethodKey key() {
        return key;
    }

    /** The key's counts when the wait expired (the waiter itself is still counted as waiting). */
    public PoolSnapshot.KeyStats keyStats() {
        return keyStats;
    }
}
