package io.github.ollamalmstudioproxy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The proxy's logging set-up, in code: one line per event on stderr, the level from {@code OLLAMA_PROXY_LOG_LEVEL}
 * (default INFO), Netty and Vert.x at WARN.
 *
 * <p>It replaces a {@code logback.xml} because reading XML made logback load its whole configuration machinery and the
 * JDK's XML parser at every start: about 650 classes, a fifth of those the proxy loads before its first answer
 * (BENCHMARKS.md, "Footprint"). A {@code -Dlogback.configurationFile} or a {@code logback-test.xml} on the class path
 * still wins: this configurator then steps aside and logback's own file configuration runs.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class StderrLogging extends ContextAwareBase implements Configurator {
  static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{0} %msg%n";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null
        || StderrLogging.class.getClassLoader().getResource("logback-test.xml") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    apply(context, System.getenv("OLLAMA_PROXY_LOG_LEVEL"));
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  static void apply(LoggerContext context, String levelName) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();
    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(context);
    stderr.setName("STDERR");
    stderr.setTarget("System.err");
    stderr.setEncoder(encoder);
    stderr.start();
    context.getLogger("io.netty").setLevel(Level.WARN);
    context.getLogger("io.vertx").setLevel(Level.WARN);
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(level(levelName));
    root.addAppender(stderr);
  }

  /** As logback read {@code ${OLLAMA_PROXY_LOG_LEVEL:-INFO}}: a name it does not know is DEBUG, unset or empty INFO. */
  static Level level(String name) {
    return name == null || name.isBlank() ? Level.INFO : Level.toLevel(name.trim(), Level.DEBUG);
  }
}
