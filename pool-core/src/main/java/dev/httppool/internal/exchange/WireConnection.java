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

    /** Closes the connection; idempotent and quiet. */
    public void close();

    public String localAddress();

    public String remoteAddress();

    /** e.g. {@code HTTP/1.1}. */
    public String protocol();
}
