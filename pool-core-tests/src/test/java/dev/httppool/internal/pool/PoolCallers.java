package dev.httppool.internal.pool;

import static java.util.concurrent.TimeUnit.SECONDS;

import dev.httppool.ClientTrace;
import dev.httppool.ConnectMethodKey;
import dev.httppool.testing.ManualDials;
import java.util.concurrent.CompletableFuture;

/** Requests made on the pool alone, for the pool's tests: each acquire on a thread of its own. */
final class PoolCallers {

    private PoolCallers() {
    }

    /** Starts an acquire off the test's thread (it blocks until a dial or a returned connection serves it). */
    static CompletableFuture<PooledConnection> acquireAsync(ConnPool pool, ConnectMethodKey key) {
        return acquireOn("acquire-" + key, pool, key).got;
    }

    /** An acquire running on a thread of its own, and what it got. */
    static final class Caller {
        final Thread thread;
        final CompletableFuture<PooledConnection> got = new CompletableFuture<>();

        private Caller(String name, ConnPool pool, ConnectMethodKey key) {
            thread = new Thread(() -> {
                try {
                    got.complete(pool.acquire(key, ClientTrace.NONE));
                } catch (Throwable e) {
                    got.completeExceptionally(e);
                }
            }, name);
            thread.setDaemon(true);
        }
    }

    /** As {@link #acquireAsync}, on a thread named {@code name} that the test may interrupt or look for by name. */
    static Caller acquireOn(String name, ConnPool pool, ConnectMethodKey key) {
        Caller c = new Caller(name, pool, key);
        c.thread.start();
        return c;
    }

    /** Dials one new connection for {@code key} through {@code dials} and returns it held. */
    static PooledConnection dialFor(ConnPool pool, ManualDials dials, ConnectMethodKey key) throws Exception {
        int before = dials.queued();
        CompletableFuture<PooledConnection> got = acquireAsync(pool, key);
        dials.awaitQueued(before + 1);
        dials.completeNext();
        return got.get(5, SECONDS);
    }
}
