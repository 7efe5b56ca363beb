package dev.httppool;

/** Why a request failed without getting a connection. {@link #tag()} is the name used in meters. */
public enum RejectReason {
    /** {@code maxWaitingPerHost} requests already waited at {@code maxConnsPerHost}: {@link PoolExhaustedException}. */
    MAX_WAITING("max-waiting"),
    /** It waited at {@code maxConnsPerHost} for {@code connWaitTimeout}: {@link ConnWaitTimeoutException}. */
    WAIT_TIMEOUT("wait-timeout");

    private final String tag;

    RejectReason(String tag) {
        this.tag = tag;
    }

    /** The kebab-case name used in the {@code reason} tag of {@code http.pool.rejected}. */
    public String tag() {
        return tag;
    }
}
