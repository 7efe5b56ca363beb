package dev.httppool.internal.exchange;

import dev.httppool.ClientTrace;
import dev.httppool.Headers;

/**
 * Which of {@link ClientTrace}'s interim-response hooks a trace implements, told once per trace class. Go's
 * transport stops counting an interim response toward the header limit once a hook received it (the receiver is
 * then the one to bound them); a hook left at its empty default receives nothing.
 */
final class TraceHooks {

    private static final ClassValue<Boolean> GOT_1XX = overrides("got1xxResponse", int.class, Headers.class);
    private static final ClassValue<Boolean> GOT_100 = overrides("got100Continue");

    private TraceHooks() {
    }

    /** Whether the interim response {@code status} reaches a hook of {@code trace} that does something. */
    static boolean receivesInterim(ClientTrace trace, int status) {
        Class<?> type = trace.getClass();
        return GOT_1XX.get(type) || status == 100 && GOT_100.get(type);
    }

    private static ClassValue<Boolean> overrides(String name, Class<?>... parameterTypes) {
        return new ClassValue<>() {
            @Override
            protected Boolean computeValue(Class<?> type) {
                try {
                    return type.getMethod(name, parameterTypes).getDeclaringClass() != ClientTrace.class;
                } catch (NoSuchMethodException e) {
                    throw new IllegalStateException("ClientTrace has no " + name, e);
                }
            }
        };
    }
}
