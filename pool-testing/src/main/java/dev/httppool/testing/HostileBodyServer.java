package dev.httppool.testing;

import dev.httppool.Dialer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link ScriptServer} handler whose response bodies cost a client that stops reading: a request for
 * {@code /hostile/<name>} (a {@link Body} in lower case with dashes) gets a body that never ends, sent slowly or
 * wrapped in framing, until the client closes the connection; any other request gets {@code 200} with the body
 * {@code ok <target>} on a kept-alive connection. It counts the body bytes it managed to hand to its socket (after
 * the response head, framing included) for each kind: with a client whose receive buffer is small (see
 * {@link #smallReceiveBufferDialer}) and the server's small send buffer, that is close to what the client read.
 */
public final class HostileBodyServer {

    /** What the never-ending body looks like. */
    public enum Body {
        /** {@code Content-Length: 100000} (less than a drain may read), then one byte every 50 ms. */
        TRICKLE,
        /** Chunked, one 1-byte chunk every 50 ms. */
        TRICKLE_CHUNKED,
        /** Chunked, endless 4 KiB chunks of data as fast as the client takes them. */
        ENDLESS_CHUNKED,
        /**
         * Chunked, endless 1-byte chunks each carrying a 13-byte extension ({@code ;ext=12345678}): 19 wire bytes per
         * data byte, within
         * what a client lets framing cost (16 bytes a chunk besides twice its data), so only a limit on wire bytes
         * stops a drain early.
         */
        FRAMING_HEAVY,
        /** Chunked, endless 1-byte chunks each carrying a 4,000-byte chunk extension. */
        EXTENSION_FLOOD;

        /** {@code /hostile/trickle} and so on. */
        public String path() {
            return "/hostile/" + name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        static Body ofPath(String target) {
            if (!target.startsWith("/hostile/")) {
                return null;
            }
            String name = target.substring("/hostile/".length());
            int q = name.indexOf('?');
            name = q < 0 ? name : name.substring(0, q);
            return valueOf(name.toUpperCase(Locale.ROOT).replace('-', '_'));
        }
    }

    /** How often the trickling bodies send a byte. */
    public static final Duration TRICKLE_INTERVAL = Duration.ofMillis(50);
    /** The server's send buffer while sending a hostile body. */
    public static final int SEND_BUFFER = 16 * 1024;
    /** Bounds how long one hostile body goes on when the client never gives up. */
    private static final Duration STALL_LIMIT = Duration.ofSeconds(20);
    /** Bounds how much one hostile body sends when the client never gives up. */
    private static final long SEND_LIMIT = 256L * 1024 * 1024;

    private final Map<Body, AtomicLong> sent = new ConcurrentHashMap<>();
    private final AtomicLong healthy = new AtomicLong();

    private HostileBodyServer() {
    }

    public static HostileBodyServer create() {
        return new HostileBodyServer();
    }

    /**
     * A dialer to 127.0.0.1 whose sockets have a receive buffer of {@code bytes} (set before connecting, which also
     * stops the kernel growing it), so a server cannot get far ahead of what the client has read.
     */
    public static Dialer smallReceiveBufferDialer(int bytes) {
        return (host, port, timeout) -> {
            SocketChannel ch = SocketChannel.open();
            try {
                ch.setOption(StandardSocketOptions.SO_RCVBUF, bytes);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                ch.socket().connect(new InetSocketAddress("127.0.0.1", port), (int) timeout.toMillis());
                return ch;
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
        };
    }

    /** The handler to start a {@link ScriptServer} with. */
    public ScriptServer.Handler handler() {
        return conn -> {
            ScriptServer.Request request;
            while ((request = conn.readRequest()) != null) {
                Body body = Body.ofPath(request.target());
                if (body == null) {
                    healthy.incrementAndGet();
                    conn.respond(200, "ok " + request.target());
                    continue;
                }
                AtomicLong count = sent.computeIfAbsent(body, b -> new AtomicLong());
                conn.socket().setSendBufferSize(SEND_BUFFER);
                try {
                    send(conn, body, count);
                } catch (IOException clientGone) {
                    // the client closed the connection: that is how every hostile body ends
                }
                conn.close();
                return;
            }
        };
    }

    /** The body bytes (framing included) handed to the socket for {@code body} so far, over all requests. */
    public long bytesSent(Body body) {
        AtomicLong count = sent.get(body);
        return count == null ? 0 : count.get();
    }

    /** How many healthy requests were answered. */
    public long healthyCount() {
        return healthy.get();
    }

    private static void send(ScriptServer.Conn conn, Body body, AtomicLong count) throws IOException {
        boolean chunked = body != Body.TRICKLE;
        conn.write("HTTP/1.1 200 OK\r\n" + (chunked ? "Transfer-Encoding: chunked" : "Content-Length: 100000")
                + "\r\n\r\n");
        byte[] piece = piece(body);
        long deadline = System.nanoTime() + STALL_LIMIT.toNanos();
        boolean trickle = body == Body.TRICKLE || body == Body.TRICKLE_CHUNKED;
        while (System.nanoTime() - deadline < 0 && count.get() < SEND_LIMIT) {
            conn.write(piece);
            count.addAndGet(piece.length);
            if (trickle && conn.awaitPeerClose(TRICKLE_INTERVAL)) { // paces the trickle; true: the client left
                return;
            }
        }
    }

    /** What one write sends: a byte of a trickle, or a run of chunks. */
    private static byte[] piece(Body body) {
        switch (body) {
            case TRICKLE:
                return new byte[] {'x'};
            case TRICKLE_CHUNKED:
                return ascii("1\r\nx\r\n");
            case ENDLESS_CHUNKED:
                return ascii("1000\r\n" + "x".repeat(4096) + "\r\n");
            case FRAMING_HEAVY:
                return ascii("1;ext=12345678\r\nx\r\n".repeat(200));
            case EXTENSION_FLOOD:
                return ascii("1;" + "e".repeat(4000) + "\r\nx\r\n");
            default:
                throw new IllegalStateException("unknown body " + body);
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
