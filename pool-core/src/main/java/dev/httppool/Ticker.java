package dev.httppool;

/**
 * A monotonic time source in nanoseconds, like {@link System#nanoTime()}. Every timeout and idle age in the
 * pool is measured with the one ticker given to the {@link Transport}, so tests can move time by hand.
 */
@FunctionalInterface
public interface Ticker {

    /** The current reading; only differences between readings mean anything. */
    long nanoTime();

    /** The JVM's monotonic clock. */
    static Ticker system() {
        return System::nanoTime;
    }
}
