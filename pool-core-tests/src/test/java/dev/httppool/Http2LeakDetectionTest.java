package dev.httppool;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.httppool.testing.Async;
import dev.httppool.testing.FakeTicker;
import dev.httppool.testing.Http2TestServer;
import dev.httppool.testing.RecordingListener;
import dev.httppool.testing.TestTls;
import dev.httppool.testing.WarningCapture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Leak detection of HTTP/2 response bodies, each stream on its own (its connection is shared): a body dropped
 * unread has its stream reset and its stream slot freed, the connection staying; a stream held past the threshold
 * is reported with the stack of the code that made its request.
 */
@Timeout(60)
class Http2LeakDetectionTest extends TransportTestSupport {

    private final RecordingListener listener = new RecordingListener();
    private WarningCapture capture;
    private List<LogRecord> warnings;

    @BeforeEach
    void captureWarnings() {
        capture = WarningCapture.on("dev.httppool.pool");
        warnings = capture.records();
    }

    @AfterEach
    void stopCapturing() {
        capture.close();
    }

    private static String key(Http2TestServer server) {
        return "|https|127.0.0.1:" + server.port();
    }

    private boolean leaked(String key, LeakDetection detection) {
        return listener.events().contains("leaked " + key + " " + detection.tag());
    }

    @Test
    void anHttp2ResponseDroppedUnreadHasItsStreamResetAndItsSlotFreedWhileTheConnectionStays() throws Exception {
        Http2TestServer server = closeLater(Http2TestServer.start(1)); // one stream at a time per connection
        Transport transport = transport(Transport.builder().listener(listener)
                .sslContext(TestTls.get().clientContext())
                .config(TransportConfig.builder().maxConnsPerHost(1).build()));
        String key = key(server);
        dropUnread(transport, server.url("/stream?secret=1"));
        CompletableFuture<String> next = CompletableFuture.supplyAsync(() -> {
            try (Response r = transport.roundTrip(Request.get(server.url("/hello")))) {
                return new String(r.body().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, Async.THREADS);
        awaitTrue("the next request queued behind the leaked stream",
                () -> transport.snapshot().totals().waiting() == 1);

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!leaked(key, LeakDetection.UNREACHABLE) && System.nanoTime() < deadline) {
            System.gc();
            TimeUnit.MILLISECONDS.sleep(50); // poll interval while the collector and the maintenance work
        }

        assertThat(listener.events()).contains("leaked " + key + " unreachable");
        assertThat(next.get(5, SECONDS)).isEqualTo("hello");
        awaitTrue("the server saw the stream reset", () -> server.resets() == 1);
        assertThat(server.connectionsSeen()).as("the connection stayed").isEqualTo(1);
        assertThat(listener.events()).noneMatch(e -> e.startsWith("closed "));
        assertThat(warnings).anySatisfy(r -> assertThat(r.getMessage())
                .isEqualTo("connection to " + key + " was leaked; close the response body"));
        awaitPoolClean(transport);
        assertThat(transport.snapshot().key(key).idleConnections()).singleElement()
                .satisfies(c -> assertThat(c.protocol()).isEqualTo("h2"));
    }

    /** Makes a request and forgets its response without reading or closing it. */
    private static void dropUnread(Transport transport, String url) throws IOException {
        Response response = transport.roundTrip(Request.get(url));
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.protocol()).isEqualTo("HTTP/2.0");
    }

    @Test
    void anHttp2StreamHeldPastTheThresholdIsReportedWithTheStackOfTheCodeThatMadeTheRequest() throws Exception {
        Http2TestServer server = closeLater(Http2TestServer.start());
        FakeTicker ticker = new FakeTicker();
        Transport transport = transport(Transport.builder().listener(listener).ticker(ticker)
                .sslContext(TestTls.get().clientContext())
                .config(TransportConfig.builder().leakDetectionThreshold(Duration.ofSeconds(30)).build()));
        String key = key(server);

        try (Response quick = transport.roundTrip(Request.get(server.url("/bytes?n=10")))) {
            try (Response held = transport.roundTrip(Request.get(server.url("/slow/reader?page=2")))) {
                assertThat(held.status()).isEqualTo(404); // its body, a few bytes, stays unread for now
                quick.body().readAllBytes(); // this stream ends in time
                ticker.advance(Duration.ofSeconds(31));
                awaitTrue("the threshold report", () -> leaked(key, LeakDetection.THRESHOLD));

                assertThat(warnings).singleElement().satisfies(r -> {
                    assertThat(r.getMessage())
                            .startsWith("connection to " + key + " held for 31000 ms by GET /slow/reader");
                    assertThat(Arrays.stream(r.getThrown().getStackTrace()).map(StackTraceElement::getMethodName))
                            .contains("anHttp2StreamHeldPastTheThresholdIsReportedWithTheStackOfTheCodeThatMade"
                                    + "TheRequest");
                });
                held.body().readAllBytes(); // reported, not cut
            }
        }
        assertThat(listener.events()).filteredOn(e -> e.startsWith("leaked")).hasSize(1);
        awaitPoolClean(transport);
    }
}
