package dev.httppool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.httppool.testing.GatedDialer;
import dev.httppool.testing.ScriptServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;

/**
 * Base class of the transport integration tests: owns the transports and servers a test creates, checks
 * after every test that each transport's pool holds no active, dialing or waiting entry, and closes
 * everything (last created first).
 */
abstract class TransportTestSupport {

    /** Upper bound for anything a test waits for; generous for a loaded 2-core machine. */
    static final Duration WAIT = Duration.ofSeconds(5);

    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private final List<Transport> transports = new ArrayList<>();
    private final List<GatedDialer> dialers = new ArrayList<>();

    /** A transport with {@code config}, checked and closed after the test. */
    final Transport transport(TransportConfig config) {
        return transport(Transport.builder().config(config));
    }

    /** A transport from {@code builder}, checked and closed after the test. */
    final Transport transport(Transport.Builder builder) {
        Transport transport = builder.build();
        transports.add(transport);
        resources.push(transport);
        return transport;
    }

    /** A gated dialer whose gates are all opened after the test, before the pool check. */
    final GatedDialer gatedDialer() {
        GatedDialer dialer = new GatedDialer();
        dialers.add(dialer);
        return dialer;
    }

    /** A plain-text script server, closed after the test. */
    final ScriptServer server(ScriptServer.Handler handler) {
        return closeLater(ScriptServer.start(handler));
    }

    /** Closes {@code resource} after the test, before everything registered earlier. */
    final <T extends AutoCloseable> T closeLater(T resource) {
        resources.push(resource);
        return resource;
    }

    @AfterEach
    final void assertPoolsCleanThenCloseEverything() throws Exception {
        Throwable failure = null;
        dialers.forEach(GatedDialer::openAllGates); // a failed test may have left a dial blocked
        try {
            for (Transport transport : transports) {
                awaitPoolClean(transport);
            }
        } catch (Throwable t) {
            failure = t;
        }
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Throwable t) {
                if (failure == null) {
                    failure = t;
                } else {
                    failure.addSuppressed(t);
                }
            }
        }
        if (failure instanceof Exception) {
            throw (Exception) failure;
        }
        if (failure instanceof Error) {
            throw (Error) failure;
        }
    }

    /** Waits (bounded) until no connection is active or dialing and no request waits. */
    static void awaitPoolClean(Transport transport) {
        awaitTrue("pool clean (active = dialing = waiting = 0)", () -> {
            PoolSnapshot.Totals t = transport.snapshot().totals();
            return t.active() == 0 && t.dialing() == 0 && t.waiting() == 0;
        });
        PoolSnapshot.Totals totals = transport.snapshot().totals();
        assertThat(totals.active()).as("active").isZero();
        assertThat(totals.dialing()).as("dialing").isZero();
        assertThat(totals.waiting()).as("waiting").isZero();
    }

    /** Polls {@code condition} until it holds, failing after {@link #WAIT}. */
    static void awaitTrue(String what, BooleanSupplier condition) {
        awaitTrue(what, condition, WAIT);
    }

    /** Polls {@code condition} until it holds, failing after {@code timeout}. */
    static void awaitTrue(String what, BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
            }
            try {
                TimeUnit.MILLISECONDS.sleep(5); // poll interval, not synchronisation
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for: " + what, e);
            }
        }
    }

    /** Waits for a latch, failing after {@link #WAIT}. */
    static void await(CountDownLatch latch, String what) throws InterruptedException {
        if (!latch.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("timed out after " + WAIT + " waiting for: " + what);
        }
    }

    /** Reads the body to its end (which returns the connection) without calling close(). */
    static String readToEof(Response response) throws IOException {
        return new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
    }

    /** GET {@code url}, reads the body to its end and returns it. */
    static String get(Transport transport, String url) throws IOException {
        return readToEof(transport.roundTrip(Request.get(url)));
    }

    /** The id of the server connection that carried each request, in order. */
    static List<Integer> connectionIds(ScriptServer server) {
        List<Integer> ids = new ArrayList<>();
        for (ScriptServer.Request r : server.requests()) {
            ids.add(r.connectionId());
        }
        return ids;
    }

    /** The idle count of {@code server}'s key (0 when the pool holds nothing for it). */
    static int idleFor(Transport transport, ScriptServer server) {
        PoolSnapshot.KeyStats key = transport.snapshot().key("|http|" + server.address());
        return key == null ? 0 : key.idle();
    }

    /** How many connections were closed for {@code reason}. */
    static long closed(Transport transport, CloseReason reason) {
        Map<String, Long> closed = transport.snapshot().stats().closed();
        return closed.getOrDefault(reason.tag(), 0L);
    }

    /** gzip-compresses UTF-8 text. */
    static byte[] gzip(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A response head (status line, the given header lines, blank line) followed by {@code body}. */
    static byte[] rawResponse(String statusLine, byte[] body, String... headerLines) {
        StringBuilder head = new StringBuilder(statusLine).append("\r\n");
        for (String line : headerLines) {
            head.append(line).append("\r\n");
        }
        head.append("\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(body);
        return out.toByteArray();
    }

    /** {@code body} in the chunked coding, split into chunks of at most {@code chunkSize} bytes. */
    static byte[] chunked(byte[] body, int chunkSize) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int off = 0; off < body.length; off += chunkSize) {
            int n = Math.min(chunkSize, body.length - off);
            out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body, off, n);
            out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }
}
