package dev.httppool.internal.exchange;

import dev.httppool.RequestBody;
import java.io.IOException;

/**
 * Closes a request body exactly once per roundTrip, as Go closes {@code Request.Body} (#35015, #49621): when the
 * roundTrip is over, written or not (a failed dial, a connection lost before the body, a body the server did not
 * need), or, if a write on another thread is still running then, when that write ends. Writes on the roundTrip's
 * own thread are over before the roundTrip is, so only background writes are counted.
 */
public final class RequestBodyCloser {

    private final RequestBody body;
    /** Background writes running. Guarded by this. */
    private int writing;
    /** Whether the roundTrip is over. Guarded by this. */
    private boolean over;
    /** Guarded by this. */
    private boolean closed;

    /** @param body the request's body, or null for none */
    public RequestBodyCloser(RequestBody body) {
        this.body = body;
    }

    /** A write on another thread is about to start: call before handing it over, so the close waits for it. */
    synchronized void backgroundWriteStarting() {
        writing++;
    }

    /** That write ended, however. */
    void backgroundWriteEnded() {
        boolean close;
        synchronized (this) {
            writing--;
            close = closeNowLocked();
        }
        if (close) {
            closeQuietly();
        }
    }

    /** The roundTrip returned or threw: the body is closed now, or when the last background write ends. */
    public void roundTripOver() {
        boolean close;
        synchronized (this) {
            over = true;
            close = closeNowLocked();
        }
        if (close) {
            closeQuietly();
        }
    }

    private boolean closeNowLocked() {
        if (!over || writing > 0 || closed) {
            return false;
        }
        closed = true;
        return true;
    }

    private void closeQuietly() {
        if (body == null) {
            return;
        }
        try {
            body.close();
        } catch (IOException | RuntimeException ignored) {
            // the request's outcome is already decided; a failing close cannot change it
        }
    }
}
