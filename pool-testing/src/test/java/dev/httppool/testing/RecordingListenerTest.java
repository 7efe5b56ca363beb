package dev.httppool.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.httppool.ClientTrace;
import dev.httppool.CloseReason;
import dev.httppool.ConnectMethodKey;
import dev.httppool.LeakDetection;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RecordingListenerTest {

    private static final ConnectMethodKey KEY = new ConnectMethodKey("", "http", "a.test:80", false);

    @Test
    void recordsListenerAndTraceEventsInOrderAsShortStrings() {
        RecordingListener events = new RecordingListener();

        events.getConn("a.test:80");
        events.connectStart("tcp", "a.test:80");
        events.connectDone("tcp", "a.test:80", null);
        events.dialed(KEY, true, 1);
        events.acquired(KEY, false, 0);
        events.gotConn(new ClientTrace.GotConnInfo(false, false, Duration.ZERO, "l", "r"));
        events.wroteRequest(new IOException("reset"));
        events.putIdleConn(CloseReason.TOO_MANY_IDLE_HOST);
        events.closed(KEY, CloseReason.TOO_MANY_IDLE_HOST);
        events.dialed(KEY, false, 1);
        events.leaked(KEY, LeakDetection.UNREACHABLE);

        assertThat(events.events()).containsExactly("getConn", "connectStart", "connectDone ok",
                "dialed |http|a.test:80 success", "acquired |http|a.test:80 reused=false",
                "gotConn reused=false wasIdle=false", "wroteRequest error", "putIdleConn TOO_MANY_IDLE_HOST",
                "closed |http|a.test:80 too-many-idle-host", "dialed |http|a.test:80 failure",
                "leaked |http|a.test:80 unreachable");
    }
}
