package dev.httppool.bench;

import dev.httppool.Request;
import dev.httppool.Response;
import dev.httppool.Transport;
import dev.httppool.TransportConfig;
import dev.httppool.spring.client.HttpPoolClientHttpRequestFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.http.client.JettyClientHttpRequestFactory;
import org.springframework.http.client.ReactorClientHttpRequestFactory;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.web.client.RestClient;
import reactor.netty.resources.ConnectionProvider;

/** The JVM clients under test, by name; each is configured to keep {@code maxIdlePerHost} connections. */
@SuppressWarnings("try")
final class Clients {

    /** httppool with {@link LifecycleSettings}: their hot-path cost is its ratio to plain httppool. */
    static final String LIFECYCLE = "httppool-lifecycle";

    /** Every JVM client, in the order the runner interleaves them. */
    static final List<String> JVM = List.of("httppool", "rc-httppool", "apache", "rc-apache", "jdk", "rc-jdk",
            "rc-jetty", "rc-reactor", "rc-simple", "raw");

    private Clients() {
    }

    static BenchClient create(Params p) throws Exception {
        URI uri = p.url();
        switch (p.client()) {
            case "httppool":
            case LIFECYCLE: {
                Transport t = httppool(p);
                return new BenchClient() {
                    @Override
                    public void call(int slot, byte[] scratch) throws IOException {
                        Response r = t.roundTrip(Request.get(uri));
                        try (InputStream in = r.body()) {
                            check(r.status());
                            drain(in, scratch);
                        }
                    }

                    @Override
                    public void close() {
                        t.close();
                    }
                };
            }
            case "rc-httppool": {
                Transport t = httppool(p);
                return restClient(uri, new HttpPoolClientHttpRequestFactory(t), t::close);
            }
            case "apache": {
                CloseableHttpClient hc = apache(p);
                return new BenchClient() {
                    @Override
                    public void call(int slot, byte[] scratch) throws IOException {
                        hc.execute(new HttpGet(uri), response -> {
                            check(response.getCode());
                            try (InputStream in = response.getEntity().getContent()) {
                                drain(in, scratch);
                            }
                            return null;
                        });
                    }

                    @Override
                    public void close() throws IOException {
                        hc.close();
                    }
                };
            }
            case "rc-apache": {
                CloseableHttpClient hc = apache(p);
                return restClient(uri, new HttpComponentsClientHttpRequestFactory(hc), hc::close);
            }
            case "jdk": {
                java.net.http.HttpClient jc = jdk();
                java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(uri).build();
                return new BenchClient() {
                    @Override
                    public void call(int slot, byte[] scratch) throws Exception {
                        java.net.http.HttpResponse<InputStream> r =
                                jc.send(java.net.http.HttpRequest.newBuilder(uri).build(), BodyHandlers.ofInputStream());
                        try (InputStream in = r.body()) {
                            check(r.statusCode());
                            drain(in, scratch);
                        }
                    }

                    @Override
                    public void close() {
                        // java.net.http.HttpClient is AutoCloseable only from JDK 21
                    }
                };
            }
            case "rc-jdk":
                return restClient(uri, new JdkClientHttpRequestFactory(jdk()), () -> { });
            case "rc-jetty": {
                org.eclipse.jetty.client.HttpClient jh = new org.eclipse.jetty.client.HttpClient();
                jh.setMaxConnectionsPerDestination(p.maxConnsPerHost() > 0 ? p.maxConnsPerHost() : 4096);
                jh.setMaxRequestsQueuedPerDestination(1 << 16);
                jh.start();
                return restClient(uri, new JettyClientHttpRequestFactory(jh), jh::stop);
            }
            case "rc-reactor": {
                ConnectionProvider cp = ConnectionProvider.builder("bench")
                        .maxConnections(p.maxConnsPerHost() > 0 ? p.maxConnsPerHost() : 4096)
                        .pendingAcquireMaxCount(-1)
                        .build();
                reactor.netty.http.client.HttpClient rh = reactor.netty.http.client.HttpClient.create(cp);
                return restClient(uri, new ReactorClientHttpRequestFactory(rh), () -> cp.disposeLater().block());
            }
            case "rc-simple":
                // HttpURLConnection's keep-alive cache holds http.maxConnections (default 5) per destination.
                System.setProperty("http.maxConnections", Integer.toString(Math.max(1, p.maxIdlePerHost())));
                return restClient(uri, new SimpleClientHttpRequestFactory(), () -> { });
            case "raw":
                return new RawClient(uri, p.concurrency());
            default:
                if (H2Clients.handles(p.client())) {
                    return H2Clients.create(p);
                }
                throw new IllegalArgumentException("unknown client: " + p.client());
        }
    }

