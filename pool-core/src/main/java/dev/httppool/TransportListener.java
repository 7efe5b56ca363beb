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
     * The TCP connection of a dial for {@code key} (with its proxy's {@code CONNECT} tunnel, if any) was set up,
     * or failed, after {@code nanos}; the TLS handshake is reported apart by {@link #tlsHandshake}.
     */
    default void connected(ConnectMethodKey key, boolean success, long nanos) {
    }

    /** The TLS handshake of a dial for {@code key} finished after {@code nanos}, successfully or not. */
    default void tlsHandshake(ConnectMethodKey key, boolean success, long nanos) {
    }

    /**
     * A request that had to queue because {@code key} was at {@code maxConnsPerHost} stopped waiting after
     * {@code nanos}: it got a connection, timed out or was interrupted.
     */
    default void waited(ConnectMethodKey key, long nanos) {
    }

    /** A request for {@code key} failed at once or after waiting, without a connection, for {@code reason}. */
    default void rejected(ConnectMethodKey key, RejectReason reason) {
    }

    /**
     * A connection for {@code key} was leaked: held past {@code leakDetectionThreshold}, or its response became
     * unreachable unfinished (the connection is then closed too, reported to {@link #closed} as
     * {@link CloseReason#BROKEN}).
     */
    default void leaked(ConnectMethodKey key, LeakDetection detection) {
    }
}
