package dev.httppool;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.httppool.testing.FakeTicker;
import dev.httppool.testing.WarningCapture;
import dev.httppool.testing.RecordingListener;
import dev.httppool.testing.ScriptServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Both leak detections through a real transport: a response dropped unread, and one held past the threshold. */
@Timeout(60)
class LeakDetectionIntegrationTest extends TransportTestSupport {

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

    private boolean leaked(String key, LeakDetection detection) {
        return listener.events().contains("leaked " + key + " " + detection.tag());
    }

    @Test
    void aResponseDroppedUnreadIsReclaimedSoAWaiterAtMaxConnsPerHostProceeds() throws Exception {
        ScriptServer server = server(ScriptServer.keepAliveResponding((conn, request) -> conn.respond(200, "hello")));
        Transport transport = transport(Transport.builder().listener(listener)
                .config(TransportConfig.builder().maxConnsPerHost(1).build()));
        String key = "|http|" + server.address();
        dropUnread(transport, server.url("/leaky?secret=1"));
        CompletableFuture<String> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                return get(transport, server.url("/next"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        awaitTrue("the waiter queued behind the leaked connection",
                () -> transport.snapshot().totals().waiting() == 1);

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!leaked(key, LeakDetection.UNREACHABLE) && System.nanoTime() < deadline) {
            System.gc();
            TimeUnit.MILLISECONDS.sleep(50); // poll interval while the collector and the reaper work
        }

        assertThat(listener.events()).contains("leaked " + key + " unreachable", "closed " + key + " broken");
        assertThat(waiter.get(5, SECONDS)).isEqualTo("hello");
        assertThat(connectionIds(server)).containsExactly(1, 2);
        assertThat(closed(transport, CloseReason.BROKEN)).isEqualTo(1);
        assertThat(warnings).anySatisfy(r -> assertThat(r.getMessage())
                .isEqualTo("connection to " + key + " was leaked; close the response body"));
        awaitPoolClean(transport);
        assertThat(transport.snapshot().totals().connections()).isEqualTo(1); // the waiter's, idle
    }

    /** Makes a request and forgets its response without reading or closing it. */
    private static void dropUnread(Transport transport, String url) throws IOException {
        Response response = transport.roundTrip(Request.get(url));
        assertThat(response.status()).isEqualTo(200);
    }

    @Test
    void aResponseHeldPastTheThresholdIsReportedWithTheStackOfTheCodeThatMadeTheRequest() throws Exception {
        ScriptServer server = server(ScriptServer.keepAliveResponding((conn, request) -> conn.respond(200, "hello")));
        FakeTicker ticker = new FakeTicker();
        Transport transport = transport(Transport.builder().listener(listener).ticker(ticker)
                .config(TransportConfig.builder().leakDetectionThreshold(Duration.ofSeconds(30)).build()));
        String key = "|http|" + server.address();

        try (Response response = transport.roundTrip(Request.get(server.url("/slow/reader?page=2")))) {
            ticker.advance(Duration.ofSeconds(31));
            awaitTrue("the threshold report", () -> leaked(key, LeakDetection.THRESHOLD));

            PoolSnapshot.ActiveConnection held = transport.snapshot().key(key).activeConnections().get(0);
            assertThat(held.leakSuspected()).isTrue();
            assertThat(held.request()).isEqualTo("GET /slow/reader");
            assertThat(held.heldMillis()).isGreaterThanOrEqualTo(31_000);
            assertThat(warnings).singleElement().satisfies(r -> {
                assertThat(r.getMessage()).startsWith("connection to " + key + " held for 31000 ms by GET /slow/reader");
                assertThat(Arrays.stream(r.getThrown().getStackTrace()).map(StackTraceElement::getMethodName))
                        .contains("aResponseHeldPastTheThresholdIsReportedWithTheStackOfTheCodeThatMadeTheRequest");
            });
            assertThat(readToEof(response)).isEqualTo("hello"); // reported, not cut
        }
        assertThat(listener.events()).filteredOn(e -> e.startsWith("leaked")).hasSize(1);
        assertThat(transport.snapshot().key(key).activeConnections()).isEmpty();
    }
}
