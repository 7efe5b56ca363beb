package dev.httppool;

/** Why the pool closed a connection. {@link #tag()} is the name used in snapshots and meters. */
public enum CloseReason {
    /** Idle for longer than {@code idleConnTimeout}. */
    IDLE_TIMEOUT("idle-timeout"),
    /** Evicted as the globally least recently used idle connection when {@code maxIdleConns} was exceeded. */
    TOO_MANY_IDLE("too-many-idle"),
    /** Returned while its key already held {@code maxIdleConnsPerHost} idle connections. */
    TOO_MANY_IDLE_HOST("too-many-idle-host"),
    /** One request per connection: {@code disableKeepAlives} is set. */
    KEEP_ALIVES_DISABLED("keep-alives-disabled"),
    /** Closed by {@link Transport#closeIdleConnections()} (or returned while that mode was on), or by {@link Transport#close()}. */
    CLOSE_IDLE("close-idle"),
    /** The server closed the idle connection, or sent bytes on it that nobody asked for. */
    SERVER_CLOSED("server-closed"),
    /** An I/O error, a timeout, a cancelled request, or a response whose framing does not allow reuse. */
    BROKEN("broken"),
    /** {@code Connection: close} in the request or the response, or an HTTP/1.0 response without keep-alive. */
    CONNECTION_CLOSE("connection-close"),
    /** Older than its lifetime ({@code maxConnLifetime} minus its jitter), counted from its dial. */
    MAX_LIFETIME("max-lifetime"),
    /** Has carried {@code maxRequestsPerConn} requests. */
    MAX_REQUESTS("max-requests"),
    /** The server sent HTTP/2 GOAWAY: the connection takes no new stream and closes when its last one ends. */
    GOAWAY("goaway"),
    /** An HTTP/2 PING (sent by {@code http2PingInterval}) went unanswered for {@code http2PingTimeout}. */
    PING_TIMEOUT("ping-timeout");

    private final String tag;

    CloseReason(String tag) {
        this.tag = tag;
    }

    /** The kebab-case name used in {@code /actuator/httppool} and the {@code reason} meter tag. */
    public String tag() {
        return tag;
    }
}
