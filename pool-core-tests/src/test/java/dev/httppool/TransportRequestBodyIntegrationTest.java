package dev.httppool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.httppool.testing.Async;
import dev.httppool.testing.ScriptServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Request bodies of every shape (small, large, unknown length) through retries, timeouts and failures:
 * Go §3.5 (rewind via GetBody), §3.6 (header timeout after the write), §3.10 (body failures).
 */
@Timeout(30)
class TransportRequestBodyIntegrationTest extends TransportTestSupport {

    private static final byte[] LARGE = "0123456789abcdef".repeat(8 * 1024).getBytes(StandardCharsets.UTF_8);

    /** A replayable body of the given shape: "small" (Content-Length), "large" (> 64 KiB) or "chunked". */
    private static RequestBody body(String shape) {
        byte[] bytes = shape.equals("large") ? LARGE : "small body".getBytes(StandardCharsets.UTF_8);
        long length = shape.equals("chunked") ? -1 : bytes.length;
        return RequestBody.ofSupplier(length, () -> new ByteArrayInputStream(bytes));
    }

    private static int expectedLength(String shape) {
        return shape.equals("large") ? LARGE.length : "small body".length();
    }

    /** Connection 1 answers the first request, then drops the second after reading it; others answer all. */
    private ScriptServer dropsSecondRequestOnConnectionOne() {
        return server(conn -> {
            int served = 0;
            ScriptServer.Request request;
            while ((request = conn.readRequest()) != null) {
                if (conn.id() == 1 && ++served == 2) {
                    return;
                }
                conn.respond(200, "got " + request.body().length);
            }
        });
    }

    @ParameterizedTest(name = "{0} body")
    @ValueSource(strings = {"small", "large", "chunked"})
    void anIdempotentPostOfAnyBodyShapeIsRetriedWithItsWholeBody(String shape) throws Exception {
        ScriptServer server = dropsSecondRequestOnConnectionOne();
        Transport transport = transport(TransportConfig.defaults());
        assertThat(get(transport, server.url("/prime"))).isEqualTo("got 0");

        Request post = Request.builder(server.url("/post")).post(body(shape)).header("Idempotency-Key", "k").build();
        String text = readToEof(transport.roundTrip(post));

        assertThat(text).isEqualTo("got " + expectedLength(shape));
        assertThat(server.requests()).extracting(r -> r.connectionId() + " " + r.target())
                .containsExactly("1 /prime", "1 /post", "2 /post");
        assertThat(server.requests().get(2).body()).hasSize(expectedLength(shape));
        if (shape.equals("chunked")) {
            assertThat(server.requests().get(2).headers("Transfer-Encoding")).containsExactly("chunked");
        }
    }

    @ParameterizedTest(name = "{0} body")
    @ValueSource(strings = {"small", "large", "chunked"})
    void aPlainPostOfAnyBodyShapeIsNotRetried(String shape) throws Exception {
        ScriptServer server = dropsSecondRequestOnConnectionOne();
        Transport transport = transport(TransportConfig.defaults());
        assertThat(get(transport, server.url("/prime"))).isEqualTo("got 0");

        Request post = Request.builder(server.url("/post")).post(body(shape)).build();
        Throwable thrown = catchThrowable(() -> transport.roundTrip(post));

        assertThat(thrown).isInstanceOf(IOException.class);
        assertThat(server.acceptedCount()).isEqualTo(1);
        assertThat(server.requests()).hasSize(2);
    }

