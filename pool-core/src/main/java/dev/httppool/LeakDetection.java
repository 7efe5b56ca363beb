package dev.httppool;

/**
 * How a leaked connection was noticed (see {@link TransportListener#leaked}). {@link #tag()} is the name used in
 * meters.
 */
public enum LeakDetection {
    /**
     * A request held its connection longer than {@code leakDetectionThreshold} (its response body neither read to
     * the end nor closed yet). Reported once per request; the connection is left alone.
     */
    THRESHOLD("threshold"),
    /**
     * A response became unreachable before its body was read to the end or closed: its connection was closed and
     * its slot under {@code maxConnsPerHost} freed.
     */
    UNREACHABLE("unreachable");

    private final String tag;

    LeakDetection(String tag) {
        this.tag = tag;
    }

    /** The lower-case name used in the {@code detection} meter tag. */
    public String tag() {
        return tag;
    }
}
