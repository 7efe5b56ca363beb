package dev.httppool.internal.connect;

import dev.httppool.ClientTrace;
import dev.httppool.ConnectMethodKey;
import dev.httppool.Dialer;
import dev.httppool.Headers;
import dev.httppool.Ticker;
import dev.httppool.TransportConfig;
import dev.httppool.TransportListener;
import dev.httppool.internal.ApiAccess;
import dev.httppool.internal.exchange.WireConnection;
import dev.httppool.internal.http1.BufferPool;
import dev.httppool.internal.http1.Http1Connection;
import dev.httppool.internal.http2.Http2Connection;
import dev.httppool.internal.net.Credentials;
import dev.httppool.internal.net.Hosts;
import dev.httppool.internal.net.IpLiteral;
import dev.httppool.internal.net.Ports;
import dev.httppool.internal.pool.Connector;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.SocketChannel;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * Dials TCP through the {@link Dialer} and, for https, runs the TLS handshake with SNI, hostname
 * verification and ALPN offering {@code h2} (when {@code http2Enabled}) and {@code http/1.1}; the server's choice
 * picks an {@link Http2Connection} or an {@link Http1Connection}. The handshake as a whole is bounded by
 * {@code tlsHandshakeTimeout}, and a proxy's CONNECT exchange by its own deadline ({@link DialDeadlines}). The
 * time to connect (TCP, with the CONNECT tunnel) and the handshake's are reported to the listener apart.
 */
public final class TcpTlsConnector implements Connector {

    private final TransportConfig config;
    private final Dialer dialer;
    private final SSLContext configuredSsl;
    private final String[] protocols;
    private final String[] cipherSuites;
    private final Headers proxyConnectHeaders;
    private static final String[] HTTP1_ONLY = {"http/1.1"};

    private final Ticker ticker;
    private final Duration proxyConnectTimeout;
    private final DialDeadlines deadlines = new DialDeadlines();
    private final TransportListener listener;
    /** What ALPN offers: one array for every handshake. */
    private final String[] alpn;
    /** One reader per HTTP/2 connection: virtual threads on 21+, else daemon threads that end with it. */
    private final Executor readers = DialThreads.newReaderExecutor();
    /** The connections' read and write buffers while they are idle (see {@link BufferPool}). */
    private final BufferPool readBuffers;
    private final BufferPool writeBuffers;
    private volatile SSLContext defaultSsl;

    /** A connector whose CONNECT exchanges are bounded by Go's one minute. */
    public TcpTlsConnector(TransportConfig config, Dialer dialer, SSLContext sslContext, String[] protocols,
            String[] cipherSuites, Headers proxyConnectHeaders, Ticker ticker, TransportListener listener) {
        this(config, dialer, sslContext, protocols, cipherSuites, proxyConnectHeaders, ticker,
                ProxyTunnel.CONNECT_TIMEOUT, listener);
    }

    /** @param proxyConnectTimeout bounds each whole CONNECT exchange (shorter in tests than Go's minute) */
    TcpTlsConnector(TransportConfig config, Dialer dialer, SSLContext sslContext, String[] protocols,
            String[] cipherSuites, Headers proxyConnectHeaders, Ticker ticker, Duration proxyConnectTimeout,
            TransportListener listener) {
        this.listener = listener;
        this.proxyConnectTimeout = proxyConnectTimeout;
        this.config = config;
        this.dialer = dialer;
        this.configuredSsl = sslContext;
        this.protocols = protocols;
        this.cipherSuites = cipherSuites;
        this.proxyConnectHeaders = proxyConnectHeaders;
        this.ticker = ticker;
        this.alpn = config.http2Enabled() ? new String[] {"h2", "http/1.1"} : new String[] {"http/1.1"};
        this.readBuffers = new BufferPool(config.readBufferSize(), BufferPool.DEFAULT_MAX_RETAINED);
        this.writeBuffers = new BufferPool(config.writeBufferSize(), BufferPool.DEFAULT_MAX_RETAINED);
    }

