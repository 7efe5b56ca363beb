package dev.httppool.internal.connect;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads the transport runs off the caller's thread: dials (so that a waiting request can be served by a
 * connection freed meanwhile) and large request-body writes. Virtual threads where the JVM has them (21+).
 * Otherwise platform threads: at most {@link #MAX_PLATFORM_DIAL_THREADS} dials run at once, and further dials
 * wait and start in the order they came, so a server that stalls handshakes cannot grow the thread count without
 * limit (each stalled dial ends at its deadlines, {@link DialDeadlines}). A request whose dial waits is still
 * served by any connection returned meanwhile: it queues for one as well (late binding). Body writes are not
 * capped: each belongs to a request in flight, so callers bound them.
 */
public final class DialThreads {

    /** On a JVM without virtual threads: how many dials of one transport run at once. */
    public static final int MAX_PLATFORM_DIAL_THREADS = 256;

    private DialThreads() {
    }

    /** Threads for dials: virtual (21+), else platform threads capped at {@link #MAX_PLATFORM_DIAL_THREADS}. */
    public static ExecutorService newExecutor() {
        ExecutorService virtual = virtualThreads();
        return virtual != null ? virtual : bounded("httppool-dial-", MAX_PLATFORM_DIAL_THREADS);
    }

    /**
     * Threads for HTTP/2 connections' frame readers, one per connection for its whole life: virtual (21+), else
     * daemon platform threads, as many as there are connections (which {@code maxConnsPerHost} bounds). A silent
     * connection's health PING is also sent from here, briefly.
     */
    public static ExecutorService newReaderExecutor() {
        ExecutorService virtual = virtualThreads();
        return virtual != null ? virtual : Executors.newCachedThreadPool(daemons("httppool-h2-reader-"));
    }

    /** Threads for request bodies written while the response is watched for: virtual (21+), else cached. */
    public static ExecutorService newBodyWriterExecutor() {
        ExecutorService virtual = virtualThreads();
        return virtual != null ? virtual : Executors.newCachedThreadPool(daemons("httppool-body-writer-"));
    }

    /**
     * Runs at most {@code max} tasks at once on reused daemon threads named {@code prefix<n>}; further tasks wait
     * and start in the order they came.
     */
    static ExecutorService bounded(String prefix, int max) {
        return new Bounded(Executors.newCachedThreadPool(daemons(prefix)), max);
    }

    private static ExecutorService virtualThreads() {
        try {
            return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null; // Java 17: no virtual threads
        }
    }

    private static ThreadFactory daemons(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * A cap on a cached pool: a task starts on an idle or new thread while fewer than {@code max} run, otherwise it
     * waits in a FIFO queue, which each thread drains before it goes idle. Invariant: tasks wait only while
     * {@code max} run. Shutting down lets running and waiting tasks finish and refuses new ones.
     */
    private static final class Bounded extends AbstractExecutorService {
        private final ExecutorService threads;
        private final int max;
        private final Object lock = new Object();
        // Guarded by lock
        private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
        // Guarded by lock: tasks running, each on its own thread
        private int running;

        Bounded(ExecutorService threads, int max) {
            this.threads = threads;
            this.max = max;
        }

        @Override
        public void execute(Runnable task) {
            Objects.requireNonNull(task, "task");
            synchronized (lock) {
                if (threads.isShutdown()) {
                    throw new RejectedExecutionException("shut down");
                }
                if (running >= max) {
                    waiting.addLast(task);
                    return;
                }
                running++;
            }
            try {
                threads.execute(() -> runThenDrain(task));
            } catch (RuntimeException e) {
                synchronized (lock) {
                    running--; // nothing waits while fewer than max run: no task is stranded
                }
                throw e;
            }
        }

        private void runThenDrain(Runnable first) {
            Runnable task = first;
            while (task != null) {
                try {
                    task.run();
                } catch (Throwable t) { // one task's failure must not strand the ones waiting behind it
                    Thread self = Thread.currentThread();
                    self.getUncaughtExceptionHandler().uncaughtException(self, t);
                }
                synchronized (lock) {
                    task = waiting.pollFirst();
                    if (task == null) {
                        running--;
                    }
                }
            }
        }

        @Override
        public void shutdown() {
            synchronized (lock) {
                threads.shutdown();
            }
        }

        @Override
        public List<Runnable> shutdownNow() {
            List<Runnable> never;
            synchronized (lock) {
                never = new ArrayList<>(waiting);
                waiting.clear();
                threads.shutdownNow();
            }
            return never;
        }

        @Override
        public boolean isShutdown() {
            return threads.isShutdown();
        }

        @Override
        public boolean isTerminated() {
            return threads.isTerminated();
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
            return threads.awaitTermination(timeout, unit);
        }
    }
}