    static Transport httppool(Params p) {
        TransportConfig.Builder config = TransportConfig.builder()
                .maxIdleConns(p.maxIdleTotal())
                .maxIdleConnsPerHost(p.maxIdlePerHost())
                .maxConnsPerHost(p.maxConnsPerHost());
        if (p.client().equals(LIFECYCLE)) {
            LifecycleSettings.apply(config);
        }
        return Transport.builder().config(config.build()).build();
    }

    private static CloseableHttpClient apache(Params p) {
        int max = p.maxConnsPerHost() > 0 ? p.maxConnsPerHost() : 4096;
        PoolingHttpClientConnectionManager cm = PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnTotal(max)
                .setMaxConnPerRoute(max)
                .build();
        return HttpClients.custom().setConnectionManager(cm).build();
    }

    private static java.net.http.HttpClient jdk() {
        return java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    interface Closer {
        void close() throws Exception;
    }

    static BenchClient restClient(URI uri, ClientHttpRequestFactory factory, Closer closer) {
        RestClient rc = RestClient.builder().requestFactory(factory).build();
        return new BenchClient() {
            @Override
            public void call(int slot, byte[] scratch) {
                byte[] body = rc.get().uri(uri).retrieve().body(byte[].class);
                if (body == null) {
                    throw new IllegalStateException("no body");
                }
            }

            @Override
            public void close() throws Exception {
                closer.close();
            }
        };
    }

    static void check(int status) throws IOException {
        if (status != 200) {
            throw new IOException("status " + status);
        }
    }

    static long drain(InputStream in, byte[] scratch) throws IOException {
        long total = 0;
        int n;
        while ((n = in.read(scratch, 0, scratch.length)) >= 0) {
            total += n;
        }
        return total;
    }

    /**
     * The floor: each load thread owns one keep-alive socket, writes a canned request and reads the response by
     * its Content-Length. No pool, no header objects, no parsing beyond finding the length.
     */
    static final class RawClient implements BenchClient {
        private final byte[] request;
        private final InetSocketAddress address;
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();
        private final Conn[] conns;

        RawClient(URI uri, int concurrency) {
            this.conns = new Conn[concurrency];
            int port = uri.getPort() < 0 ? 80 : uri.getPort();
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            this.address = new InetSocketAddress(uri.getHost(), port);
            this.request = ("GET " + path + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + port
                    + "\r\nUser-Agent: raw\r\nAccept: */*\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        }

        private static final class Conn {
            final OutputStream out;
            final InputStream in;
            final byte[] buf = new byte[64 * 1024];

            Conn(Socket s) throws IOException {
                out = s.getOutputStream();
                in = s.getInputStream();
            }
        }

        @Override
        public void call(int slot, byte[] scratch) throws IOException {
            Conn c = conns[slot]; // only ever touched by the load thread of this slot (one at a time)
            if (c == null) {
                Socket s = new Socket();
                s.setTcpNoDelay(true);
                s.connect(address, 10_000);
                sockets.add(s);
                c = new Conn(s);
                conns[slot] = c;
            }
            c.out.write(request);
            byte[] buf = c.buf;
            int have = 0;
            int headEnd = -1;
            while (headEnd < 0) {
                int n = c.in.read(buf, have, buf.length - have);
                if (n < 0) {
                    throw new IOException("server closed the connection");
                }
                int from = Math.max(0, have - 3);
                have += n;
                for (int i = from; i + 3 < have; i++) {
                    if (buf[i] == '\r' && buf[i + 1] == '\n' && buf[i + 2] == '\r' && buf[i + 3] == '\n') {
                        headEnd = i + 4;
                        break;
                    }
                }
            }
            if (buf[9] != '2' || buf[10] != '0' || buf[11] != '0') {
                throw new IOException("status is not 200");
            }
            long length = contentLength(buf, headEnd);
            long left = length - (have - headEnd);
            while (left > 0) {
                int n = c.in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    throw new IOException("server closed the connection mid-body");
                }
                left -= n;
            }
            if (left < 0) {
                throw new IOException("unexpected bytes after the body");
            }
        }

        private static final byte[] CONTENT_LENGTH = "content-length:".getBytes(StandardCharsets.US_ASCII);

        private static long contentLength(byte[] b, int end) throws IOException {
            byte[] name = CONTENT_LENGTH;
            outer:
            for (int i = 0; i + name.length < end; i++) {
                if (i > 0 && b[i - 1] != '\n') {
                    continue;
                }
                for (int j = 0; j < name.length; j++) {
                    if (Character.toLowerCase(b[i + j]) != name[j]) {
                        continue outer;
                    }
                }
                long v = 0;
                for (int k = i + name.length; k < end && b[k] != '\r'; k++) {
                    if (b[k] >= '0' && b[k] <= '9') {
                        v = v * 10 + (b[k] - '0');
                    }
                }
                return v;
            }
            throw new IOException("no Content-Length");
        }

        @Override
        public void close() throws IOException {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }
}
