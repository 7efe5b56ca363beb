package dev.httppool;

import dev.httppool.internal.connect.DialThreads;
import dev.httppool.internal.connect.TcpTlsConnector;
import dev.httppool.internal.exchange.Exchange;
import dev.httppool.internal.exchange.ExchangeException;
import dev.httppool.internal.exchange.KeyedErrors;
import dev.httppool.internal.exchange.PreparedRequest;
import dev.httppool.internal.exchange.RequestBodyCloser;
import dev.httppool.internal.net.ProxyUrl;
import dev.httppool.internal.pool.ConnPool;
import dev.httppool.internal.pool.Connector;
import dev.httppool.internal.pool.IdleReaper;
import dev.httppool.internal.pool.Listeners;
import dev.httppool.internal.pool.PooledConnection;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import javax.net.ssl.SSLContext;

/**
 * Go's {@code http.Transport} in Java: a {@link RoundTripper} that keeps HTTP/1.1 connections alive and reuses
 * them (and speaks HTTP/2 to https servers that choose it by ALPN, one connection per key carrying concurrent
 * requests as streams), with Go's pool semantics (per-key LIFO idle lists, a global idle LRU, a per-key connection cap with a
 * FIFO queue, late-binding dials, idle timeout, retries on dead reused connections), and one step beyond Go's
 * retry rules: an idempotent request whose fresh connection died before any response byte is retried once.
 *
 * <p>Share one instance: it is thread-safe and owns sockets and a few background threads (dials, large
 * request-body writes, an idle reaper and a timer for dial deadlines). {@link #close()} it when done.
 *
 * <pre>{@code
 * try (Transport transport = Transport.builder()
 *         .config(TransportConfig.builder().maxIdleConnsPerHost(16).build())
 *         .build();
 *      Response response = transport.roundTrip(Request.get("http://127.0.0.1:8080/hello"))) {
 *     String text = new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
 * }
 * }</pre>
 */
public final class Transport implements RoundTripper, AutoCloseable {

    static final String USER_AGENT = "httppool/0.1";
    private static final int DIRECT_KEY_CACHE_SIZE = 1024;
    /** Retries of a request that servers refused unprocessed (HTTP/2 GOAWAY, REFUSED_STREAM): a bound on a loop. */
    private static final int MAX_UNPROCESSED_RETRIES = 8;

    private final TransportConfig config;
    private final Ticker ticker;
    private final ConnPool pool;
    private final IdleReaper reaper;
    private final ExecutorService dialExecutor;
    private final ExecutorService bodyWriters;
    private final ProxyResolver proxies;
    private final Listeners listeners = new Listeners();
    private final Map<String, ConnectMethodKey> directHttpKeys = new ConcurrentHashMap<>();
    private final Map<String, ConnectMethodKey> directHttpsKeys = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private Transport(Builder b) {
        this.config = b.config;
        this.ticker = b.ticker;
        Dialer dialer = b.dialer != null ? b.dialer : Dialer.tcp(config.tcpKeepAlive());
        this.proxies = b.proxies != null ? b.proxies : ProxyResolver.system();
        Connector connector = new TcpTlsConnector(config, dialer, b.sslContext, b.tlsProtocols, b.tlsCipherSuites,
                b.proxyConnectHeaders, ticker, listeners);
        this.dialExecutor = DialThreads.newExecutor();
        this.bodyWriters = DialThreads.newBodyWriterExecutor();
        this.reaper = new IdleReaper(ticker);
        b.listeners.forEach(listeners::add);
        this.pool = new ConnPool(config, ticker, connector, dialExecutor, listeners, reaper::wake);
        this.reaper.attach(pool.maintenance());
        // hosts[i].minIdle: dial the warm connections in the background, on the reaper's thread's schedule.
        this.pool.warmPools().start(this::keyFor, reaper::schedule);
    }

    /** A transport with Go's default settings. */
    public static Transport create() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public TransportConfig config() {
        return config;
    }

    /** Closes the request's body once, whatever happens (see {@link RequestBody#close()}). */
    @Override
    public Response roundTrip(Request request) throws IOException {
        Objects.requireNonNull(request, "request");
        if (request.body() == null) {
            return roundTrip(request, null); // nothing to close: no closer to allocate
        }
        RequestBodyCloser body = new RequestBodyCloser(request.body());
        try {
            return roundTrip(request, body);
        } finally {
            body.roundTripOver();
        }
    }

