package dev.httppool.testing;

import java.util.concurrent.Executor;

/**
 * Where tests run their asynchronous callers: one new daemon thread per task. Not the common fork-join pool,
 * which has a single worker on a 2-CPU machine (and {@code CompletableFuture} uses it there on newer JDKs): one
 * caller left blocked by a test would stall every later test's callers.
 */
public final class Async {

    /** Runs each task on a thread of its own, named after the test-side caller it is. */
    public static final Executor THREADS = task -> {
        Thread t = new Thread(task, "test-caller");
        t.setDaemon(true);
        t.start();
    };

    private Async() {
    }
}
