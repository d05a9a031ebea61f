package io.github.ollamalmstudioproxy;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.Test;

class StderrLoggingTest {
  @Test
  void oneLinePerEventOnStderrWithNettyAndVertxQuiet() {
    LoggerContext context = new LoggerContext();
    StderrLogging.apply(context, null);
    ch.qos.logback.classic.Logger root = context.getLogger("ROOT");
    assertThat(root.getLevel()).isEqualTo(Level.INFO);
    assertThat(context.getLogger("io.netty").getLevel()).isEqualTo(Level.WARN);
    assertThat(context.getLogger("io.vertx").getLevel()).isEqualTo(Level.WARN);
    ConsoleAppender<?> stderr = (ConsoleAppender<?>) root.getAppender("STDERR");
    assertThat(stderr.isStarted()).isTrue();
    assertThat(stderr.getTarget()).isEqualTo("System.err");
    assertThat(((PatternLayoutEncoder) stderr.getEncoder()).getPattern())
        .isEqualTo("%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{0} %msg%n");
    context.stop();
  }

  @Test
  void levelFromTheEnvironmentAsLogbackReadItFromTheFile() {
    assertThat(StderrLogging.level(null)).isEqualTo(Level.INFO);
    assertThat(StderrLogging.level(" ")).isEqualTo(Level.INFO);
    assertThat(StderrLogging.level("debug")).isEqualTo(Level.DEBUG);
    assertThat(StderrLogging.level("WARN")).isEqualTo(Level.WARN);
    assertThat(StderrLogging.level("off")).isEqualTo(Level.OFF);
    assertThat(StderrLogging.level("chatty")).isEqualTo(Level.DEBUG);
  }

  @Test
  void aLogbackFileOnTheClassPathStillWins() {
    // The test class path has logback-test.xml, as a user's -Dlogback.configurationFile would.
    assertThat(new StderrLogging().configure(new LoggerContext())).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
  }
}
