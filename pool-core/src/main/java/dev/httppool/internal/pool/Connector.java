package dev.httppool.internal.pool;

import dev.httppool.ClientTrace;
import dev.httppool.ConnectMethodKey;
import dev.httppool.internal.exchange.WireConnection;
import java.io.IOException;

/** Builds a ready-to-use connection for a key (TCP, TLS, ...); runs on a dialing thread, outside the lock. */
@FunctionalInterface
public interface Connector {
    WireConnection connect(ConnectMethodKey key, ClientTrace trace) throws IOException;
}
