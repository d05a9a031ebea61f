package io.github.ollamalmstudioproxy.clients.support;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Collects WARN and ERROR lines that client libraries log. Several of them swallow a line they cannot parse and only
 * log it (ollama4j logs "Error parsing the Ollama chat response!" and ends the stream early), so a silent log is part
 * of "the client parsed everything".
 */
public final class ClientLogWatch extends AppenderBase<ILoggingEvent> {
  private final List<String> prefixes;
  private final List<String> lines = new ArrayList<>();

  private ClientLogWatch(List<String> prefixes) {
    this.prefixes = List.copyOf(prefixes);
  }

  /** Starts watching loggers whose names start with any of {@code loggerPrefixes}. */
  public static ClientLogWatch watch(String... loggerPrefixes) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    ClientLogWatch watch = new ClientLogWatch(List.of(loggerPrefixes));
    watch.setContext(context);
    watch.start();
    context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(watch);
    return watch;
  }

  @Override
  protected synchronized void append(ILoggingEvent event) {
    if (event.getLevel().isGreaterOrEqual(Level.WARN)
        && prefixes.stream().anyMatch(p -> event.getLoggerName().startsWith(p))) {
      String thrown = event.getThrowableProxy() == null ? "" : " (" + event.getThrowableProxy().getMessage() + ")";
      lines.add(event.getLevel() + " " + event.getLoggerName() + ": " + event.getFormattedMessage() + thrown);
    }
  }

  /** Warnings and errors seen since the last call; clears them. */
  public synchronized List<String> drain() {
    List<String> seen = List.copyOf(lines);
    lines.clear();
    return seen;
  }

  public void close() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(this);
    stop();
  }
}
