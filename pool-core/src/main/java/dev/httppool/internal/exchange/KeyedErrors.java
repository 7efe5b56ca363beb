package dev.httppool.internal.exchange;

import dev.httppool.ConnectMethodKey;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;

/**
 * Makes every failure say which pool key it concerns, without changing what kind of failure it is: a
 * {@code ConnectException} stays a {@code ConnectException}, a timeout a {@code SocketTimeoutException}, so
 * callers can still catch by type. The original is kept as the cause.
 */
public final class KeyedErrors {

    private KeyedErrors() {
    }

    public static IOException withKey(IOException e, ConnectMethodKey key) {
        String shown = key.toString();
        String message = e.getMessage();
        if (message != null && message.contains(shown)) {
            return e;
        }
        String described = (message == null ? e.getClass().getSimpleName() : message) + " (" + shown + ")";
        if (e instanceof java.nio.channels.ClosedByInterruptException) {
            // The thread was interrupted in a socket operation (which closed the connection): say so by type.
            java.io.InterruptedIOException interrupted = new java.io.InterruptedIOException(
                    "interrupted during I/O on " + shown + "; the connection was closed");
            interrupted.initCause(e);
            return interrupted;
        }
        try {
            Class<? extends IOException> type = e.getClass();
            if (Modifier.isPublic(type.getModifiers())) {
                Constructor<? extends IOException> c = type.getConstructor(String.class);
                IOException same = c.newInstance(described);
                same.initCause(e);
                return same;
            }
        } catch (ReflectiveOperationException | RuntimeException ignored) {
            // no (String) constructor, or initCause refused: wrap instead
        }
        return new IOException(described, e);
    }
}