    /** A body stream that hands out {@code first}, then blocks until {@code more} opens, then ends. */
    private static InputStream slowStream(byte[] first, CountDownLatch more) {
        return new InputStream() {
            private int pos;
            private boolean waited;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (pos < first.length) {
                    int n = Math.min(len, first.length - pos);
                    System.arraycopy(first, pos, b, off, n);
                    pos += n;
                    return n;
                }
                if (!waited) {
                    waited = true;
                    try {
                        more.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new java.io.InterruptedIOException();
                    }
                }
                return -1;
            }
        };
    }

    @ParameterizedTest(name = "{0} body")
    @ValueSource(strings = {"content-length", "chunked"})
    void responseHeaderTimeoutStartsOnlyOnceTheBodyIsWritten(String framing) throws Exception {
        ScriptServer server = server(ScriptServer.keepAlive(request -> "got " + request.bodyText()));
        Transport transport = transport(TransportConfig.builder()
                .responseHeaderTimeout(Duration.ofMillis(200)).build());
        CountDownLatch more = new CountDownLatch(1);
        byte[] bytes = "slowly written".getBytes(StandardCharsets.UTF_8);
        RequestBody slow = RequestBody.ofStream(framing.equals("chunked") ? -1 : bytes.length,
                slowStream(bytes, more));
        java.util.concurrent.CompletableFuture<String> result = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return readToEof(transport.roundTrip(
                                Request.builder(server.url("/upload")).post(slow).build()));
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }, Async.THREADS);

        // Writing the body takes longer than the header timeout.
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
        awaitTrue("body write outlasts the header timeout", () -> System.nanoTime() - until > 0);
        more.countDown();

        assertThat(result.get(5, TimeUnit.SECONDS)).isEqualTo("got slowly written");
    }

    @ParameterizedTest(name = "{0} body")
    @ValueSource(strings = {"content-length", "large", "chunked"})
    void aRequestBodyThatFailsFailsTheRequestWithItsErrorClosesTheConnectionAndIsNotRetried(String shape)
            throws Exception {
        ScriptServer server = server(conn -> {
            try {
                ScriptServer.Request request;
                while ((request = conn.readRequest()) != null) {
                    conn.respond(200, "got " + request.body().length);
                }
            } catch (IOException clientGaveUp) {
                // the client abandoned the request in the middle of its body
            }
        });
        Transport transport = transport(TransportConfig.defaults());
        assertThat(get(transport, server.url("/prime"))).isEqualTo("got 0");
        long length = shape.equals("chunked") ? -1 : shape.equals("large") ? 1_000_000 : 1_000;
        RequestBody failing = RequestBody.ofSupplier(length, () -> new InputStream() {
            private int n;

            @Override
            public int read() throws IOException {
                if (n++ < 500) {
                    return 'x';
                }
                throw new IOException("disk on fire");
            }
        });

        Throwable thrown = catchThrowable(() -> transport.roundTrip(Request.builder(server.url("/upload"))
                .post(failing).header("Idempotency-Key", "k").build()));

        assertThat(thrown).isInstanceOf(IOException.class);
        assertThat(thrown).satisfiesAnyOf(
                t -> assertThat(t).hasMessageContaining("disk on fire"),
                t -> assertThat(t).hasStackTraceContaining("disk on fire"));
        assertThat(server.acceptedCount()).as("a failing body is never retried").isEqualTo(1);
        awaitTrue("connection closed", () -> transport.snapshot().totals().connections() == 0);
        assertThat(closed(transport, CloseReason.BROKEN)).isEqualTo(1);
        assertThat(server.awaitOpenCount(0, WAIT)).isTrue();
    }

    @Test
    void aLargeBodyReadByTheServerLeavesTheConnectionReusable() throws Exception {
        ScriptServer server = server(ScriptServer.keepAlive(request -> "got " + request.body().length));
        Transport transport = transport(TransportConfig.defaults());

        for (String shape : new String[] {"large", "chunked", "large"}) {
            Request post = Request.builder(server.url("/" + shape)).post(body(shape)).build();
            assertThat(readToEof(transport.roundTrip(post))).isEqualTo("got " + expectedLength(shape));
        }

        assertThat(connectionIds(server)).containsExactly(1, 1, 1);
        assertThat(server.requests().get(0).body()).isEqualTo(LARGE);
    }
}
