package dev.httppool.internal.pool;

import dev.httppool.ConnectMethodKey;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The keys whose latest dial brought an HTTP/2 connection, remembered after the key's connections and its entry
 * are gone, so that the next burst of requests for such a key shares one dial ({@link Waiters#queueLocked}), as a
 * burst does while one of the key's HTTP/2 connections is open, instead of each request doing a TLS handshake that
 * all but one then lose (closed unused, as Go's Transport closes them). A key whose next dial brings HTTP/1.1 is
 * forgotten, and so is one whose dial fails (a server down: the requests that come meanwhile then dial at once instead
 * of each waiting for that dial's deadline first); the requests that waited for such a dial then dial their own. Only
 * the first burst of a key the pool has never dialed still dials once per request: which protocol the server speaks
 * is known only after its handshake.
 *
 * <p>Holds at most {@link #MAX_KEYS} keys; the one dialed longest ago is forgotten first. Not thread-safe: guarded by
 * the owning pool's lock.
 */
final class Http2Keys {

    /** Keys remembered at most; each costs a map entry and keeps its key (a few strings) reachable. */
    static final int MAX_KEYS = 1024;

    private final Map<ConnectMethodKey, Boolean> keys = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ConnectMethodKey, Boolean> eldest) {
            return size() > MAX_KEYS;
        }
    };

    /**
     * A dial for {@code key} ended: with an HTTP/2 connection that takes streams ({@code multiplexed}), or with
     * another connection or none.
     */
    void dialedLocked(ConnectMethodKey key, boolean multiplexed) {
        if (multiplexed) {
            keys.remove(key); // dialed most recently now: forgotten last
            keys.put(key, Boolean.TRUE);
        } else {
            keys.remove(key);
        }
    }

    /** Whether the latest dial for {@code key} brought an HTTP/2 connection. */
    boolean spokeHttp2Locked(ConnectMethodKey key) {
        return keys.containsKey(key);
    }

    int sizeLocked() {
        return keys.size();
    }
}
