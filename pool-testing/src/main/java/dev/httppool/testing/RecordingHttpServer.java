package dev.httppool.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A well-behaved HTTP/1.1 server (the JDK's {@link HttpServer} on 127.0.0.1 and an ephemeral
 * port) that records the client's port for every exchange, so a test can count how many client
 * connections carried its requests. Requests are served concurrently by a cached pool of daemon
 * threads ({@code recording-http-server-N}).
 */
public final class RecordingHttpServer implements AutoCloseable {

    /** Handles one exchange; the exchange is closed after it returns or throws. */
    @FunctionalInterface
    public interface Handler {
        void handle(HttpExchange exchange) throws Exception;
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final List<Integer> clientPorts = new CopyOnWriteArrayList<>();
    private final List<Throwable> errors = new CopyOnWriteArrayList<>();

    private RecordingHttpServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Starts a server with no contexts; add them with {@link #handle(String, Handler)}. */
    public static RecordingHttpServer start() {
        AtomicInteger threadIds = new AtomicInteger();
        ExecutorService executor = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "recording-http-server-" + threadIds.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        try {
            InetAddress loopback = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
            HttpServer server = HttpServer.create(new InetSocketAddress(loopback, 0), 128);
            server.setExecutor(executor);
            server.start();
            return new RecordingHttpServer(server, executor);
        } catch (IOException e) {
            executor.shutdownNow();
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Serves requests whose path starts with {@code path} (the JDK's prefix matching) with
     * {@code handler}. Exceptions are recorded in {@link #handlerErrors()}; if the handler had
     * not sent response headers yet, a 500 is sent.
     */
    public void handle(String path, Handler handler) {
        server.createContext(path, exchange -> {
            clientPorts.add(exchange.getRemoteAddress().getPort());
            try {
                handler.handle(exchange);
            } catch (Throwable t) {
                errors.add(t);
                if (exchange.getResponseCode() == -1) {
                    respond(exchange, 500, t.toString());
                }
            } finally {
                exchange.close();
            }
        });
    }

    /**
     * Drains the request body and sends {@code status} with the UTF-8 {@code body} and a
     * Content-Length (none for HEAD, 1xx, 204 and 304), then closes the exchange.
     */
    public static void respond(HttpExchange exchange, int status, String body) throws IOException {
        exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        boolean noBody = "HEAD".equals(exchange.getRequestMethod()) || status / 100 == 1
                || status == 204 || status == 304;
        if (noBody) {
            exchange.sendResponseHeaders(status, -1);
        } else {
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    /** The client port of every exchange, in the order the handlers started. */
    public List<Integer> clientPorts() {
        return List.copyOf(clientPorts);
    }

    /** Distinct client ports seen, i.e. how many client connections carried requests. */
    public int distinctClientConnections() {
        return new HashSet<>(clientPorts).size();
    }

    public int requestCount() {
        return clientPorts.size();
    }

    /** Exceptions thrown by handlers. */
    public List<Throwable> handlerErrors() {
        return new ArrayList<>(errors);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code 127.0.0.1:<port>}. */
    public String address() {
        return "127.0.0.1:" + port();
    }

    /** {@code http://127.0.0.1:<port><path>}. */
    public String url(String path) {
        return "http://" + address() + path;
    }

    /** Stops the server at once (open connections are dropped) and shuts the executor down. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                throw new IllegalStateException("handler threads still running 5 s after close()");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
