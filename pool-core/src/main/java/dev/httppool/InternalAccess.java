package dev.httppool;

import dev.httppool.internal.ApiAccess;
import java.io.InputStream;
import java.util.function.Supplier;
import java.net.URI;

/** Registers this package's non-public constructors and accessors with the engine (see {@link ApiAccess}). */
final class InternalAccess extends ApiAccess {

    static {
        ApiAccess.register(new InternalAccess());
    }

    private InternalAccess() {
    }

    @Override
    public Response newResponse(Request request, int status, String reason, String protocol, Headers headers,
            InputStream body, long contentLength, boolean uncompressed, Supplier<Headers> trailers) {
        return new Response(request, status, reason, protocol, headers, body, contentLength, uncompressed,
                trailers);
    }

    @Override
    public ConnWaitTimeoutException newConnWaitTimeout(ConnectMethodKey key, long waitedMillis,
            PoolSnapshot.KeyStats stats) {
        return new ConnWaitTimeoutException(key, waitedMillis, stats);
    }

    @Override
    public PoolExhaustedException newPoolExhausted(ConnectMethodKey key, int maxWaiting, PoolSnapshot.KeyStats stats) {
        return new PoolExhaustedException(key, maxWaiting, stats);
    }

    @Override
    public Headers.Builder headersBuilder(int fields) {
        return Headers.builder(fields);
    }

    @Override
    public Headers wrapHeaders(String[] namesAndValues, int size) {
        return Headers.wrapTrusted(namesAndValues, size);
    }

    @Override
    public Headers.Builder addTrusted(Headers.Builder builder, String name, String value) {
        return builder.addTrusted(name, value);
    }

    @Override
    public URI proxyUri(ConnectMethodKey key) {
        return key.proxyUri();
    }
}