    private Response roundTrip(Request request, RequestBodyCloser body) throws IOException {
        if (closed) {
            throw new IOException("transport is closed");
        }
        ConnectMethodKey key = keyFor(request.uri());
        PreparedRequest prepared = new PreparedRequest(request, body, config, key, USER_AGENT);
        ClientTrace trace = request.trace();
        boolean freshRetryTaken = false;
        int unprocessedRetries = 0;
        for (;;) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedIOException("interrupted before " + request);
            }
            trace.getConn(key.firstHopAddress()); // Go: the first hop, the proxy when there is one
            PooledConnection pc;
            try {
                pc = pool.acquire(key, trace, request);
            } catch (IOException e) {
                throw KeyedErrors.withKey(e, key);
            }
            boolean reused = pc.reused; // written under the lock that acquire() took last
            try {
                return new Exchange(config, ticker, bodyWriters, pc.wire, key, pc, prepared).run();
            } catch (ExchangeException e) {
                pool.release(pc, e.closeReason);
                if (!e.allowsRetry(reused, freshRetryTaken, request)
                        || e.stage == ExchangeException.Stage.UNPROCESSED
                                && ++unprocessedRetries > MAX_UNPROCESSED_RETRIES) {
                    throw KeyedErrors.withKey(e.io(), key);
                }
                freshRetryTaken |= !reused;
            } catch (RuntimeException | Error e) {
                pool.release(pc, CloseReason.BROKEN);
                throw e;
            }
        }
    }

    /**
     * Adds a receiver of this transport's events after it was built (for example a meter binder that arrives
     * later); events go to every listener in the order they were added. A listener that throws is logged and
     * does not stop the others, nor the request.
     */
    public void addListener(TransportListener listener) {
        listeners.add(listener);
    }

    /** Stops sending events to {@code listener}; returns whether it was registered. */
    public boolean removeListener(TransportListener listener) {
        return listeners.remove(listener);
    }

    /**
     * Closes every idle connection now (Go's {@code CloseIdleConnections}); connections in use are not touched
     * and, until the next request asks for a connection, are closed when they are returned.
     *
     * @return how many idle connections were closed
     */
    public int closeIdleConnections() {
        return pool.closeIdleConnections();
    }

    /** The pool's state, consistent across keys. */
    public PoolSnapshot snapshot() {
        return pool.snapshot();
    }

    /** The pool's state restricted to keys whose address is {@code address} ({@code host:port}). */
    public PoolSnapshot snapshot(String address) {
        return pool.snapshot(Objects.requireNonNull(address, "address"));
    }

    /** The pool key a request to {@code uri} uses (it names the proxy, if one is chosen for it). */
    public ConnectMethodKey keyFor(URI uri) {
        URI proxy = proxies.proxyFor(uri);
        if (proxy != null) {
            return ConnectMethodKey.of(uri, ProxyUrl.check(proxy));
        }
        // Direct keys are the same for every request to an authority: build each once, not per request.
        boolean https = "https".equalsIgnoreCase(uri.getScheme());
        Map<String, ConnectMethodKey> cache = https ? directHttpsKeys : directHttpKeys;
        String authority = uri.getRawAuthority();
        ConnectMethodKey key = cache.get(authority);
        if (key == null) {
            key = ConnectMethodKey.direct(uri);
            if (cache.size() >= DIRECT_KEY_CACHE_SIZE) {
                cache.clear(); // bounded: an application calling unbounded numbers of hosts just rebuilds keys
            }
            cache.put(authority, key);
        }
        return key;
    }

    /**
     * Closes idle connections, fails waiting requests, stops the background threads and refuses new requests.
     * Responses still being read keep their connections until their bodies are done; those are then closed.
     */
    @Override
    public void close() {
        closed = true;
        pool.close();
        reaper.shutdown();
        dialExecutor.shutdown();
        bodyWriters.shutdown();
    }

    /** Builds a {@link Transport}. */
    public static final class Builder {
        private TransportConfig config = TransportConfig.defaults();
        private Ticker ticker = Ticker.system();
        private Dialer dialer;
        private SSLContext sslContext;
        private final List<TransportListener> listeners = new ArrayList<>();
        private String[] tlsProtocols;
        private String[] tlsCipherSuites;
        private ProxyResolver proxies;
        private Headers proxyConnectHeaders = Headers.empty();

        private Builder() {
        }

        public Builder config(TransportConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /** The time source for idle ages and timeouts; default {@link Ticker#system()}. */
        public Builder ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /** Opens TCP connections; default {@link Dialer#tcp} with the config's TCP keep-alive. */
        public Builder dialer(Dialer dialer) {
            this.dialer = Objects.requireNonNull(dialer, "dialer");
            return this;
        }

        /**
         * The TLS context for https; default {@link SSLContext#getDefault()} (the JVM's trust store). Hostname
         * verification is always on.
         */
        public Builder sslContext(SSLContext sslContext) {
            this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
            return this;
        }

        /** The TLS protocol versions to enable, e.g. {@code TLSv1.3}; default: the context's defaults. */
        public Builder tlsProtocols(String... protocols) {
            this.tlsProtocols = protocols == null || protocols.length == 0 ? null : protocols.clone();
            return this;
        }

        /** The TLS cipher suites to enable; default: the context's defaults. */
        public Builder tlsCipherSuites(String... cipherSuites) {
            this.tlsCipherSuites = cipherSuites == null || cipherSuites.length == 0 ? null : cipherSuites.clone();
            return this;
        }

        /**
         * Chooses a proxy per request; default {@link ProxyResolver#system()} (the JVM's proxy properties, else
         * {@code HTTP_PROXY}/{@code HTTPS_PROXY}/{@code NO_PROXY}, else direct). Use
         * {@link ProxyResolver#direct()} to never use one.
         */
        public Builder proxy(ProxyResolver proxies) {
            this.proxies = Objects.requireNonNull(proxies, "proxies");
            return this;
        }

        /** Extra headers sent with each {@code CONNECT} to a proxy (Go's {@code ProxyConnectHeader}). */
        public Builder proxyConnectHeaders(Headers headers) {
            this.proxyConnectHeaders = Objects.requireNonNull(headers, "headers");
            return this;
        }

        /**
         * Adds a receiver of dial, acquire and close events, e.g. for metrics; default none. Each call adds one
         * more: events go to every listener, in the order they were added. See also
         * {@link Transport#addListener}.
         */
        public Builder listener(TransportListener listener) {
            this.listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        public Transport build() {
            return new Transport(this);
        }
    }
}
