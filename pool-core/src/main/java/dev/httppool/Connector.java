package dev.httppool;

import dev.httppool.http1.WireConnection;
import java.io.IOException;

/** Builds a ready-to-use connection for a key (TCP, TLS, ...); runs on a dialing thread, outside the lock. */
@FunctionalInterface
interface Connector {
    WireConnection connect(ConnectMethodKey key, ClientTrace trace) throws IOException;
}
