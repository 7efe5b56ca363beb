package dev.httppool;

/**
 * Transport-level events for metrics, Go has no equivalent. Methods are called outside the pool's lock, on
 * request or dialing threads; they must be fast and must not throw.
 */
public interface TransportListener {

    /** The listener that does nothing. */
    TransportListener NONE = new TransportListener() {
    };

    /** A dial for {@code key} finished after {@code nanos}, successfully or not. */
    default void dialed(ConnectMethodKey key, boolean success, long nanos) {
    }

    /** A request obtained a connection after waiting {@code waitNanos}; {@code reused}: it had served before. */
    default void acquired(ConnectMethodKey key, boolean reused, long waitNanos) {
    }

    /** A connection for {@code key} was closed. */
    default void closed(ConnectMethodKey key, CloseReason reason) {
    }

    /**
     * A connection for {@code key} was leaked: held past {@code leakDetectionThreshold}, or its response became
     * unreachable unfinished (the connection is then closed too, reported to {@link #closed} as
     * {@link CloseReason#BROKEN}).
     */
    default void leaked(ConnectMethodKey key, LeakDetection detection) {
    }
}
