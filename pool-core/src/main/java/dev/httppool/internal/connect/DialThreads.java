package dev.httppool.internal.connect;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads for dials, which run off the caller's thread so that a waiting request can be served by a
 * connection freed meanwhile. Virtual threads where the JVM has them (21+), cached daemon threads otherwise.
 */
public final class DialThreads {

    private DialThreads() {
    }

    public static ExecutorService newExecutor() {
        try {
            Object executor = Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
            return (ExecutorService) executor;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            AtomicInteger n = new AtomicInteger();
            ThreadFactory factory = r -> {
                Thread t = new Thread(r, "httppool-dial-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            };
            return Executors.newCachedThreadPool(factory);
        }
    }
}
