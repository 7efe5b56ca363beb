package dev.httppool.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Collects the WARNING records of one {@code java.util.logging} logger (where the core's {@code System.Logger}
 * names end up without a logging framework), from {@link #on} until {@link #close}.
 */
public final class WarningCapture implements AutoCloseable {

    private final Logger logger;
    private final List<LogRecord> records = Collections.synchronizedList(new ArrayList<>());
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel() == Level.WARNING) {
                records.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private WarningCapture(String loggerName) {
        this.logger = Logger.getLogger(loggerName);
        logger.addHandler(handler);
    }

    /** Starts collecting the warnings logged under {@code loggerName} (and the loggers below it). */
    public static WarningCapture on(String loggerName) {
        return new WarningCapture(loggerName);
    }

    /** The warnings so far, live: a synchronized list (hold its lock to iterate it while others log). */
    public List<LogRecord> records() {
        return records;
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
    }
}
