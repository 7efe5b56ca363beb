package dev.httppool.internal.exchange;

/** What the pool needs of a connection: identity for views, a liveness probe for idle time, and close. */
public interface WireConnection {

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
