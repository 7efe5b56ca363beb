package dev.httppool.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One loopback upstream of the spread benchmark: a keep-alive HTTP/1.1 server on 127.0.0.1 with a thread per
 * connection, answering every request (GETs without a body) with a short body in one write, with TCP_NODELAY (the
 * JDK's HttpServer writes head and body apart without it, and Nagle plus delayed ACKs then cost 40 ms a request).
 * It counts the requests it served per time bucket from a start the benchmark sets, and the connections it
 * accepted.
 */
final class Upstream implements AutoCloseable {

    final int index;
    private final ServerSocket server;
    private final byte[] response;
    private final AtomicLongArray buckets;
    private final AtomicLong beforeStart = new AtomicLong();
    private final AtomicInteger accepted = new AtomicInteger();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile long startNanos = Long.MAX_VALUE;
    private volatile long bucketNanos = 1;

    Upstream(int index, int maxBuckets) throws IOException {
        this.index = index;
        String body = "upstream " + index + "\n";
        this.response = ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length() + "\r\n\r\n"
                + body).getBytes(StandardCharsets.US_ASCII);
        this.buckets = new AtomicLongArray(maxBuckets);
        this.server = new ServerSocket(0, 256, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "upstream-" + index + "-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    /** Counts requests from {@code start} on, in buckets of {@code bucket} nanoseconds. */
    void startCounting(long start, long bucket) {
        this.bucketNanos = bucket;
        this.startNanos = start;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                accepted.incrementAndGet();
                open.add(s);
                Thread t = new Thread(() -> serve(s), "upstream-" + index + "-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            s.setTcpNoDelay(true);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] buf = new byte[8192];
            int matched = 0; // how much of CRLF CRLF ends the bytes read so far
            for (int n; (n = in.read(buf)) > 0; ) {
                for (int i = 0; i < n; i++) {
                    byte b = buf[i];
                    matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : b == '\r' ? 1 : 0;
                    if (matched == 4) { // end of a request head: answer it
                        matched = 0;
                        count();
                        out.write(response);
                    }
                }
            }
        } catch (IOException e) {
            // the client closed or reset: done with this connection
        } finally {
            open.remove(s);
        }
    }

    private void count() {
        long elapsed = System.nanoTime() - startNanos;
        if (elapsed < 0) {
            beforeStart.incrementAndGet();
            return;
        }
        long b = elapsed / bucketNanos;
        if (b < buckets.length()) {
            buckets.incrementAndGet((int) b);
        }
    }

    long served(int bucket) {
        return buckets.get(bucket);
    }

    long servedBeforeStart() {
        return beforeStart.get();
    }

    /** Connections accepted so far. */
    int connectionsSeen() {
        return accepted.get();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            s.close();
        }
    }
}
