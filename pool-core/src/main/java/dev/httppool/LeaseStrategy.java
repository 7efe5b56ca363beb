package dev.httppool;

/** Which of a key's idle connections is handed out next. */
public enum LeaseStrategy {
    /** The most recently used one, as Go does: the others age and the idle timeout trims them. */
    LIFO("lifo"),
    /**
     * The least recently used one: every idle connection is used in turn, which spreads requests over all of them
     * (for instance over the servers behind a load balancer that each connection landed on).
     */
    FIFO("fifo");

    private final String tag;

    LeaseStrategy(String tag) {
        this.tag = tag;
    }

    /** The name used in {@code http.pool.lease-strategy} and {@code /actuator/httppool}. */
    public String tag() {
        return tag;
    }
}
