package dev.httppool.internal.http2;

/**
 * The rules of RFC 9113 §8.2.2 and §8.3.2 for the fields of one response header block or trailer block, checked
 * field by field as {@link HpackDecoder} passes them on: pseudo-header fields come first, only {@code :status}
 * (exactly once, three digits) and none in trailers; no connection-specific fields. A violation makes the response
 * malformed: the connection resets the stream with PROTOCOL_ERROR. One instance per block; no allocation.
 */
public final class ResponseFieldCheck {

    private final boolean trailers;
    private boolean regularSeen;
    private int status = -1;
    private String violation;

    /** A check for a header block ({@code trailers} false) or a trailer block (true). */
    public ResponseFieldCheck(boolean trailers) {
        this.trailers = trailers;
    }

    /** Checks the next field; after the first violation the others are ignored. */
    public void field(String name, String value) {
        if (violation != null) {
            return;
        }
        if (name.startsWith(":")) {
            if (trailers) {
                violation = "pseudo-header field " + name + " in trailers";
            } else if (regularSeen) {
                violation = "pseudo-header field " + name + " after a regular field";
            } else if (!name.equals(":status")) {
                violation = "pseudo-header field " + name + " in a response";
            } else if (status >= 0) {
                violation = "second :status";
            } else if (value.length() != 3 || !digit(value.charAt(0)) || !digit(value.charAt(1))
                    || !digit(value.charAt(2))) {
                violation = ":status is not three digits";
            } else {
                status = Integer.parseInt(value);
            }
            return;
        }
        regularSeen = true;
        switch (name) {
            case "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade" ->
                    violation = "connection-specific field " + name;
            default -> {
            }
        }
    }

    /** Why the block is malformed (including a header block without {@code :status}), or null. */
    public String violation() {
        if (violation == null && !trailers && status < 0) {
            return "no :status";
        }
        return violation;
    }

    /** The status code, or -1 if none (yet). */
    public int status() {
        return status;
    }

    private static boolean digit(char c) {
        return c >= '0' && c <= '9';
    }
}
