package dev.keeper.server.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;

/**
 * Records what the server logs under {@code dev.keeper} while open, to assert on the lines an operator sees: the
 * errors a storage failure writes, or the one clear line bad input costs (exactly one INFO or WARN line that
 * names the bad connection, by its client port or its session id, and says what was wrong). Shared with
 * compat-tests through this module's test-jar.
 */
public final class LogCapture implements AutoCloseable {
    private final Logger logger = (Logger) LoggerFactory.getLogger("dev.keeper");
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    public LogCapture() {
        appender.start();
        logger.addAppender(appender);
    }

    /** Everything logged so far. The appender adds under its own lock (AppenderBase.doAppend), so read under it. */
    private List<ILoggingEvent> events() {
        synchronized (appender) {
            return new ArrayList<>(appender.list);
        }
    }

    /** The formatted messages logged at ERROR so far. */
    public List<String> errors() {
        return events().stream().filter(e -> e.getLevel() == Level.ERROR)
                .map(ILoggingEvent::getFormattedMessage).toList();
    }

    /** The formatted messages logged at WARN so far. */
    public List<String> warnings() {
        return events().stream().filter(e -> e.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).toList();
    }

    /** Lines at INFO and above that name the connection from {@code clientPort}, or {@code sessionId} if not 0. */
    public List<ILoggingEvent> about(int clientPort, long sessionId) {
        Pattern names = Pattern.compile(sessionId == 0
                ? "127\\.0\\.0\\.1:" + clientPort + "\\b"
                : "127\\.0\\.0\\.1:" + clientPort + "\\b|0x" + Long.toHexString(sessionId) + "\\b");
        List<ILoggingEvent> hits = new ArrayList<>();
        for (ILoggingEvent e : events()) {
            if (e.getLevel().isGreaterOrEqual(Level.INFO) && names.matcher(e.getFormattedMessage()).find()) {
                hits.add(e);
            }
        }
        return hits;
    }

    /**
     * Asserts that exactly one INFO or WARN line names the connection and contains {@code cause}. Lines are
     * written on I/O and processor threads, so this waits (bounded) for the first one, then a moment for any
     * second line a double report would add.
     */
    public void assertOneLine(int clientPort, long sessionId, String cause) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (about(clientPort, sessionId).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        Thread.sleep(300);
        List<ILoggingEvent> lines = about(clientPort, sessionId);
        List<String> text = lines.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
        assertEquals(1, lines.size(), "one log line about the connection from port " + clientPort + ": " + text);
        ILoggingEvent line = lines.get(0);
        assertTrue(line.getLevel() == Level.INFO || line.getLevel() == Level.WARN, "INFO or WARN: " + text);
        assertTrue(line.getFormattedMessage().contains(cause), "the line names the cause '" + cause + "': " + text);
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
    }
}
