package dev.httppool;

import java.time.Duration;
import javax.net.ssl.SSLSession;

/**
 * Per-request hooks into the life of a request, Go's {@code httptrace.ClientTrace}. Every method has an empty
 * default. Hooks are never called while the pool's lock is held; they may be called from a dialing thread and
 * after the request has finished (a dial that outlived its request still reports {@link #connectDone}).
 */
public interface ClientTrace {

    /** The trace that does nothing. */
    ClientTrace NONE = new ClientTrace() {
    };

    /** Before a connection is looked up or dialed; called even when an idle one is available. */
    default void getConn(String hostPort) {
    }

    /** A connection was obtained. */
    default void gotConn(GotConnInfo info) {
    }

    /**
     * The connection was offered back to the pool after the response: {@code rejection} is null when it was
     * pooled or handed to a waiting request, otherwise why it was closed. Not called when keep-alives are off.
     */
    default void putIdleConn(CloseReason rejection) {
    }

    /** A TCP dial starts. */
    default void connectStart(String network, String address) {
    }

    /** A TCP dial ended; {@code error} is null on success. */
    default void connectDone(String network, String address, Exception error) {
    }

    default void tlsHandshakeStart() {
    }

    /** The TLS handshake ended; {@code session} is null and {@code error} set on failure. */
    default void tlsHandshakeDone(SSLSession session, Exception error) {
    }

    /**
     * All request headers were written (they may still be buffered; an HTTP/2 request without a body may still be
     * queued for whichever caller holds the connection's write lock, which writes and flushes it next).
     */
    default void wroteHeaders() {
    }

    /** Headers written; waiting for {@code 100 Continue} before sending the body. */
    default void wait100Continue() {
    }

    /** The request and its body were written, or failed ({@code error} set). Called again on each retry. */
    default void wroteRequest(Exception error) {
    }

    /**
     * The server sent {@code 100 Continue}. A trace that implements this hook receives each 100, which then no
     * longer counts toward {@link TransportConfig#maxResponseHeaderBytes()}.
     */
    default void got100Continue() {
    }

    /**
     * An interim (1xx) response arrived, 100 included. As in Go, a trace that implements this hook receives the
     * interim responses, which then no longer count toward {@link TransportConfig#maxResponseHeaderBytes()}:
     * bound them yourself if a server may send many.
     */
    default void got1xxResponse(int code, Headers headers) {
    }

    /** The first byte of the response headers is available. */
    default void gotFirstResponseByte() {
    }

    /**
     * What {@link #gotConn} reports.
     *
     * @param reused whether the connection had been returned to the pool before
     * @param wasIdle whether it was taken from the idle list
     * @param idleTime how long it was idle, when {@code wasIdle}
     * @param localAddress the connection's local address
     * @param remoteAddress the connection's remote address
     */
    record GotConnInfo(boolean reused, boolean wasIdle, Duration idleTime, String localAddress, String remoteAddress) {
    }
}
