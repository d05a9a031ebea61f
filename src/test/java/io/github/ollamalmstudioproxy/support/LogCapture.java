package io.github.ollamalmstudioproxy.support;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/**
 * Every log event of the JVM while it is open, as the lines an operator would read: {@code LEVEL logger message},
 * with the stack trace's text appended. Closing it detaches it.
 */
public final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {
  private final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();
  private final Logger root;

  private LogCapture() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    setContext(context);
    setName("capture");
    start();
    root.addAppender(this);
  }

  public static LogCapture open() {
    return new LogCapture();
  }

  @Override
  protected void append(ILoggingEvent event) {
    events.add(event);
  }

  /** Each event as {@code LEVEL logger message}, the message formatted, a stack trace appended after a newline. */
  public List<String> lines() {
    return events.stream().map(e -> e.getLevel() + " " + e.getLoggerName() + " " + e.getFormattedMessage()
        + (e.getThrowableProxy() == null ? "" : "\n" + ThrowableProxyUtil.asString(e.getThrowableProxy()))).toList();
  }

  /** The events at {@code level} ("ERROR", "WARN", ...), as {@link #lines}. */
  public List<String> at(String level) {
    return lines().stream().filter(l -> l.startsWith(level + " ")).toList();
  }

  @Override
  public void close() {
    root.detachAppender(this);
    stop();
  }
}
