package dev.httppool.http1;

/** What the pool needs of a connection: identity for views, a liveness probe for idle time, and close. */
public interface WireConnection {

    /**
     * Whether an idle connection must be discarded: the server closed it, reset it, or sent bytes nobody asked
     * for (such as an unsolicited {@code 408}). Must not block; called only while the connection is idle and
     * nobody else uses it.
     */
    boolean isDeadWhileIdle();

    /** Closes the connection; idempotent and quiet. */
    void close();

    String localAddress();

    String remoteAddress();

    /** e.g. {@code HTTP/1.1}. */
    String protocol();
}
