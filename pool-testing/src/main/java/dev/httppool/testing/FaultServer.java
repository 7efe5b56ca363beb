package dev.httppool.testing;

import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * A {@link ScriptServer} handler that misbehaves on request: a request for {@code /fault/<name>} (a
 * {@link Fault} in lower case with dashes) gets that fault, any other request gets {@code 200} with the
 * body {@code ok <target>} on a kept-alive connection ({@code ?close} in the target: with {@code Connection:
 * close}; {@code ?unsolicited}: followed at once by a second, unsolicited response on the same connection). Every
 * fault ends its connection from the server's side (so a faulty connection is never reused by the pool). It counts
 * how many times each fault was served.
 */
public final class FaultServer {

    /** What a server does wrong, one request at a time. */
    public enum Fault {
        /** Half a status line and headers, then a TCP reset. */
        RESET_MID_HEADERS,
        /** Headers promising 1000 bytes, 10 of them, then a TCP reset. */
        RESET_MID_BODY,
        /** Reads the request and closes the connection without sending a byte. */
        EOF_BEFORE_ANY_BYTE,
        /** Content-Length 100, 10 bytes, then close. */
        TRUNCATED_CONTENT_LENGTH,
        /** A chunked body cut in the middle of a chunk, then close. */
        TRUNCATED_CHUNKED,
        /** Not an HTTP status line at all. */
        GARBAGE_STATUS_LINE,
        /** A header line without a colon. */
        GARBAGE_HEADER,
        /** 64 KiB of headers (tests set a smaller {@code maxResponseHeaderBytes}). */
        OVERSIZE_HEADERS,
        /** Trickles header bytes, one every 20 ms, until the client gives up. */
        SLOW_LORIS,
        /** Reads the request and never answers until the client gives up. */
        NEVER_ANSWERS,
        /** Both Content-Length and Transfer-Encoding: request smuggling material. */
        CONTENT_LENGTH_AND_CHUNKED,
        /** Two different Content-Length values. */
        CONFLICTING_CONTENT_LENGTHS;

        /** {@code /fault/reset-mid-headers} and so on. */
        public String path() {
            return "/fault/" + name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        static Fault ofPath(String target) {
            if (!target.startsWith("/fault/")) {
                return null;
            }
            String name = target.substring("/fault/".length());
            int q = name.indexOf('?');
            name = q < 0 ? name : name.substring(0, q);
            return valueOf(name.toUpperCase(Locale.ROOT).replace('-', '_'));
        }
    }

    /** Bounds how long a stalling fault waits for the client to give up. */
    private static final Duration STALL_LIMIT = Duration.ofSeconds(20);

    private final Map<Fault, AtomicLong> served = new ConcurrentHashMap<>();
    private final AtomicLong healthy = new AtomicLong();
    private final Set<String> closeEvery;

    private FaultServer(Set<String> closeEvery) {
        this.closeEvery = closeEvery;
    }

    /** A fault server; healthy requests whose target contains {@code ?close} are answered with Connection: close. */
    public static FaultServer create() {
        return new FaultServer(Set.of("?close"));
    }

    /** The handler to start a {@link ScriptServer} with. */
    public ScriptServer.Handler handler() {
        return conn -> {
            ScriptServer.Request request;
            while ((request = conn.readRequest()) != null) {
                Fault fault = Fault.ofPath(request.target());
                if (fault == null) {
                    healthy.incrementAndGet();
                    if (request.target().contains("?unsolicited")) {
                        // A complete answer, then a second, unasked-for one in the same write: the pool must
                        // not hand this connection to anyone else.
                        String body = "ok " + request.target();
                        conn.write("HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body
                                + "HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nsmuggled");
                        continue;
                    }
                    if (closeEvery.stream().anyMatch(request.target()::contains)) {
                        conn.respond(200, "ok " + request.target(), "Connection: close");
                        return;
                    }
                    conn.respond(200, "ok " + request.target());
                    continue;
                }
                served.computeIfAbsent(fault, f -> new AtomicLong()).incrementAndGet();
                misbehave(conn, fault);
                return;
            }
        };
    }

    /** How many times each fault was served, by name. */
    public Map<String, Long> servedCounts() {
        return served.entrySet().stream().collect(Collectors.toMap(e -> e.getKey().name(), e -> e.getValue().get()));
    }

    /** How many healthy requests were answered. */
    public long healthyCount() {
        return healthy.get();
    }

    private static void misbehave(ScriptServer.Conn conn, Fault fault) throws IOException {
        switch (fault) {
            case RESET_MID_HEADERS:
                conn.write("HTTP/1.1 200 OK\r\nContent-Type: text/pl");
                conn.reset();
                break;
            case RESET_MID_BODY:
                conn.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n0123456789");
                conn.reset();
                break;
            case EOF_BEFORE_ANY_BYTE:
                conn.close();
                break;
            case TRUNCATED_CONTENT_LENGTH:
                conn.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789");
                conn.close();
                break;
            case TRUNCATED_CHUNKED:
                conn.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\n0123456789\r\n5\r\nab");
                conn.close();
                break;
            case GARBAGE_STATUS_LINE:
                conn.write("SSH-2.0-OpenSSH_9.6\r\n\r\n");
                conn.close();
                break;
            case GARBAGE_HEADER:
                conn.write("HTTP/1.1 200 OK\r\nthis line has no colon\r\nContent-Length: 2\r\n\r\nok");
                conn.close();
                break;
            case OVERSIZE_HEADERS:
                StringBuilder head = new StringBuilder("HTTP/1.1 200 OK\r\n");
                for (int i = 0; i < 64; i++) {
                    head.append("X-Padding-").append(i).append(": ").append("p".repeat(1000)).append("\r\n");
                }
                conn.write(head.append("Content-Length: 2\r\n\r\nok").toString());
                conn.close();
                break;
            case SLOW_LORIS:
                String trickle = "HTTP/1.1 200 OK\r\nX-Slow: " + "s".repeat(10_000);
                long deadline = System.nanoTime() + STALL_LIMIT.toNanos();
                try {
                    for (int i = 0; i < trickle.length() && System.nanoTime() < deadline; i++) {
                        conn.write(trickle.substring(i, i + 1));
                        if (conn.awaitPeerClose(Duration.ofMillis(20))) { // paces the trickle; true: client gone
                            break;
                        }
                    }
                } catch (IOException clientGone) {
                    // the client closed the connection: that is the point
                }
                conn.close();
                break;
            case NEVER_ANSWERS:
                conn.awaitPeerClose(STALL_LIMIT);
                conn.close();
                break;
            case CONTENT_LENGTH_AND_CHUNKED:
                conn.write("HTTP/1.1 200 OK\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nsmuggled");
                conn.awaitPeerClose(STALL_LIMIT);
                break;
            case CONFLICTING_CONTENT_LENGTHS:
                conn.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 10\r\n\r\nok"
                        + "HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nsmuggled");
                conn.awaitPeerClose(STALL_LIMIT);
                break;
            default:
                throw new IllegalStateException("unknown fault " + fault);
        }
    }
}
