package dev.httppool.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A forward HTTP proxy on loopback for tests: relays absolute-form requests (one upstream connection per
 * client connection) and opens {@code CONNECT} tunnels, optionally demanding Basic credentials. It records
 * every request head it saw (so a test can prove that a header never reached the proxy), and with it every
 * request line and {@code Proxy-Authorization} value.
 */
public final class TestProxy implements AutoCloseable {

    private final ServerSocket server;
    private final String requiredAuth;
    private final Thread acceptor;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final List<String> requestLines = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final List<List<String>> heads = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private volatile boolean closed;

    private TestProxy(String user, String password) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.requiredAuth = user == null ? null : "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        this.acceptor = new Thread(this::acceptLoop, "test-proxy-accept-" + server.getLocalPort());
        this.acceptor.setDaemon(true);
        this.acceptor.start();
    }

    /** A proxy that lets everyone through. */
    public static TestProxy start() throws IOException {
        return new TestProxy(null, null);
    }

    /** A proxy that answers 407 unless {@code Proxy-Authorization} carries these Basic credentials. */
    public static TestProxy startWithAuth(String user, String password) throws IOException {
        return new TestProxy(user, password);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** {@code http://127.0.0.1:port}, with {@code userInfo@} when given. */
    public String url(String userInfo) {
        return "http://" + (userInfo == null ? "" : userInfo + "@") + "127.0.0.1:" + port();
    }

    /** Client connections accepted so far. */
    public int acceptedCount() {
        return accepted.get();
    }

    /** Every request line received, e.g. {@code CONNECT 127.0.0.1:443 HTTP/1.1}. */
    public List<String> requestLines() {
        return List.copyOf(requestLines);
    }

    public long connectCount() {
        return requestLines.stream().filter(l -> l.startsWith("CONNECT ")).count();
    }

    /** Every request head received, in order: its request line, then its header lines as sent. */
    public List<List<String>> requestHeads() {
        return List.copyOf(heads);
    }

    /** Every {@code Proxy-Authorization} value received ({@code "-"} when a request had none). */
    public List<String> authorizations() {
        return List.copyOf(authorizations);
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            accepted.incrementAndGet();
            sockets.add(client);
            spawn("test-proxy-conn-" + accepted.get(), () -> serve(client));
        }
    }

    private void spawn(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    private void serve(Socket client) {
        Socket upstream = null;
        try (client) {
            InputStream in = new BufferedInputStream(client.getInputStream());
            OutputStream out = client.getOutputStream();
            for (;;) {
                List<String> head = readHead(in);
                if (head == null) {
                    return;
                }
                String requestLine = head.get(0);
                heads.add(List.copyOf(head));
                requestLines.add(requestLine);
                String auth = header(head, "Proxy-Authorization");
                authorizations.add(auth == null ? "-" : auth);
                if (requiredAuth != null && !requiredAuth.equals(auth)) {
                    out.write(("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n"
                            + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    continue;
                }
                String[] parts = requestLine.split(" ");
                if (parts[0].equals("CONNECT")) {
                    String[] hostPort = parts[1].split(":");
                    Socket target = new Socket(hostPort[0], Integer.parseInt(hostPort[1]));
                    sockets.add(target);
                    out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    spawn("test-proxy-pump", () -> pump(target, client));
                    pump(client, target, in);
                    return;
                }
                URI uri = URI.create(parts[1]);
                if (upstream == null) {
                    upstream = new Socket(uri.getHost(), uri.getPort() < 0 ? 80 : uri.getPort());
                    sockets.add(upstream);
                }
                forward(head, uri, in, upstream);
                relayResponse(new BufferedInputStream(upstream.getInputStream()), out);
            }
        } catch (IOException e) {
            // a client or upstream went away: end this connection
        } finally {
            if (upstream != null) {
                try {
                    upstream.close();
                } catch (IOException ignored) {
                    // closing
                }
            }
        }
    }

    private static void forward(List<String> head, URI uri, InputStream in, Socket upstream) throws IOException {
        String[] parts = head.get(0).split(" ");
        String target = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        StringBuilder sb = new StringBuilder(parts[0] + " " + target + " HTTP/1.1\r\n");
        for (String line : head.subList(1, head.size())) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (!lower.startsWith("proxy-authorization:") && !lower.startsWith("proxy-connection:")) {
                sb.append(line).append("\r\n");
            }
        }
        sb.append("\r\n");
        OutputStream up = upstream.getOutputStream();
        up.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
        String length = header(head, "Content-Length");
        if (length != null) {
            up.write(in.readNBytes(Integer.parseInt(length.trim())));
        }
        up.flush();
    }

    /** Relays one response whose body is delimited by Content-Length (what the tests' upstreams send). */
    private static void relayResponse(InputStream up, OutputStream out) throws IOException {
        List<String> head = readHead(up);
        if (head == null) {
            throw new IOException("upstream closed");
        }
        StringBuilder sb = new StringBuilder();
        for (String line : head) {
            sb.append(line).append("\r\n");
        }
        sb.append("\r\n");
        out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
        String length = header(head, "Content-Length");
        if (length != null) {
            out.write(up.readNBytes(Integer.parseInt(length.trim())));
        }
        out.flush();
    }

    private static void pump(Socket from, Socket to) {
        try {
            pump(from, to, from.getInputStream());
        } catch (IOException e) {
            // tunnel ends
        }
    }

    private static void pump(Socket from, Socket to, InputStream in) {
        byte[] buf = new byte[16 * 1024];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                to.getOutputStream().write(buf, 0, n);
                to.getOutputStream().flush();
            }
        } catch (IOException e) {
            // tunnel ends
        } finally {
            try {
                to.close();
                from.close();
            } catch (IOException ignored) {
                // closing both ends
            }
        }
    }

    private static List<String> readHead(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (;;) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            if (b == '\n') {
                String s = line.toString(StandardCharsets.ISO_8859_1);
                if (s.endsWith("\r")) {
                    s = s.substring(0, s.length() - 1);
                }
                line.reset();
                if (s.isEmpty()) {
                    return lines;
                }
                lines.add(s);
            } else {
                line.write(b);
            }
        }
    }

    private static String header(List<String> head, String name) {
        for (String line : head.subList(1, head.size())) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
        for (Thread t : threads) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        try {
            acceptor.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
