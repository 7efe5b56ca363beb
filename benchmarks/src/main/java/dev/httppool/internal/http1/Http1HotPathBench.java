package dev.httppool.internal.http1;

import dev.httppool.ConnectMethodKey;
import dev.httppool.Headers;
import dev.httppool.Request;
import dev.httppool.TransportConfig;
import dev.httppool.internal.exchange.KeepAliveHint;
import dev.httppool.internal.exchange.PreparedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The per-request work of an HTTP/1.1 exchange outside the pool and the socket, as the benchmark's GET of nginx's
 * {@code /small} does it: build the request, prepare it (target, Host, the headers the transport adds), write its
 * head into a connection's write buffer, parse nginx's response head and make the checks the exchange makes on it
 * (Connection, body framing, Keep-Alive, Content-Encoding). Run with {@code -prof gc} for B/op; run it once with
 * an older commit's pool-core classes first on the class path to compare (see
 * results/2026-12-01-hotpath.md). Lives in {@code internal.http1} for the package-private wire buffers.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class Http1HotPathBench {

    /** nginx 1.22's answer to {@code GET /small} ({@code return 200 "..."}), byte for byte. */
    private static final byte[] NGINX_HEAD = ("HTTP/1.1 200 OK\r\n"
            + "Server: nginx/1.22.1\r\n"
            + "Date: Tue, 01 Dec 2026 11:00:00 GMT\r\n"
            + "Content-Type: application/octet-stream\r\n"
            + "Content-Length: 13\r\n"
            + "Connection: keep-alive\r\n"
            + "\r\n").getBytes(StandardCharsets.ISO_8859_1);

    private final URI uri = URI.create("http://127.0.0.1:8080/small");
    private final TransportConfig config = TransportConfig.defaults();
    private final ConnectMethodKey key = ConnectMethodKey.direct(uri);
    private WireOutput out;
    private WireInput in;

    @Setup
    public void setUp() {
        out = new WireOutput(OutputStream.nullOutputStream(), new BufferPool(4096, 0));
        in = new WireInput(new Repeating(NGINX_HEAD), 4096);
    }

    /** Request building and preparation: what Transport.roundTrip does before it asks the pool. */
    @Benchmark
    public Object prepare() {
        return new PreparedRequest(Request.get(uri), null, config, key, "Go-http-client/1.1");
    }

    /** Writing a prepared GET's head and reading nginx's response head, with the exchange's checks. */
    @Benchmark
    public void writeAndParse(Blackhole bh) throws IOException {
        RequestHeadWriter.write(out, "GET", "/small", PREPARED_HEADERS);
        out.flush();
        ResponseHead head = ResponseHeadParser.read(in, 1 << 20);
        Headers h = head.headers();
        bh.consume(h.hasToken("Connection", "close"));
        bh.consume(BodyFraming.of("GET", head));
        bh.consume(KeepAliveHint.of(h));
        bh.consume(h.first("Content-Encoding"));
    }

    /**
     * CPU time per operation, not wall time: on a machine shared with other work the thread's own CPU time
     * ({@code ThreadMXBean}) is what the code costs, whatever else is scheduled. Runs each benchmark method in
     * a loop after a warm-up and prints the median and the least of {@code rounds} timed rounds, in ns of CPU per
     * op. Usage: {@code java -cp ... dev.httppool.internal.http1.Http1HotPathBench [ops per round] [rounds]}.
     */
    public static void main(String[] args) throws IOException {
        int ops = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        Http1HotPathBench b = new Http1HotPathBench();
        b.setUp();
        Blackhole bh = new Blackhole(
                "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
        for (String op : new String[] {"prepare", "writeAndParse"}) {
            double[] perOp = new double[rounds];
            for (int r = -3; r < rounds; r++) { // three untimed rounds warm the JIT up
                long start = threads.getCurrentThreadCpuTime();
                for (int i = 0; i < ops; i++) {
                    if (op.equals("prepare")) {
                        bh.consume(b.prepare());
                    } else {
                        b.writeAndParse(bh);
                    }
                }
                if (r >= 0) {
                    perOp[r] = (threads.getCurrentThreadCpuTime() - start) / (double) ops;
                }
            }
            java.util.Arrays.sort(perOp);
            System.out.printf(java.util.Locale.ROOT, "%s: CPU ns/op median %.1f min %.1f%n", op, perOp[rounds / 2],
                    perOp[0]);
        }
    }

    private static final Headers PREPARED_HEADERS = Headers.of("Host", "127.0.0.1:8080",
            "User-Agent", "Go-http-client/1.1", "Accept-Encoding", "gzip");

    /** The same bytes over and over, as a keep-alive connection answering the same request. */
    private static final class Repeating extends InputStream {
        private final byte[] bytes;
        private int pos;

        Repeating(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public int read() {
            int b = bytes[pos] & 0xff;
            pos = (pos + 1) % bytes.length;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            int n = Math.min(len, bytes.length - pos);
            System.arraycopy(bytes, pos, b, off, n);
            pos = (pos + n) % bytes.length;
            return n;
        }
    }
}
