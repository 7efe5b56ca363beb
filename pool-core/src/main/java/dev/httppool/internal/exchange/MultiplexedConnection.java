package dev.httppool.internal.exchange;

import dev.httppool.CloseReason;

/**
 * A connection that carries many exchanges at once, as streams (HTTP/2). The pool lends it to several exchanges
 * together, up to {@link #maxConcurrentStreams()}, and counts its streams itself; each {@link #newCodec()} opens
 * one stream. Its state changes on its own reader thread (the server's settings, GOAWAY, a dead connection), which
 * tells the pool through the {@linkplain #onChange(Runnable) listener}.
 */
public interface MultiplexedConnection extends WireConnection {

    @Override
    default boolean multiplexed() {
        return true;
    }

    /** The most streams the server lets this connection carry at once now (its SETTINGS_MAX_CONCURRENT_STREAMS). */
    int maxConcurrentStreams();

    /** Whether it takes new streams: open, its reader alive, no GOAWAY received and none sent. */
    boolean takesNewStreams();

    /** Why it takes no new streams ({@link CloseReason#GOAWAY}, {@link CloseReason#PING_TIMEOUT}, ...), or null. */
    CloseReason endReason();

    /** Open streams right now, as the connection counts them (for views). */
    int openStreams();

    /**
     * Sets the one listener told, on the reader thread and with no lock held, whenever the connection's capacity
     * or health changed: new settings, a stream ended, GOAWAY, or the connection ended.
     */
    void onChange(Runnable listener);
}
