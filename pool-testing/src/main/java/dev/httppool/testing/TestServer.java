package dev.httppool.spring.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * A loopback HTTP/1.1 server for tests: handlers by path, and a record of every request with the client port it
 * came from (one port per connection, so reuse is asserted from the server side).
 */
public final class TestServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Map<String, Handler> handlers = new ConcurrentHashMap<>();
    private final BlockingQueue<Recorded> requests = new LinkedBlockingQueue<>();

    private final String scheme;

    private TestServer(String address, SSLContext tls) throws IOException {
        InetSocketAddress bind = new InetSocketAddress(InetAddress.getByName(address), 0);
        if (tls != null) {
            HttpsServer https = HttpsServer.create(bind, 0);
            https.setHttpsConfigurator(new HttpsConfigurator(tls));
            server = https;
            scheme = "https";
        } else {
            server = HttpServer.create(bind, 0);
            scheme = "http";
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** A server on 127.0.0.1. */
    public static TestServer start() throws IOException {
        return new TestServer("127.0.0.1", null);
    }

    /** An HTTPS server on 127.0.0.1 presenting {@link TestCertificate}. */
    public static TestServer startHttps() throws IOException {
        return new TestServer("127.0.0.1", TestCertificate.serverContext());
    }

    /** A server on another loopback address, e.g. 127.0.0.2, to play a second host. */
    public static TestServer start(String loopbackAddress) throws IOException {
        return new TestServer(loopbackAddress, null);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://host:port} + path. */
    public String url(String path) {
        return scheme + "://" + server.getAddress().getAddress().getHostAddress() + ":" + port() + path;
    }

    /** The {@code host:port} of the pool key. */
    public String address() {
        return server.getAddress().getAddress().getHostAddress() + ":" + port();
    }

    public TestServer on(String path, Handler handler) {
        handlers.put(path, handler);
        return this;
    }

    /** Answers {@code path} with 200 and {@code text}. */
    public TestServer text(String path, String text) {
        return on(path, (exchange, body) -> respond(exchange, 200, text));
    }

    /** The next request received, waiting at most 5 seconds. */
    public Recorded takeRequest() throws InterruptedException {
        Recorded r = requests.poll(5, TimeUnit.SECONDS);
        if (r == null) {
            throw new AssertionError("no request arrived within 5 seconds");
        }
        return r;
    }

    public int requestCount() {
        return requests.size();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            requests.add(new Recorded(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                    Map.copyOf(lowerCase(exchange)), body, exchange.getRemoteAddress().getPort()));
            Handler handler = handlers.get(exchange.getRequestURI().getPath());
            if (handler == null) {
                respond(exchange, 404, "no handler for " + exchange.getRequestURI().getPath());
                return;
            }
            handler.handle(exchange, body);
        }
    }

    private static Map<String, List<String>> lowerCase(HttpExchange exchange) {
        Map<String, List<String>> headers = new ConcurrentHashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(), List.copyOf(values)));
        return headers;
    }

    /** Writes a response with a Content-Length. */
    public static void respond(HttpExchange exchange, int status, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** Writes a redirect with a short body. */
    public static void redirect(HttpExchange exchange, int status, String location) throws IOException {
        exchange.getResponseHeaders().add("Location", location);
        respond(exchange, status, "moved");
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /** Handles one request; {@code body} is the request body already read. */
    @FunctionalInterface
    public interface Handler {
        void handle(HttpExchange exchange, byte[] body) throws IOException;
    }

    /** A request as the server saw it; header names in lower case. */
    public record Recorded(String method, String target, Map<String, List<String>> headers, byte[] body,
            int clientPort) {

        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase());
            return values == null ? null : String.join(", ", values);
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }
}
