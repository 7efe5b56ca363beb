package dev.httppool.testing;

import dev.httppool.CloseReason;
import dev.httppool.internal.exchange.ExchangeCodec;
import dev.httppool.internal.exchange.MultiplexedConnection;

/**
 * An HTTP/2-like connection without a socket, for tests of the pool's sharing alone: it takes up to
 * {@link #maxStreams} streams at once until a test ends it ({@link #goAway()}), and tells the pool's listener of
 * each change, as the real connection's reader thread does (here, on the test's thread).
 */
public final class FakeMuxWire implements MultiplexedConnection {

    public final int id;
    /** The server's stream limit (SETTINGS_MAX_CONCURRENT_STREAMS); a test may change it, then {@link #changed()}. */
    public volatile int maxStreams;
    /** Set by {@link #close()}. */
    public volatile boolean closed;
    private volatile CloseReason endReason;
    private volatile Runnable listener;
    /** Run by {@link #isDeadWhileIdle()} before it answers, on the pool's calling thread: a test's gate. */
    public volatile Runnable onIdleCheck;

    public FakeMuxWire(int id, int maxStreams) {
        this.id = id;
        this.maxStreams = maxStreams;
    }

    /** The server sent GOAWAY: no new streams; the pool's listener is told. */
    public void goAway() {
        endReason = CloseReason.GOAWAY;
        changed();
    }

    /** Tells the pool's listener that capacity or health changed. */
    public void changed() {
        Runnable l = listener;
        if (l != null) {
            l.run();
        }
    }

    /** Whether the pool registered its change listener (it does when the connection becomes shared). */
    public boolean listened() {
        return listener != null;
    }

    @Override
    public int maxConcurrentStreams() {
        return maxStreams;
    }

    @Override
    public boolean takesNewStreams() {
        return endReason == null && !closed;
    }

    @Override
    public CloseReason endReason() {
        return endReason != null ? endReason : closed ? CloseReason.BROKEN : null;
    }

    @Override
    public int openStreams() {
        return 0;
    }

    @Override
    public void onChange(Runnable listener) {
        this.listener = listener;
    }

    /** A fake connection carries no exchanges: the pool's tests never ask for one. */
    @Override
    public ExchangeCodec newCodec() {
        throw new UnsupportedOperationException("a FakeMuxWire carries no exchanges");
    }

    @Override
    public boolean isDeadWhileIdle() {
        Runnable gate = onIdleCheck;
        if (gate != null) {
            gate.run();
        }
        return !takesNewStreams();
    }

    @Override
    public boolean isOutOfStep() {
        return closed;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        changed();
    }

    @Override
    public String localAddress() {
        return "127.0.0.1:" + (41000 + id);
    }

    @Override
    public String remoteAddress() {
        return "127.0.0.1:443";
    }

    @Override
    public String protocol() {
        return "HTTP/2.0";
    }

    @Override
    public String toString() {
        return "mux#" + id;
    }
}
