package dev.httppool.bench;

import dev.httppool.Request;
import dev.httppool.Response;
import dev.httppool.Transport;
import dev.httppool.TransportConfig;
import dev.httppool.spring.client.HttpPoolClientHttpRequestFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.http.client.JettyClientHttpRequestFactory;

/**
 * The clients of the HTTP/2 side-by-side ({@link H2Bench}), all over TLS to nginx, trusting the certificate in the
 * PEM file named by the system property {@code bench.ca}. {@code h2-*} speak HTTP/2 (one connection carries the
 * load threads' streams); {@code h1-httppool} is httppool over HTTP/1.1 with a pool of C connections.
 */
final class H2Clients {

    /** Every JVM client of the HTTP/2 run, in the order the runner interleaves them. */
    static final List<String> JVM = List.of("h2-httppool", "h1-httppool", "h2-jdk", "h2-jetty", "h2-okhttp",
            "rc-h2-httppool", "rc-h1-httppool", "rc-h2-jdk", "rc-h2-jetty");

    private H2Clients() {
    }

    static boolean handles(String client) {
        return JVM.contains(client);
    }

    static BenchClient create(Params p) throws Exception {
        URI uri = p.url();
        SSLContext tls = sslContext();
        switch (p.client()) {
            case "h2-httppool":
            case "h1-httppool": {
                Transport t = httppool(p, tls);
                return new BenchClient() {
                    @Override
                    public void call(int slot, byte[] scratch) throws IOException {
                        try (Response r = t.roundTrip(Request.get(uri)); InputStream in = r.body()) {
                            Clients.check(r.status());
                            Clients.drain(in, scratch);
                        }
                    }

                    @Override
                    public void close() {
                        // Into the child's stderr log: dials and closes by reason, e.g. how many a cold burst made.
                        System.err.println(p.client() + " C=" + p.concurrency() + " pool: " + t.snapshot().stats());
                        t.close();
                    }
                };
            }
            case "rc-h2-httppool":
            case "rc-h1-httppool": {
                Transport t = httppool(p, tls);
                return Clients.restClient(uri, new HttpPoolClientHttpRequestFactory(t), t::close);
            }
            case "h2-jdk": {
                java.net.http.HttpClient jc = jdk(tls);
                java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(uri).build();
                return new BenchClient() {
                    @Override
                    public void call(int slot, byte[] scratch) throws Exception {
                        java.net.http.HttpResponse<InputStream> r = jc.send(request, BodyHandlers.ofInputStream());
                        try (InputStream in = r.body()) {
                            Clients.check(r.statusCode());
                            Clients.drain(in, scratch);
                        }
                    }

                    @Override
                    public void close() {
                    }
                };
            }
            case "rc-h2-jdk":
                return Clients.restClient(uri, new JdkClientHttpRequestFactory(jdk(tls)), () -> { });
            case "h2-jetty": {
                org.eclipse.jetty.client.HttpClient jh = jetty(tls);
                return new BenchClient() {
                    @Override
                    public void call(int slot, byte[] scratch) throws Exception {
                        ContentResponse r = jh.GET(uri);
                        Clients.check(r.getStatus());
                    }

                    @Override
                    public void close() throws Exception {
                        jh.stop();
                    }
                };
            }
            case "rc-h2-jetty": {
                org.eclipse.jetty.client.HttpClient jh = jetty(tls);
                return Clients.restClient(uri, new JettyClientHttpRequestFactory(jh), jh::stop);
            }
            case "h2-okhttp": {
                okhttp3.OkHttpClient ok = new okhttp3.OkHttpClient.Builder()
                        .sslSocketFactory(tls.getSocketFactory(), trustManager())
                        .protocols(List.of(okhttp3.Protocol.HTTP_2, okhttp3.Protocol.HTTP_1_1))
                        .connectionPool(new okhttp3.ConnectionPool(Math.max(5, p.maxIdlePerHost()), 5,
                                java.util.concurrent.TimeUnit.MINUTES))
                        .build();
                okhttp3.Request request = new okhttp3.Request.Builder().url(uri.toString()).build();
                return new BenchClient() {
                    @Override
                    public void call(int slot, byte[] scratch) throws IOException {
                        try (okhttp3.Response r = ok.newCall(request).execute()) {
                            Clients.check(r.code());
                            if (r.protocol() != okhttp3.Protocol.HTTP_2) {
                                throw new IOException("not HTTP/2: " + r.protocol());
                            }
                            Clients.drain(r.body().byteStream(), scratch);
                        }
                    }

                    @Override
                    public void close() {
                        ok.dispatcher().executorService().shutdown();
                        ok.connectionPool().evictAll();
                    }
                };
            }
            default:
                throw new IllegalArgumentException("unknown client: " + p.client());
        }
    }

    private static Transport httppool(Params p, SSLContext tls) {
        boolean h2 = p.client().contains("h2-");
        TransportConfig config = TransportConfig.builder()
                .maxIdleConns(p.maxIdleTotal())
                .maxIdleConnsPerHost(p.maxIdlePerHost())
                .maxConnsPerHost(p.maxConnsPerHost())
                .http2Enabled(h2)
                .build();
        return Transport.builder().config(config).sslContext(tls).build();
    }

    private static java.net.http.HttpClient jdk(SSLContext tls) {
        return java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_2)
                .sslContext(tls).connectTimeout(Duration.ofSeconds(10)).build();
    }

    private static org.eclipse.jetty.client.HttpClient jetty(SSLContext tls) throws Exception {
        SslContextFactory.Client ssl = new SslContextFactory.Client();
        ssl.setSslContext(tls);
        ClientConnector connector = new ClientConnector();
        connector.setSslContextFactory(ssl);
        org.eclipse.jetty.client.HttpClient jh =
                new org.eclipse.jetty.client.HttpClient(new HttpClientTransportOverHTTP2(new HTTP2Client(connector)));
        jh.setMaxRequestsQueuedPerDestination(1 << 16);
        jh.start();
        return jh;
    }

    private static KeyStore trustStore() throws Exception {
        String ca = System.getProperty("bench.ca");
        if (ca == null) {
            throw new IllegalStateException("-Dbench.ca=<certificate PEM> is required for the HTTP/2 clients");
        }
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(Path.of(ca))) {
            ks.setCertificateEntry("nginx", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        return ks;
    }

    private static X509TrustManager trustManager() throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trustStore());
        return (X509TrustManager) tmf.getTrustManagers()[0];
    }

    private static SSLContext sslContext() throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new javax.net.ssl.TrustManager[] {trustManager()}, null);
        return ctx;
    }
}
