package io.puerta.runtime.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Every log line written while it is open, at every level, with stack traces: for tests that check what must never
 * be logged (secrets) and what must be.
 */
public final class LogCapture implements AutoCloseable {

    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final ch.qos.logback.classic.Level before;

    private LogCapture() {
        before = root.getLevel();
        root.setLevel(ch.qos.logback.classic.Level.ALL);
        appender.setContext(root.getLoggerContext());
        appender.start();
        root.addAppender(appender);
    }

    /** Starts capturing every logger at every level. */
    public static LogCapture start() {
        return new LogCapture();
    }

    /** The lines so far: logger, level, message and stack trace. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        synchronized (appender) { // AppenderBase.doAppend holds this lock while it adds
            for (ILoggingEvent event : new ArrayList<>(appender.list)) {
                String line = event.getLoggerName() + " " + event.getLevel() + " " + event.getFormattedMessage();
                if (event.getThrowableProxy() != null) {
                    line += "\n" + ThrowableProxyUtil.asString(event.getThrowableProxy());
                }
                lines.add(line);
            }
        }
        return lines;
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        appender.stop();
        root.setLevel(before);
    }
}
