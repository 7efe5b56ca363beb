package dev.httppool;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * Opens TCP connections for the {@link Transport}: Go's {@code DialContext}. The returned channel must be
 * connected and in blocking mode. Called on a dialing thread, never while the pool's lock is held.
 */
@FunctionalInterface
public interface Dialer {

    /**
     * Connects to {@code host:port} within {@code timeout}.
     *
     * @throws UnknownHostException when the host does not resolve
     * @throws SocketTimeoutException when the connect timed out
     * @throws IOException on any other failure
     */
    SocketChannel dial(String host, int port, Duration timeout) throws IOException;

    /**
     * The default dialer: resolves the host, tries each address in turn within what is left of the timeout,
     * and sets {@code TCP_NODELAY} and, when {@code keepAlive} is greater than 0, TCP keep-alive with that probe
     * interval (where the platform allows setting it).
     */
    static Dialer tcp(Duration keepAlive) {
        return (host, port, timeout) -> {
            InetAddress[] addresses = InetAddress.getAllByName(host);
            long deadline = System.nanoTime() + timeout.toNanos();
            IOException last = null;
            for (InetAddress address : addresses) {
                long remainingMillis = (deadline - System.nanoTime()) / 1_000_000;
                if (remainingMillis <= 0) {
                    break;
                }
                SocketChannel ch = SocketChannel.open();
                try {
                    ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    if (!keepAlive.isZero()) {
                        ch.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
                        KeepAliveOptions.apply(ch, keepAlive);
                    }
                    ch.socket().connect(new InetSocketAddress(address, port), (int) Math.min(Integer.MAX_VALUE, remainingMillis));
                    return ch;
                } catch (IOException e) {
                    closeQuietly(ch);
                    last = e instanceof SocketTimeoutException
                            ? new SocketTimeoutException("dial tcp " + address.getHostAddress() + ":" + port + ": i/o timeout")
                            : e;
                }
            }
            if (last == null) {
                last = new SocketTimeoutException("dial tcp " + host + ":" + port + ": i/o timeout");
            }
            throw last;
        };
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing to do: the dial already failed
        }
    }

    /** Sets the keep-alive idle time and interval through {@code jdk.net}, where the platform supports it. */
    final class KeepAliveOptions {
        private KeepAliveOptions() {
        }

        static void apply(SocketChannel ch, Duration interval) throws SocketException {
            int seconds = (int) Math.max(1, Math.min(Integer.MAX_VALUE, interval.toSeconds()));
            try {
                if (ch.supportedOptions().contains(jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE)) {
                    ch.setOption(jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE, seconds);
                    ch.setOption(jdk.net.ExtendedSocketOptions.TCP_KEEPINTERVAL, seconds);
                }
            } catch (IOException | UnsupportedOperationException e) {
                // best effort: SO_KEEPALIVE is on with the system's default timing
            }
        }
    }
}
