package dev.httppool.internal;

import dev.httppool.ConnWaitTimeoutException;
import dev.httppool.ConnectMethodKey;
import dev.httppool.Headers;
import dev.httppool.PoolExhaustedException;
import dev.httppool.PoolSnapshot;
import dev.httppool.Request;
import dev.httppool.Response;
import java.io.InputStream;
import java.util.function.Supplier;
import java.net.URI;

/**
 * The engine's door into the API package: what the internal packages need of the API types that users must not
 * see (constructors of results, unchecked header building, the proxy with its credentials). The API package
 * registers the one implementation when it is initialised; nothing outside this module can reach it, because
 * this package is not exported.
 */
public abstract class ApiAccess {

    private static volatile ApiAccess registered;

    /** Called once, by the API package. */
    public static void register(ApiAccess access) {
        if (registered != null) {
            throw new IllegalStateException("ApiAccess is already registered");
        }
        registered = access;
    }

    /** The registered implementation; initialises the API package when needed. */
    public static ApiAccess get() {
        return Holder.INSTANCE;
    }

    private static final class Holder {
        static final ApiAccess INSTANCE = load();

        private static ApiAccess load() {
            try {
                Class.forName("dev.httppool.InternalAccess", true, ApiAccess.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("the API package of httppool is missing", e);
            }
            return registered;
        }
    }

    /** A response; {@code trailers} answers {@link Response#trailers()}. */
    public abstract Response newResponse(Request request, int status, String reason, String protocol, Headers headers,
            InputStream body, long contentLength, boolean uncompressed, Supplier<Headers> trailers);

    public abstract ConnWaitTimeoutException newConnWaitTimeout(ConnectMethodKey key, long waitedMillis,
            PoolSnapshot.KeyStats stats);

    public abstract PoolExhaustedException newPoolExhausted(ConnectMethodKey key, int maxWaiting,
            PoolSnapshot.KeyStats stats);

    /** A header builder with room for {@code fields} fields, for headers the engine builds itself. */
    public abstract Headers.Builder headersBuilder(int fields);

    /**
     * Headers over the first {@code size} name/value pairs of {@code namesAndValues}, without a copy or checks:
     * only for fields parsed strictly, and an array nobody writes to afterwards.
     */
    public abstract Headers wrapHeaders(String[] namesAndValues, int size);

    /** Adds a field the engine built itself, skipping the checks that guard user input. */
    public abstract Headers.Builder addTrusted(Headers.Builder builder, String name, String value);

    /** The key's proxy with its credentials, or null; never shown anywhere. */
    public abstract URI proxyUri(ConnectMethodKey key);
}
