package dev.httppool.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.System.Logger.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class WarningCaptureTest {

    @Test
    void collectsTheWarningsOfALoggerAndItsChildrenUntilClosed() {
        System.Logger child = System.getLogger("dev.httppool.capture-test.child");
        WarningCapture capture = WarningCapture.on("dev.httppool.capture-test");
        child.log(Level.WARNING, "first");
        child.log(Level.INFO, "not a warning");
        capture.close();
        child.log(Level.WARNING, "after close");

        assertThat(capture.records()).extracting(LogRecord::getMessage).containsExactly("first");
    }
}
