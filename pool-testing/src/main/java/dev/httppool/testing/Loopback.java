package dev.httppool.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Addresses on 127.0.0.1 for tests that need the absence of a server. */
public final class Loopback {

    private Loopback() {
    }

    /**
     * A port on 127.0.0.1 where nothing listens, so a dial to it is refused: an ephemeral port bound and closed
     * again. (Another process could take it in between; on a test machine that is rare enough.)
     */
    public static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