    @Override
    public WireConnection connect(ConnectMethodKey key, ClientTrace trace) throws IOException {
        URI proxy = ApiAccess.get().proxyUri(key);
        String dialHost = proxy != null ? Hosts.hostOf(proxy) : key.host();
        int dialPort = proxy != null ? Ports.of(proxy) : key.port();
        String dialAddress = key.firstHopAddress();
        trace.connectStart("tcp", dialAddress);
        long t0 = ticker.nanoTime();
        SocketChannel ch;
        try {
            ch = dialer.dial(dialHost, dialPort, config.dialTimeout());
        } catch (IOException e) {
            listener.connected(key, false, ticker.nanoTime() - t0);
            trace.connectDone("tcp", dialAddress, e);
            if (proxy != null) {
                throw withCause(new IOException("proxyconnect tcp " + Credentials.redact(proxy) + ": " + e.getMessage()), e);
            }
            throw e;
        }
        trace.connectDone("tcp", dialAddress, null);
        try {
            SSLSocket ssl = null;
            boolean https = key.scheme().equals("https");
            if (https && proxy != null) {
                openTunnel(ch, key, t0);
            }
            listener.connected(key, true, ticker.nanoTime() - t0);
            if (https) {
                long t1 = ticker.nanoTime();
                boolean done = false;
                try {
                    ssl = handshake(ch, key.host(), key.port(), key.onlyH1() ? HTTP1_ONLY : alpn, trace);
                    done = true;
                } finally {
                    listener.tlsHandshake(key, done, ticker.nanoTime() - t1);
                }
                if ("h2".equals(ssl.getApplicationProtocol())) {
                    return Http2Connection.open(ch, ssl, config, ticker, readers, deadlines.timer());
                }
            }
            return new Http1Connection(ch, ssl, readBuffers, writeBuffers, ticker, deadlines.timer());
        } catch (IOException | RuntimeException e) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // the dial failed already
            }
            throw e;
        }
    }

    private void openTunnel(SocketChannel ch, ConnectMethodKey key, long t0) throws IOException {
        try {
            ProxyTunnel.open(ch, key, proxyConnectHeaders, config.maxResponseHeaderBytes(), deadlines,
                    proxyConnectTimeout);
        } catch (IOException | RuntimeException e) {
            listener.connected(key, false, ticker.nanoTime() - t0);
            throw e;
        }
    }

    private static IOException withCause(IOException e, Throwable cause) {
        e.initCause(cause);
        return e;
    }

    private SSLSocket handshake(SocketChannel ch, String host, int port, String[] offered, ClientTrace trace)
            throws IOException {
        SSLSocket ssl = (SSLSocket) sslContext().getSocketFactory().createSocket(ch.socket(), host, port, true);
        SSLParameters params = ssl.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        if (!IpLiteral.isLiteral(host)) {
            params.setServerNames(List.of(new SNIHostName(host)));
        }
        params.setApplicationProtocols(offered);
        if (protocols != null) {
            params.setProtocols(protocols);
        }
        if (cipherSuites != null) {
            params.setCipherSuites(cipherSuites);
        }
        ssl.setSSLParameters(params);
        ssl.setUseClientMode(true);
        trace.tlsHandshakeStart();
        try {
            Duration timeout = config.tlsHandshakeTimeout();
            deadlines.run(ch, timeout, () -> "TLS handshake timeout after " + timeout.toMillis() + " ms with "
                    + host + ":" + port, ssl::startHandshake);
        } catch (IOException e) {
            trace.tlsHandshakeDone(null, e);
            closeQuietly(ssl);
            throw e;
        }
        trace.tlsHandshakeDone(ssl.getSession(), null);
        return ssl;
    }

    private SSLContext sslContext() throws IOException {
        if (configuredSsl != null) {
            return configuredSsl;
        }
        SSLContext c = defaultSsl;
        if (c == null) {
            try {
                c = SSLContext.getDefault();
            } catch (NoSuchAlgorithmException e) {
                throw new IOException("no default TLS context: " + e, e);
            }
            defaultSsl = c;
        }
        return c;
    }

    private static void closeQuietly(SSLSocket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // discarding a failed handshake
        }
    }
}
