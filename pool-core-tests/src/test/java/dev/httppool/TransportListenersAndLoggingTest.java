package dev.httppool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.httppool.testing.RecordingListener;
import dev.httppool.testing.ScriptServer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Several listeners on one transport, and the DEBUG story of each connection on {@code System.Logger}. */
@Timeout(30)
class TransportListenersAndLoggingTest extends TransportTestSupport {

    private final Logger poolLogger = Logger.getLogger("dev.httppool.pool");
    private final List<LogRecord> records = Collections.synchronizedList(new ArrayList<>());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private Level previousLevel;

    @BeforeEach
    void captureLogs() {
        previousLevel = poolLogger.getLevel();
        poolLogger.addHandler(capture);
    }

    @AfterEach
    void restoreLogs() {
        poolLogger.removeHandler(capture);
        poolLogger.setLevel(previousLevel);
    }

    @Test
    void everyListenerGivenToTheBuilderReceivesEveryEventInOrder() throws Exception {
        ScriptServer server = server(ScriptServer.keepAliveResponding((conn, request) -> conn.respond(200, "ok")));
        RecordingListener first = new RecordingListener();
        RecordingListener second = new RecordingListener();
        Transport transport = transport(Transport.builder().listener(first).listener(second));

        get(transport, server.url("/a"));
        get(transport, server.url("/b"));
        transport.closeIdleConnections();

        String key = "|http|" + server.address();
        assertThat(first.events()).containsExactly("dialed " + key + " success", "acquired " + key + " reused=false",
                "acquired " + key + " reused=true", "closed " + key + " close-idle");
        assertThat(second.events()).isEqualTo(first.events());
    }

    @Test
    void aListenerAddedAfterBuildingReceivesLaterEventsAndARemovedOneNoMore() throws Exception {
        ScriptServer server = server(ScriptServer.keepAliveResponding((conn, request) -> conn.respond(200, "ok")));
        Transport transport = transport(TransportConfig.defaults());
        get(transport, server.url("/before"));
        RecordingListener late = new RecordingListener();

        transport.addListener(late);
        get(transport, server.url("/while-added"));
        boolean removed = transport.removeListener(late);
        get(transport, server.url("/after"));

        assertThat(removed).isTrue();
        assertThat(late.events()).containsExactly("acquired |http|" + server.address() + " reused=true");
    }

    @Test
    void aListenerThatThrowsStopsNeitherTheOthersNorTheRequestAndIsLoggedAtWarn() throws Exception {
        ScriptServer server = server(ScriptServer.keepAliveResponding((conn, request) -> conn.respond(200, "ok")));
        RecordingListener after = new RecordingListener();
        TransportListener broken = new TransportListener() {
            @Override
            public void acquired(ConnectMethodKey key, boolean reused, long waitNanos) {
                throw new IllegalStateException("listener bug");
            }
        };
        Transport transport = transport(Transport.builder().listener(broken).listener(after));

        String body = get(transport, server.url("/"));

        assertThat(body).isEqualTo("ok");
        assertThat(after.events()).contains("acquired |http|" + server.address() + " reused=false");
        assertThat(records).anySatisfy(r -> {
            assertThat(r.getLevel()).isEqualTo(Level.WARNING);
            assertThat(r.getThrown()).hasMessage("listener bug");
        });
    }

    @Test
    void debugTellsTheStoryOfAConnectionDialReuseIdleAndCloseWithItsReason() throws Exception {
        poolLogger.setLevel(Level.FINE); // System.Logger's DEBUG on the JDK's default backend
        ScriptServer server = server(ScriptServer.keepAliveResponding((conn, request) -> conn.respond(200, "ok")));
        Transport transport = transport(TransportConfig.defaults());

        get(transport, server.url("/a"));
        get(transport, server.url("/b"));
        transport.closeIdleConnections();

        String conn = "conn#1 |http|" + server.address();
        assertThat(messages()).containsSubsequence(
                "dialed " + conn + " in",
                "using new " + conn,
                "returned " + conn + " to the idle list",
                "reusing " + conn + ", idle for",
                "returned " + conn + " to the idle list",
                "closing " + conn + ": close-idle");
    }

    @Test
    void normalOperationLogsNothingAtInfoOrAbove() throws Exception {
        poolLogger.setLevel(Level.ALL);
        ScriptServer server = server(ScriptServer.keepAliveResponding((conn, request) -> conn.respond(200, "ok")));
        Transport transport = transport(TransportConfig.defaults());

        get(transport, server.url("/a"));
        get(transport, server.url("/b"));
        transport.closeIdleConnections();

        assertThat(records).isNotEmpty().allSatisfy(r -> assertThat(r.getLevel().intValue())
                .isLessThan(Level.INFO.intValue()));
    }

    /** The formatted messages, each cut at its first digit run after the fixed part, so timings do not matter. */
    private List<String> messages() {
        List<String> out = new ArrayList<>();
        synchronized (records) {
            for (LogRecord r : records) {
                String m = java.text.MessageFormat.format(r.getMessage(), r.getParameters());
                int in = m.indexOf(" in ");
                int idleFor = m.indexOf(", idle for");
                out.add(in > 0 && m.startsWith("dialed") ? m.substring(0, in + 3)
                        : idleFor > 0 ? m.substring(0, idleFor + 10) : m);
            }
        }
        return out;
    }
}
