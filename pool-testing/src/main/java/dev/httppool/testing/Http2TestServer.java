package dev.httppool.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * A real HTTP/2 server for tests: Jetty 12 over TLS ({@link TestTls}) on loopback, offering {@code h2} and
 * {@code http/1.1} by ALPN. It records the client connections it saw (by remote address) and serves:
 * <ul>
 *   <li>{@code /hello}: {@code hello};</li>
 *   <li>{@code /protocol}: the request's protocol, e.g. {@code HTTP/2.0};</li>
 *   <li>{@code /bytes?n=N}: N bytes of {@link #pattern} (whose SHA-256 the test computes alike);</li>
 *   <li>{@code /sha256}: reads the request body and answers its length and SHA-256 as {@code length:hex};</li>
 *   <li>{@code /hold}: waits (at most 30 s) until {@link #release()} before answering {@code held}.</li>
 *   <li>{@code /stream}: answers 200 and {@code partial}, then never ends the body: the stream stays open until the
 *   client resets it (counted by {@link #resets()}) or the server stops.</li>
 * </ul>
 */
public final class Http2TestServer implements AutoCloseable {

    private final Server server;
    private final ServerConnector connector;
    private final Set<SocketAddress> clients = ConcurrentHashMap.newKeySet();
    private final AtomicInteger holding = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger resets = new AtomicInteger();
    private volatile CountDownLatch release = new CountDownLatch(1);

    private Http2TestServer(int maxConcurrentStreams) throws Exception {
        server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        http.addCustomizer(new SecureRequestCustomizer(false));
        HttpConnectionFactory http11 = new HttpConnectionFactory(http);
        HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(http);
        h2.setMaxConcurrentStreams(maxConcurrentStreams);
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory("h2", "http/1.1");
        alpn.setDefaultProtocol(http11.getProtocol());
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setSslContext(TestTls.get().serverContext());
        SslConnectionFactory ssl = new SslConnectionFactory(tls, alpn.getProtocol());
        connector = new ServerConnector(server, ssl, alpn, h2, http11);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                serve(request, response, callback);
                return true;
            }
        });
        server.start();
    }

    /** A server allowing 128 concurrent streams per connection. */
    public static Http2TestServer start() throws Exception {
        return start(128);
    }

    /** A server whose SETTINGS_MAX_CONCURRENT_STREAMS is {@code maxConcurrentStreams}. */
    public static Http2TestServer start(int maxConcurrentStreams) throws Exception {
        return new Http2TestServer(maxConcurrentStreams);
    }

    private void serve(Request request, Response response, Callback callback) throws Exception {
        clients.add(request.getConnectionMetaData().getRemoteSocketAddress());
        requests.incrementAndGet();
        String path = Request.getPathInContext(request);
        String query = request.getHttpURI().getQuery();
        byte[] body;
        switch (path) {
            case "/hello" -> body = ascii("hello");
            case "/protocol" -> body = ascii(request.getConnectionMetaData().getProtocol());
            case "/sha256" -> {
                MessageDigest sha = sha256();
                long length = 0;
                try (InputStream in = Content.Source.asInputStream(request)) {
                    byte[] buf = new byte[64 * 1024];
                    for (int n; (n = in.read(buf)) >= 0; ) {
                        sha.update(buf, 0, n);
                        length += n;
                    }
                }
                body = ascii(length + ":" + HexFormat.of().formatHex(sha.digest()));
            }
            case "/bytes" -> {
                long n = Long.parseLong(query.substring(query.indexOf("n=") + 2));
                response.getHeaders().put("Content-Length", n);
                try (OutputStream out = Content.Sink.asOutputStream(response)) {
                    byte[] buf = new byte[64 * 1024];
                    for (long sent = 0; sent < n; ) {
                        int k = (int) Math.min(buf.length, n - sent);
                        for (int i = 0; i < k; i++) {
                            buf[i] = pattern(sent + i);
                        }
                        out.write(buf, 0, k);
                        sent += k;
                    }
                }
                callback.succeeded();
                return;
            }
            case "/stream" -> {
                request.addFailureListener(failure -> {
                    resets.incrementAndGet();
                    callback.failed(failure);
                });
                response.getHeaders().put("Content-Type", "text/plain");
                response.write(false, java.nio.ByteBuffer.wrap(ascii("partial")), Callback.NOOP);
                return; // the body never ends: the callback completes when the stream fails
            }
            case "/hold" -> {
                holding.incrementAndGet();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } finally {
                    holding.decrementAndGet();
                }
                body = ascii("held");
            }
            default -> {
                Response.writeError(request, response, callback, 404);
                return;
            }
        }
        response.getHeaders().put("Content-Type", "text/plain");
        response.getHeaders().put("Content-Length", body.length);
        response.write(true, java.nio.ByteBuffer.wrap(body), callback);
    }

    /** The byte at {@code offset} of every {@code /bytes} body. */
    public static byte pattern(long offset) {
        return (byte) (offset * 31 + (offset >>> 11));
    }

    /** The SHA-256 of the first {@code n} bytes of {@link #pattern}, in hex. */
    public static String patternSha256(long n) {
        MessageDigest sha = sha256();
        byte[] buf = new byte[64 * 1024];
        for (long done = 0; done < n; ) {
            int k = (int) Math.min(buf.length, n - done);
            for (int i = 0; i < k; i++) {
                buf[i] = pattern(done + i);
            }
            sha.update(buf, 0, k);
            done += k;
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** {@code https://127.0.0.1:port} + {@code path}. */
    public String url(String path) {
        return "https://127.0.0.1:" + port() + path;
    }

    public int port() {
        return connector.getLocalPort();
    }

    /** The client connections that carried at least one request. */
    public int connectionsSeen() {
        return clients.size();
    }

    /** The client ports of the connections that carried requests (a client's local port names its connection). */
    public Set<Integer> clientPortsSeen() {
        Set<Integer> ports = new java.util.HashSet<>();
        for (SocketAddress a : clients) {
            ports.add(((InetSocketAddress) a).getPort());
        }
        return ports;
    }

    /** Requests served or being served. */
    public int requests() {
        return requests.get();
    }

    /** {@code /stream} requests that ended by a failure of their stream (the client's RST_STREAM). */
    public int resets() {
        return resets.get();
    }

    /** Requests to {@code /hold} waiting now. */
    public int holding() {
        return holding.get();
    }

    /** Lets every waiting {@code /hold} answer, and later ones pass at once. */
    public void release() {
        release.countDown();
    }

    /** Makes {@code /hold} wait again. */
    public void rearm() {
        release = new CountDownLatch(1);
    }

    /** The local address of the connector. */
    public InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", port());
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws IOException {
        release();
        try {
            server.stop();
        } catch (Exception e) {
            throw new IOException("could not stop the HTTP/2 test server", e);
        }
    }
}
