package dev.httppool.internal.exchange;

import dev.httppool.ClientTrace;
import dev.httppool.CloseReason;
import dev.httppool.Request;
import dev.httppool.internal.exchange.Exchange.OpenStream;
import dev.httppool.internal.exchange.Exchange.Releaser;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How one exchange on a stream of a multiplexed connection gives its stream back: once, by whichever comes first of
 * the response's own end, the attempt's failure, and leak detection finding the response body unreachable (which
 * resets the stream). It holds the codec and the connection's releaser, never the body, so watching the body does
 * not keep it reachable.
 */
final class StreamReleaser implements Releaser, OpenStream {

    static final Runnable NOTHING = () -> { };

    private final ExchangeCodec codec;
    private final Releaser connection;
    private final Request request;
    private final AtomicBoolean ended = new AtomicBoolean();
    /** Stops the leak watch of the response body, once one is out. */
    private volatile Runnable unwatch = NOTHING;

    StreamReleaser(ExchangeCodec codec, Releaser connection, Request request) {
        this.codec = codec;
        this.connection = connection;
        this.request = request;
    }

    @Override
    public void release(CloseReason reason, ClientTrace trace) {
        if (ended.compareAndSet(false, true)) {
            unwatch.run();
            codec.exchangeEnded();
            connection.release(reason, trace);
        }
    }

    @Override
    public void responding(Object body) {
        unwatch = connection.respondingOnStream(body, this);
    }

    /** The attempt failed: the stream ends here; the caller gives the connection back. */
    void failed() {
        if (ended.compareAndSet(false, true)) {
            unwatch.run();
        }
        codec.exchangeEnded();
    }

    @Override
    public Request request() {
        return request;
    }

    @Override
    public boolean abandon() {
        if (!ended.compareAndSet(false, true)) {
            return false;
        }
        codec.exchangeEnded();
        connection.release(null, ClientTrace.NONE);
        return true;
    }
}
