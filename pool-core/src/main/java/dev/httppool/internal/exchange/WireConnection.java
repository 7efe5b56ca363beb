package dev.httppool.internal.exchange;

import java.io.IOException;

/**
 * A connection as the pool holds it, whatever protocol it speaks: identity for views, a liveness probe for idle
 * time, close, and a {@linkplain #newCodec() codec} for each exchange it carries. See {@link ExchangeCodec} for
 * how a multiplexed protocol fits.
 */
public interface WireConnection {

    /**
     * The codec for the next exchange on this connection. The pool lends the connection to one exchange at a
     * time, so an HTTP/1.1 connection's codec always succeeds.
     *
     * @throws IOException if the connection can take no new exchange; nothing was sent
     */
    public ExchangeCodec newCodec() throws IOException;

    /**
     * Whether an idle connection must be discarded: the server closed it, reset it, or sent bytes nobody asked
     * for (such as an unsolicited {@code 408}). Must not block; called only while the connection is idle and
     * nobody else uses it.
     */
    public boolean isDeadWhileIdle();

    /**
     * Whether the server sent bytes since this connection's last exchange ended, which no exchange asked for: on
     * HTTP/1.1 the tail of a response that ran past its end, or an unsolicited response, so that every later
     * response on it would be the previous request's. Asked before a connection that has carried an exchange is
     * lent again without the {@linkplain #isDeadWhileIdle() probe}, so it must be cheap (at most one system
     * call) and must not block; it need not notice a close. False for a connection that has carried no exchange.
     */
    public boolean isOutOfStep();

    /**
     * Lets go of what an idle connection need not hold (on HTTP/1.1 its read and write buffers, taken again by its
     * next exchange). Called by the pool's maintenance on a connection idle at the time, after its probe, while
     * nobody else uses it. Must not block.
     */
    public default void trimWhileIdle() {
    }

    /**
     * Whether it carries many exchanges at once (a {@link MultiplexedConnection}). Asked instead of an
     * {@code instanceof} test on the hot paths: on JDK 17 an {@code instanceof} against an interface that fails
     * scans the class's interfaces every time, which made four such tests half the cost of a checkout and return.
     */
    public default boolean multiplexed() {
        return false;
    }

    /** Closes the connection; idempotent and quiet. */
    public void close();

    public String localAddress();

    public String remoteAddress();

    /** e.g. {@code HTTP/1.1}. */
    public String protocol();
}
