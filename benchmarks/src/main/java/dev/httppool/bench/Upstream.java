package dev.httppool.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One loopback upstream of the spread benchmark (a JDK {@code HttpServer} on 127.0.0.1): answers every GET with a
 * short body, and counts the requests it served per time bucket from a start the benchmark sets, and the client
 * connections (remote ports) it saw.
 */
final class Upstream implements AutoCloseable {

    final int index;
    private final HttpServer server;
    private final ExecutorService executor;
    private final byte[] body;
    private final AtomicLongArray buckets;
    private final AtomicLong beforeStart = new AtomicLong();
    private final Set<Integer> connections = ConcurrentHashMap.newKeySet();
    private volatile long startNanos = Long.MAX_VALUE;
    private volatile long bucketNanos = 1;

    Upstream(int index, int maxBuckets) throws IOException {
        this.index = index;
        this.body = ("upstream " + index + "\n").getBytes(StandardCharsets.US_ASCII);
        this.buckets = new AtomicLongArray(maxBuckets);
        this.executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "upstream-" + index);
            t.setDaemon(true);
            return t;
        });
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    InetSocketAddress address() {
        return server.getAddress();
    }

    /** Counts requests from {@code start} on, in buckets of {@code bucket} nanoseconds. */
    void startCounting(long start, long bucket) {
        this.bucketNanos = bucket;
        this.startNanos = start;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            try (InputStream in = exchange.getRequestBody()) {
                in.transferTo(OutputStream.nullOutputStream());
            }
            connections.add(exchange.getRemoteAddress().getPort());
            long elapsed = System.nanoTime() - startNanos;
            if (elapsed < 0) {
                beforeStart.incrementAndGet();
            } else {
                long b = elapsed / bucketNanos;
                if (b < buckets.length()) {
                    buckets.incrementAndGet((int) b);
                }
            }
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    long served(int bucket) {
        return buckets.get(bucket);
    }

    long servedBeforeStart() {
        return beforeStart.get();
    }

    /** Client connections that carried at least one request. */
    int connectionsSeen() {
        return connections.size();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
