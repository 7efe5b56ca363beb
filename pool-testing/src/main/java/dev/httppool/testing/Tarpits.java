package dev.httppool.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.IntFunction;

/**
 * {@link ScriptServer} handlers that hold a client for as long as it lets them, as a hostile or broken peer does
 * before a connection is usable: a TLS server that never finishes its handshake (silent, or trickling one byte at
 * a time so that no single read ever times out) and a proxy that answers {@code CONNECT} one header line at a time
 * without ever ending the head. Each tarpit stops as soon as the client closes the connection (so a test can
 * watch {@link ScriptServer#awaitOpenCount} reach 0), and at the latest after {@link #STALL_LIMIT}.
 */
public final class Tarpits {

    /** How long a tarpit holds a connection whose client never gives up. */
    public static final Duration STALL_LIMIT = Duration.ofSeconds(30);

    /** The TLS record header a trickling tarpit sends: a handshake record (22), TLS 1.2, 16 KiB long. */
    static final byte[] TLS_RECORD_HEADER = {0x16, 0x03, 0x03, 0x40, 0x00};

    private Tarpits() {
    }

    /** A plain TCP server posing as TLS: it swallows the ClientHello and never answers. */
    public static ScriptServer.Handler silentTlsHandshake() {
        return conn -> {
            conn.awaitPeerClose(STALL_LIMIT);
            conn.close();
        };
    }

    /**
     * A plain TCP server posing as TLS: it answers the ClientHello with the header of a 16 KiB handshake record,
     * then sends the record's body one byte every {@code every}, so a client that bounds each read (not the
     * handshake as a whole) waits for over 16,000 intervals.
     */
    public static ScriptServer.Handler tricklingTlsHandshake(Duration every) {
        return conn -> {
            try {
                conn.write(TLS_RECORD_HEADER);
                trickle(conn, every, i -> new byte[] {i == 0 ? (byte) 0x02 : 0}); // 2: ServerHello
            } catch (IOException clientGone) {
                // the client closed the connection: that is the point
            }
            conn.close();
        };
    }

    /**
     * A forward proxy that answers {@code CONNECT} with {@code 200} and then one more header line
     * ({@code X-Trickle-<n>: x}) every {@code every}, never ending the response head.
     */
    public static ScriptServer.Handler tricklingConnectProxy(Duration every) {
        return conn -> {
            try {
                if (conn.readRequestHead() == null) {
                    return;
                }
                conn.write("HTTP/1.1 200 Connection established\r\n");
                trickle(conn, every, i -> ("X-Trickle-" + i + ": x\r\n").getBytes(StandardCharsets.ISO_8859_1));
            } catch (IOException clientGone) {
                // the client closed the connection: that is the point
            }
            conn.close();
        };
    }

    /** Writes {@code next.apply(i)} for i = 0, 1, 2… one interval apart, until the client closes or the limit. */
    private static void trickle(ScriptServer.Conn conn, Duration every, IntFunction<byte[]> next)
            throws IOException {
        long deadline = System.nanoTime() + STALL_LIMIT.toNanos();
        for (int i = 0; System.nanoTime() < deadline; i++) {
            if (conn.awaitPeerClose(every)) { // paces the trickle and swallows what the client sends
                return;
            }
            conn.write(next.apply(i));
        }
    }
}
