package dev.httppool;

import java.io.IOException;

/**
 * A request found its key at {@code maxConnsPerHost} with {@code maxWaitingPerHost} requests already waiting, and
 * failed at once instead of queueing (a sibling of {@link ConnWaitTimeoutException}): nothing of it was written.
 * Carries the key's state when it was refused.
 */
public final class PoolExhaustedException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient ConnectMethodKey key;
    private final transient PoolSnapshot.KeyStats keyStats;

    PoolExhaustedException(ConnectMethodKey key, int maxWaiting, PoolSnapshot.KeyStats stats) {
        super("no connection to " + key + ": " + maxWaiting + " requests already wait at maxConnsPerHost "
                + ConnWaitTimeoutException.counts(stats));
        this.key = key;
        this.keyStats = stats;
    }

    public ConnectMethodKey key() {
        return key;
    }

    /** The key's counts when the request was refused (the refused request is not counted as waiting). */
    public PoolSnapshot.KeyStats keyStats() {
        return keyStats;
    }
}
