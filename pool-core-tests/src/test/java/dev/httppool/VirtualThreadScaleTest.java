package dev.httppool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.httppool.testing.ScriptServer;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15 item 2: many blocking callers through one {@link Transport} with a small {@code maxConnsPerHost}, so
 * that nearly all of them queue for a connection. On JDK 21 or later, 2,000 virtual threads, with JFR recording
 * {@code jdk.VirtualThreadPinned} at threshold zero: no such event may have a frame of httppool's own classes. On
 * any JDK, 256 platform threads. Pins by the JVM's own class loading and initialisation (virtual threads racing to
 * load a class on first use; JDK 24+ names them in {@code pinnedReason}) are the JDK's, not httppool's: a warm-up
 * through the same paths runs before the recording starts, and any such pin left is not counted. Afterwards every request got its own body, the server saw at most the cap of
 * connections and the pool holds nothing but idle connections matching the server's open sockets.
 *
 * <p>Compiled for Java 17: virtual threads are started through {@code Executors.newVirtualThreadPerTaskExecutor}
 * looked up reflectively, and the virtual-thread tests are skipped where it does not exist. CI runs this class on
 * a JDK 21+ as well when it finds one (.ci/run; the README's "Virtual threads" section).
 */
class VirtualThreadScaleTest extends TransportTestSupport {

    private static final int MAX_CONNS_PER_HOST = 8;
    private static final String PINNED = "jdk.VirtualThreadPinned";

    @TempDir
    Path tmp;

    @Test
    void twoThousandVirtualThreadsThroughEightConnectionsAllSucceedWithoutPinningAndLeaveThePoolClean()
            throws Exception {
        ExecutorService virtual = virtualThreadPerTaskExecutor();
        assumeTrue(virtual != null, "virtual threads need JDK 21 or later");
        manyCallersThroughACappedTransport(virtualThreadPerTaskExecutor(), 64); // loads the classes of every path
        List<RecordedEvent> pinned;
        try (Recording recording = pinningRecording()) {
            recording.start();
            manyCallersThroughACappedTransport(virtual, 2_000);
            pinned = stopAndRead(recording);
        }
        List<String> onHttppoolPaths = new ArrayList<>();
        for (RecordedEvent e : pinned) {
            if (hasHttppoolFrame(e) && !byClassLoadingOrInitialization(e)) {
                onHttppoolPaths.add(e.toString());
            }
        }
        assertThat(onHttppoolPaths).as("virtual-thread pinning events with httppool frames").isEmpty();
    }

    @Test
    void twoHundredFiftySixPlatformThreadsThroughEightConnectionsAllSucceedAndLeaveThePoolClean() throws Exception {
        manyCallersThroughACappedTransport(Executors.newFixedThreadPool(256, SoakTest.daemon("vt-scale-")), 256 * 4);
    }

    /** Guards the pinning assertion above against recording nothing at all: a deliberate pin is seen. */
    @Test
    void theRecordingSeesAVirtualThreadPinnedByAClassInitializer() throws Exception {
        ExecutorService virtual = virtualThreadPerTaskExecutor();
        assumeTrue(virtual != null, "virtual threads need JDK 21 or later");
        List<RecordedEvent> pinned;
        try (Recording recording = pinningRecording()) {
            recording.start();
            try {
                virtual.submit(() -> ParksInItsInitializer.touch()).get(5, TimeUnit.SECONDS);
            } finally {
                virtual.shutdown();
            }
            pinned = stopAndRead(recording);
        }
        assertThat(pinned).anySatisfy(e -> assertThat(e.getStackTrace().getFrames())
                .anySatisfy(f -> assertThat(f.getMethod().getType().getName())
                        .isEqualTo(ParksInItsInitializer.class.getName())));
    }

    private void manyCallersThroughACappedTransport(ExecutorService callers, int requests) throws Exception {
        ScriptServer server = server(ScriptServer.keepAlive(r -> "ok " + r.target()));
        Transport transport = transport(TransportConfig.builder().maxConnsPerHost(MAX_CONNS_PER_HOST)
                .maxIdleConnsPerHost(MAX_CONNS_PER_HOST).connWaitTimeout(Duration.ofSeconds(60)).build());
        List<Future<String>> results = new ArrayList<>(requests);
        try {
            for (int i = 0; i < requests; i++) {
                String path = "/vt/" + i;
                Callable<String> call = () -> get(transport, server.url(path));
                results.add(callers.submit(call));
            }
            for (int i = 0; i < requests; i++) {
                assertThat(results.get(i).get(60, TimeUnit.SECONDS)).as("body of request %d", i)
                        .isEqualTo("ok /vt/" + i);
            }
        } finally {
            callers.shutdownNow();
            assertThat(callers.awaitTermination(10, TimeUnit.SECONDS)).as("callers ended").isTrue();
        }
        assertThat(server.requests()).as("requests the server received").hasSize(requests);
        assertThat(server.acceptedCount()).as("connections the server saw").isBetween(1, MAX_CONNS_PER_HOST);
        FaultIsolationTest.assertPoolHoldsOnlyIdleConnectionsMatchingTheServer(transport, server);
        assertThat(transport.snapshot().totals().idle()).isLessThanOrEqualTo(MAX_CONNS_PER_HOST);
        server.assertNoHandlerErrors();
    }

    private static Recording pinningRecording() {
        Recording recording = new Recording();
        recording.enable(PINNED).withThreshold(Duration.ZERO).withStackTrace();
        return recording;
    }

    private List<RecordedEvent> stopAndRead(Recording recording) throws IOException {
        recording.stop();
        Path file = Files.createTempFile(tmp, "pinning", ".jfr");
        recording.dump(file);
        List<RecordedEvent> pinned = new ArrayList<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            if (e.getEventType().getName().equals(PINNED)) {
                pinned.add(e);
            }
        }
        return pinned;
    }

    /** Whether a frame of the event's stack belongs to a class of pool-core (loaded from where Transport was). */
    private static boolean hasHttppoolFrame(RecordedEvent e) {
        if (e.getStackTrace() == null) {
            return true; // cannot tell: count it
        }
        URL core = location(Transport.class);
        for (RecordedFrame f : e.getStackTrace().getFrames()) {
            String type = f.getMethod().getType().getName();
            if (!type.startsWith("dev.httppool.")) {
                continue;
            }
            try {
                if (core.equals(location(Class.forName(type, false, Transport.class.getClassLoader())))) {
                    return true;
                }
            } catch (ClassNotFoundException notLoadable) {
                return true;
            }
        }
        return false;
    }

    /** A pin by the JVM loading or initialising a class, which no library code can avoid. */
    private static boolean byClassLoadingOrInitialization(RecordedEvent e) {
        if (e.hasField("pinnedReason") && String.valueOf(e.getValue("pinnedReason")).contains("initialization")) {
            return true;
        }
        if (e.getStackTrace() == null) {
            return false;
        }
        for (RecordedFrame f : e.getStackTrace().getFrames()) {
            if (f.getMethod().getType().getName().equals("java.lang.ClassLoader")
                    && f.getMethod().getName().equals("loadClass")) {
                return true;
            }
        }
        return false;
    }

    private static URL location(Class<?> type) {
        CodeSource source = type.getProtectionDomain().getCodeSource();
        return source == null ? null : source.getLocation();
    }

    /** Null before JDK 21. */
    private static ExecutorService virtualThreadPerTaskExecutor() {
        try {
            return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    /** A virtual thread initialising this class parks while pinned (class initialisation pins on JDK 21-25). */
    private static final class ParksInItsInitializer {
        static {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }

        static void touch() {
        }
    }
}
