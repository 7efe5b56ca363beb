package dev.httppool.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * A well-behaved loopback HTTP/1.1 server for tests: the JDK's {@link HttpServer} (or {@link HttpsServer} with
 * {@link TestTls}) on an ephemeral port. Handlers are registered per exact path; a request for any other path gets
 * a 404. Every request is recorded with the client port it came from (one port per connection, so reuse is
 * asserted from the server side) and queued for {@link #takeRequest()}. Requests are served concurrently by daemon
 * threads ({@code test-server-N}). For byte-exact or misbehaving responses use {@link ScriptServer}.
 */
public final class TestServer implements AutoCloseable {

    /** Answers one request; {@code body} is the request body, already read. */
    @FunctionalInterface
    public interface Handler {
        void handle(HttpExchange exchange, byte[] body) throws Exception;
    }

    /** A request as the server saw it; header names in lower case. */
    public record Recorded(String method, String target, Map<String, List<String>> headers, byte[] body,
            int clientPort) {

        /** The values of header {@code name} joined by ", ", or null. */
        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? null : String.join(", ", values);
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private static final long CLOSE_TIMEOUT_SECONDS = 5;
    private static final long TAKE_TIMEOUT_SECONDS = 5;

    private final HttpServer server;
    private final ExecutorService executor;
    private final String scheme;
    private final Map<String, Handler> handlers = new ConcurrentHashMap<>();
    private final List<Recorded> received = new ArrayList<>(); // guarded by itself
    private final BlockingQueue<Recorded> untaken = new LinkedBlockingQueue<>();
    private final List<Throwable> errors = new CopyOnWriteArrayList<>();

    private TestServer(String address, SSLContext tls) {
        AtomicInteger threadIds = new AtomicInteger();
        executor = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "test-server-" + threadIds.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        try {
            InetSocketAddress bind = new InetSocketAddress(InetAddress.getByName(address), 0);
            if (tls != null) {
                HttpsServer https = HttpsServer.create(bind, 128);
                https.setHttpsConfigurator(new HttpsConfigurator(tls));
                server = https;
                scheme = "https";
            } else {
                server = HttpServer.create(bind, 128);
                scheme = "http";
            }
        } catch (IOException e) {
            executor.shutdownNow();
            throw new UncheckedIOException(e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::dispatch);
        server.start();
    }

    /** A server on 127.0.0.1. */
    public static TestServer start() {
        return new TestServer("127.0.0.1", null);
    }

    /** A server on another loopback address, e.g. 127.0.0.2, to play a second host. */
    public static TestServer start(String loopbackAddress) {
        return new TestServer(loopbackAddress, null);
    }

    /** An HTTPS server on 127.0.0.1 presenting {@link TestTls}'s certificate. */
    public static TestServer startHttps() {
        return new TestServer("127.0.0.1", TestTls.get().serverContext());
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code <ip>:<port>}, as in the pool key. */
    public String address() {
        return server.getAddress().getAddress().getHostAddress() + ":" + port();
    }

    /** {@code http://<ip>:<port><path>} ({@code https} for {@link #startHttps()}). */
    public String url(String path) {
        return scheme + "://" + address() + path;
    }

    /** Answers requests for exactly {@code path} with {@code handler}, replacing an earlier one. */
    public TestServer on(String path, Handler handler) {
        handlers.put(path, handler);
        return this;
    }

    /** Answers {@code path} with 200 and {@code text}. */
    public TestServer text(String path, String text) {
        return on(path, (exchange, body) -> respond(exchange, 200, text));
    }

    /** The oldest request not taken yet, waiting at most 5 seconds for one to arrive. */
    public Recorded takeRequest() throws InterruptedException {
        Recorded request = untaken.poll(TAKE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (request == null) {
            throw new AssertionError("no request arrived within " + TAKE_TIMEOUT_SECONDS + " seconds");
        }
        return request;
    }

    /** Requests received so far, taken or not. */
    public int requestCount() {
        synchronized (received) {
            return received.size();
        }
    }

    /** The client port of every request, in arrival order. */
    public List<Integer> clientPorts() {
        synchronized (received) {
            return received.stream().map(Recorded::clientPort).toList();
        }
    }

    /** How many client connections carried requests (distinct client ports). */
    public int distinctClientConnections() {
        return new HashSet<>(clientPorts()).size();
    }

    /** Exceptions thrown by handlers, each answered with a 500 if no response had been sent. */
    public List<Throwable> handlerErrors() {
        return List.copyOf(errors);
    }

    private void dispatch(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            Recorded request = new Recorded(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                    lowerCaseHeaders(exchange), body, exchange.getRemoteAddress().getPort());
            synchronized (received) {
                received.add(request);
            }
            untaken.add(request);
            String path = exchange.getRequestURI().getPath();
            Handler handler = handlers.get(path);
            if (handler == null) {
                respond(exchange, 404, "no handler for " + path);
                return;
            }
            try {
                handler.handle(exchange, body);
            } catch (Throwable t) {
                errors.add(t);
                if (exchange.getResponseCode() == -1) {
                    respond(exchange, 500, t.toString());
                }
            }
        }
    }

    private static Map<String, List<String>> lowerCaseHeaders(HttpExchange exchange) {
        Map<String, List<String>> headers = new HashMap<>();
        exchange.getRequestHeaders().forEach((name, values) ->
                headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
        return Map.copyOf(headers);
    }

    /**
     * Sends {@code status} with the UTF-8 {@code text} and a Content-Length (no body for HEAD, 1xx, 204 and 304,
     * nor for an empty text), then closes the exchange. The server has read the request body already.
     */
    public static void respond(HttpExchange exchange, int status, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        boolean noBody = "HEAD".equals(exchange.getRequestMethod()) || status / 100 == 1 || status == 204
                || status == 304 || bytes.length == 0;
        exchange.sendResponseHeaders(status, noBody ? -1 : bytes.length);
        if (!noBody) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
        exchange.close();
    }

    /** Sends a redirect to {@code location} with a short body. */
    public static void redirect(HttpExchange exchange, int status, String location) throws IOException {
        exchange.getResponseHeaders().add("Location", location);
        respond(exchange, status, "moved");
    }

    /** Stops at once (open connections are dropped) and waits up to 5 seconds for the handler threads to end. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("handler threads still running " + CLOSE_TIMEOUT_SECONDS
                        + " s after close()");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
