package dev.httppool;

/**
 * Keys and config for the pool unit tests. Their fakes (a hand-moved ticker, dials run on demand, connections
 * without sockets) are pool-testing's {@code FakeTicker}, {@code ManualDials} and {@code FakeWire}.
 */
public final class PoolTestSupport {

    private PoolTestSupport() {
    }

    public static final ConnectMethodKey KEY_A = new ConnectMethodKey("", "http", "a.test:80", false);
    public static final ConnectMethodKey KEY_B = new ConnectMethodKey("", "http", "b.test:80", false);
    public static final ConnectMethodKey KEY_C = new ConnectMethodKey("", "http", "c.test:80", false);

    public static TransportConfig.Builder config() {
        return TransportConfig.builder();
    }
}
