package dev.httppool.testing;

import dev.httppool.Request;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A loopback HTTP/1.1 server driven by a script: every accepted TCP connection runs the
 * {@link Handler} on its own daemon thread ({@code script-server-conn-<id>}), which reads requests
 * and writes whatever bytes the test wants. The server records which connection carried each
 * request, counts accepted and open connections, and collects handler exceptions.
 *
 * <p>{@link #close()} stops accepting, closes every connection, interrupts and joins the handler
 * threads, and throws if one of them is still alive after 5 seconds.
 */
public final class ScriptServer implements AutoCloseable {

    /** Serves one connection; returning (or throwing) closes it. */
    @FunctionalInterface
    public interface Handler {
        void handle(Conn conn) throws Exception;
    }

    /** Answers one request read by {@link #keepAliveResponding(Responder)}. */
    @FunctionalInterface
    public interface Responder {
        void respond(Conn conn, Request request) throws Exception;
    }

    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(5);
    /** How many bytes of each connection {@link Conn#received()} keeps. */
    public static final int RECORD_LIMIT = 1024 * 1024;

    private final ServerSocket serverSocket;
    private final SSLSocketFactory tlsFactory;
    private final Handler handler;
    private final Thread acceptThread;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<Conn> conns = new ArrayList<>(); // guarded by lock
    private final List<Thread> threads = new ArrayList<>(); // guarded by lock
    private final List<Request> requests = new ArrayList<>(); // guarded by lock
    private final List<Throwable> errors = new CopyOnWriteArrayList<>();
    private int accepted; // guarded by lock
    private int open; // guarded by lock
    private volatile boolean closing;

    private ScriptServer(Handler handler, SSLSocketFactory tlsFactory) throws IOException {
        this(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), handler, tlsFactory);
    }

    private ScriptServer(InetAddress address, Handler handler, SSLSocketFactory tlsFactory) throws IOException {
        this.handler = handler;
        this.tlsFactory = tlsFactory;
        this.serverSocket = new ServerSocket(0, 128, address);
        this.acceptThread = new Thread(this::acceptLoop, "script-server-accept-" + port());
        acceptThread.setDaemon(true);
        acceptThread.start();
    }

    /** Starts a plain-text server on 127.0.0.1 and an ephemeral port. */
    public static ScriptServer start(Handler handler) {
        try {
            return new ScriptServer(handler, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts a plain-text server on another loopback address, e.g. {@code 127.0.0.2}, to play a second host
     * (Linux routes all of 127.0.0.0/8 to the loopback interface).
     */
    public static ScriptServer start(String loopbackAddress, Handler handler) {
        try {
            InetAddress address = InetAddress.getByName(loopbackAddress);
            if (!address.isLoopbackAddress()) {
                throw new IllegalArgumentException("not a loopback address: " + loopbackAddress);
            }
            return new ScriptServer(address, handler, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts a TLS server. The handshake happens lazily on the handler's first read or write,
     * so a handler that never touches the connection stalls the client's handshake.
     */
    public static ScriptServer startTls(Handler handler, SSLContext serverContext) {
        try {
            return new ScriptServer(handler, serverContext.getSocketFactory());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A handler that answers every request with 200 and {@code bodyFor(request)} until EOF; a
     * request with {@code Connection: close} is answered with the same header, then closed.
     */
    public static Handler keepAlive(Function<Request, String> bodyFor) {
        return keepAliveResponding((conn, request) -> {
            if (request.headerHasToken("Connection", "close")) {
                conn.respond(200, bodyFor.apply(request), "Connection: close");
                conn.close();
            } else {
                conn.respond(200, bodyFor.apply(request));
            }
        });
    }

    /** A handler that reads requests and calls {@code responder} until EOF or it closes the conn. */
    public static Handler keepAliveResponding(Responder responder) {
        return conn -> {
            Request request;
            while (!conn.isClosed() && (request = conn.readRequest()) != null) {
                responder.respond(conn, request);
            }
        };
    }

    public int port() {
        return serverSocket.getLocalPort();
    }

    /** {@code 127.0.0.1:<port>}, or the loopback address the server was started on. */
    public String address() {
        return serverSocket.getInetAddress().getHostAddress() + ":" + port();
    }

    /** {@code http://127.0.0.1:<port><path>} ({@code https} for a TLS server). */
    public String url(String path) {
        return (tlsFactory != null ? "https" : "http") + "://" + address() + path;
    }

    /** Connections accepted so far. */
    public int acceptedCount() {
        return locked(() -> accepted);
    }

    /**
     * Connections accepted and not yet closed: a connection counts as closed once our side
     * closed or reset it, or its handler saw EOF from the peer, or its handler finished.
     */
    public int openCount() {
        return locked(() -> open);
    }

    /** Waits until {@link #openCount()} equals {@code n}; false on timeout. */
    public boolean awaitOpenCount(int n, Duration timeout) {
        return await(() -> open == n, timeout);
    }

    /** Waits until {@link #acceptedCount()} is at least {@code n}; false on timeout. */
    public boolean awaitAccepted(int n, Duration timeout) {
        return await(() -> accepted >= n, timeout);
    }

    /** Every request read so far, in order of reading (a head read alone has an empty body). */
    public List<Request> requests() {
        return locked(() -> List.copyOf(requests));
    }

    /**
     * The bytes received on connection {@code connectionId} (1, 2, 3… in accept order), as {@link Conn#received()};
     * wait for the connection to end (e.g. {@link #awaitOpenCount}) to see all of them.
     */
    public byte[] received(int connectionId) {
        return locked(() -> {
            for (Conn conn : conns) {
                if (conn.id == connectionId) {
                    return conn;
                }
            }
            throw new IllegalArgumentException("no connection " + connectionId + " (accepted " + accepted + ")");
        }).received();
    }

    /** Exceptions thrown by handlers (not counting those caused by {@link #close()}). */
    public List<Throwable> handlerErrors() {
        return List.copyOf(errors);
    }

    /** Throws an {@link AssertionError} carrying the handler errors, if there are any. */
    public void assertNoHandlerErrors() {
        List<Throwable> all = handlerErrors();
        if (!all.isEmpty()) {
            AssertionError failure = new AssertionError(all.size() + " handler error(s), first: "
                    + all.get(0), all.get(0));
            all.subList(1, all.size()).forEach(failure::addSuppressed);
            throw failure;
        }
    }

    @Override
    public void close() {
        List<Conn> toClose;
        List<Thread> toJoin;
        lock.lock();
        try {
            if (closing) {
                return;
            }
            closing = true;
            toClose = List.copyOf(conns);
            toJoin = List.copyOf(threads);
        } finally {
            lock.unlock();
        }
        closeQuietly(serverSocket);
        for (Conn conn : toClose) {
            conn.abort();
        }
        toJoin.forEach(Thread::interrupt);
        long deadline = System.nanoTime() + JOIN_TIMEOUT.toNanos();
        List<String> alive = new ArrayList<>();
        for (Thread thread : concat(acceptThread, toJoin)) {
            try {
                TimeUnit.NANOSECONDS.timedJoin(thread, Math.max(1, deadline - System.nanoTime()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                alive.add(thread.getName());
            }
        }
        if (!alive.isEmpty()) {
            throw new IllegalStateException("threads still running " + JOIN_TIMEOUT
                    + " after close(): " + alive);
        }
    }

    @Override
    public String toString() {
        return "ScriptServer[" + url("") + ", accepted=" + acceptedCount() + ", open="
                + openCount() + "]";
    }

    private void acceptLoop() {
        while (!closing) {
            Socket raw;
            try {
                raw = serverSocket.accept();
            } catch (IOException e) {
                if (!closing) {
                    errors.add(e);
                }
                return;
            }
            try {
                register(raw);
            } catch (IOException | RuntimeException e) {
                errors.add(e);
                closeQuietly(raw);
            }
        }
    }

    private void register(Socket raw) throws IOException {
        raw.setTcpNoDelay(true);
        Socket socket = raw;
        if (tlsFactory != null) {
            SSLSocket tls = (SSLSocket) tlsFactory.createSocket(raw,
                    raw.getInetAddress().getHostAddress(), raw.getPort(), true);
            tls.setUseClientMode(false);
            socket = tls;
        }
        lock.lock();
        try {
            if (closing) {
                closeQuietly(raw);
                return;
            }
            Conn conn = new Conn(++accepted, raw, socket);
            open++;
            Thread thread = new Thread(() -> serve(conn), "script-server-conn-" + conn.id);
            thread.setDaemon(true);
            conns.add(conn);
            threads.add(thread);
            changed.signalAll();
            thread.start(); // inside the lock so close() either sees it or we see closing
        } finally {
            lock.unlock();
        }
    }

    private void serve(Conn conn) {
        try {
            handler.handle(conn);
        } catch (Throwable t) {
            if (!closing) {
                errors.add(t);
            }
        } finally {
            conn.close();
        }
    }

    private void record(Request request, Request replacing) {
        lock.lock();
        try {
            if (replacing != null) {
                for (int i = requests.size() - 1; i >= 0; i--) {
                    if (requests.get(i) == replacing) {
                        requests.set(i, request);
                        return;
                    }
                }
            }
            requests.add(request);
        } finally {
            lock.unlock();
        }
    }

    private void connClosed() {
        lock.lock();
        try {
            open--;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private <T> T locked(Supplier<T> read) {
        lock.lock();
        try {
            return read.get();
        } finally {
            lock.unlock();
        }
    }

    private boolean await(BooleanSupplier condition, Duration timeout) {
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            while (!condition.getAsBoolean()) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = changed.awaitNanos(nanos);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return condition.getAsBoolean();
        } finally {
            lock.unlock();
        }
    }

    private static List<Thread> concat(Thread first, List<Thread> rest) {
        List<Thread> all = new ArrayList<>(rest.size() + 1);
        all.add(first);
        all.addAll(rest);
        return all;
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // best effort
        }
    }

    /**
     * One accepted connection, used by its handler thread only. Reads are buffered; every
     * write goes straight to the socket (flushed), so partial responses reach the wire.
     */
    public final class Conn {
        private final int id;
        private final Socket raw;
        private final Socket socket;
        private final Recorder recorder;
        private final InputStream in;
        private final OutputStream out;
        private final AtomicBoolean closed = new AtomicBoolean();
        private volatile String lastMethod;

        private Conn(int id, Socket raw, Socket socket) throws IOException {
            this.id = id;
            this.raw = raw;
            this.socket = socket;
            this.recorder = new Recorder(socket.getInputStream());
            this.in = new BufferedInputStream(recorder);
            this.out = socket.getOutputStream();
        }

        /** 1, 2, 3… in accept order. */
        public int id() {
            return id;
        }

        /** The connection's socket (an {@link SSLSocket} on a TLS server). */
        public Socket socket() {
            return socket;
        }

        /**
         * Every byte read off this connection so far, exactly as it arrived (up to the first
         * {@value ScriptServer#RECORD_LIMIT} bytes), whichever way the handler read it. Bytes the peer sent that
         * the handler has not read yet (still in the kernel) are not included: read to EOF first, e.g. with
         * {@link #awaitPeerClose}.
         */
        public byte[] received() {
            return recorder.recorded();
        }

        /** How many bytes were read off this connection so far (not capped). */
        public long bytesReceived() {
            return recorder.count();
        }

        /** The buffered input; mixing it with {@link #readRequest()} is fine. */
        public InputStream in() {
            return in;
        }

        /** The unbuffered output; bytes written go straight to the socket. */
        public OutputStream out() {
            return out;
        }

        /** True once our side closed or reset it or the peer's EOF was observed. */
        public boolean isClosed() {
            return closed.get();
        }

        /**
         * Reads a request head and its body (Content-Length or chunked; trailers dropped).
         * {@code Expect: 100-continue} is not answered. Returns null on EOF before the request.
         */
        public Request readRequest() throws IOException {
            Request head = readRequestHead();
            return head == null ? null : complete(head);
        }

        /** Reads a request head only, leaving its body unread; null on EOF before it. */
        public Request readRequestHead() throws IOException {
            Request head = Wire.readHead(in, id);
            if (head == null) {
                markClosed();
                return null;
            }
            lastMethod = head.method();
            record(head, null);
            return head;
        }

        /** Reads the body of a head from {@link #readRequestHead()}; updates {@link #requests()}. */
        public byte[] readBody(Request head) throws IOException {
            return complete(head).body();
        }

        private Request complete(Request head) throws IOException {
            Request full = head.withBody(Wire.readBody(in, head));
            record(full, head);
            return full;
        }

        /** Writes {@code s} as ISO-8859-1. */
        public void write(String s) throws IOException {
            write(s.getBytes(StandardCharsets.ISO_8859_1));
        }

        public void write(byte[] b) throws IOException {
            out.write(b);
            out.flush();
        }

        /**
         * Writes a complete response with the UTF-8 {@code body} and a Content-Length (unless an
         * extra line sets Content-Length or Transfer-Encoding, or status is 1xx/204/304 with an
         * empty body). After a HEAD request the body bytes are left out.
         */
        public void respond(int status, String body, String... extraHeaderLines) throws IOException {
            write(Wire.response(status, body.getBytes(StandardCharsets.UTF_8),
                    "HEAD".equals(lastMethod), extraHeaderLines));
        }

        /** Writes a chunked response, one chunk per non-empty string (UTF-8). */
        public void respondChunked(int status, List<String> chunks, String... extraHeaderLines)
                throws IOException {
            write(Wire.chunkedResponse(status, chunks, "HEAD".equals(lastMethod),
                    extraHeaderLines));
        }

        /** Closes the connection (for TLS, with a close_notify). */
        public void close() {
            closeQuietly(socket);
            markClosed();
        }

        /** Closes with SO_LINGER 0, so the peer sees a TCP reset (RST) instead of a FIN. */
        public void reset() {
            try {
                raw.setSoLinger(true, 0);
            } catch (IOException ignored) {
                // already closed
            }
            closeQuietly(raw);
            markClosed();
        }

        /**
         * Reads and discards until the peer closes (EOF or reset: true) or the timeout passes
         * (false). Also true if our side had already closed the socket.
         */
        public boolean awaitPeerClose(Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            byte[] discard = new byte[8192];
            try {
                while (true) {
                    long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (remainingMs <= 0) {
                        return false;
                    }
                    socket.setSoTimeout((int) Math.min(remainingMs, Integer.MAX_VALUE));
                    if (in.read(discard) < 0) {
                        markClosed();
                        return true;
                    }
                }
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                markClosed();
                return true;
            } finally {
                try {
                    socket.setSoTimeout(0);
                } catch (IOException ignored) {
                    // closed
                }
            }
        }

        /** Used by {@link ScriptServer#close()}: closes the TCP socket without a TLS goodbye. */
        private void abort() {
            closeQuietly(raw);
            markClosed();
        }

        private void markClosed() {
            if (closed.compareAndSet(false, true)) {
                connClosed();
            }
        }

        @Override
        public String toString() {
            return "Conn[" + id + ", " + socket.getRemoteSocketAddress() + "]";
        }
    }

    /**
     * One request as read from the wire, tagged with the id of the connection (1, 2, 3… in
     * accept order) that carried it. {@code headerLines} are the "Name: value" lines exactly as
     * received, in order; header names match case-insensitively. {@code body} is the decoded
     * (de-chunked) body, empty if there was none or it was not read.
     */
    public record Request(int connectionId, String method, String target, String version,
            List<String> headerLines, byte[] body) {

        /** Copies the lines and body; a null body means none. */
        public Request {
            headerLines = List.copyOf(headerLines);
            for (String line : headerLines) {
                if (line.indexOf(':') <= 0) {
                    throw new IllegalArgumentException("not a header line: " + line);
                }
            }
            body = body == null ? new byte[0] : body.clone();
        }

        /** A copy of this request carrying {@code newBody}. */
        public Request withBody(byte[] newBody) {
            return new Request(connectionId, method, target, version, headerLines, newBody);
        }

        /** First value of the header (case-insensitive name), or null. */
        public String header(String name) {
            List<String> values = headers(name);
            return values.isEmpty() ? null : values.get(0);
        }

        /** All values of the header (case-insensitive name), in order; empty if absent. */
        public List<String> headers(String name) {
            List<String> values = new ArrayList<>();
            for (String line : headerLines) {
                int colon = line.indexOf(':');
                if (line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    values.add(line.substring(colon + 1).trim());
                }
            }
            return List.copyOf(values);
        }

        /** True if a comma-separated value of the header equals {@code token}, ignoring case. */
        public boolean headerHasToken(String name, String token) {
            for (String value : headers(name)) {
                for (String part : value.split(",")) {
                    if (part.trim().equalsIgnoreCase(token)) {
                        return true;
                    }
                }
            }
            return false;
        }

        /** Distinct header names (case-insensitively) in order of first appearance. */
        public List<String> headerNames() {
            Map<String, String> names = new LinkedHashMap<>();
            for (String line : headerLines) {
                String name = line.substring(0, line.indexOf(':')).trim();
                names.putIfAbsent(name.toLowerCase(Locale.ROOT), name);
            }
            return List.copyOf(names.values());
        }

        /** A copy of the decoded body. */
        @Override
        public byte[] body() {
            return body.clone();
        }

        /** The body as UTF-8 text. */
        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "Request[conn " + connectionId + ": " + method + " " + target + " " + version
                    + ", " + headerLines + ", " + body.length + " body bytes]";
        }
    }

    /** The socket's input, recording what is read off it (the first {@link #RECORD_LIMIT} bytes) and counting all. */
    private static final class Recorder extends InputStream {
        private final InputStream in;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream(); // guarded by this
        private long count; // guarded by this

        Recorder(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                record(new byte[] {(byte) b}, 0, 1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                record(b, off, n);
            }
            return n;
        }

        @Override
        public int available() throws IOException {
            return in.available();
        }

        @Override
        public void close() throws IOException {
            in.close();
        }

        private synchronized void record(byte[] b, int off, int n) {
            count += n;
            int room = RECORD_LIMIT - kept.size();
            if (room > 0) {
                kept.write(b, off, Math.min(room, n));
            }
        }

        synchronized byte[] recorded() {
            return kept.toByteArray();
        }

        synchronized long count() {
            return count;
        }
    }
}
