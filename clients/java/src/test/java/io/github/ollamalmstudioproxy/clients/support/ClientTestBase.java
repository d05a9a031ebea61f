package io.github.ollamalmstudioproxy.clients.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ollamalmstudioproxy.simulator.SimulatorScript;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * One proxy + simulator per test class; before each test the simulator is reset to its fast demo answer, and after
 * each test the client libraries must not have logged a warning or an error.
 */
public abstract class ClientTestBase {
  /** The simulator's demo answer, as the client must reassemble it. */
  protected static final String DEMO_ANSWER = String.join("", SimulatorScript.DEFAULT_TOKENS);

  protected static ProxyWithSimulator proxy;
  private static ClientLogWatch logs;

  @BeforeAll
  static void startProxy() {
    proxy = ProxyWithSimulator.start();
    logs = ClientLogWatch.watch("io.github.ollama4j", "dev.langchain4j", "org.springframework", "com.openai",
        "reactor");
  }

  @AfterAll
  static void stopProxy() {
    logs.close();
    proxy.close();
  }

  @BeforeEach
  void resetSimulator() {
    proxy.reset();
    logs.drain();
  }

  @AfterEach
  void clientLoggedNoWarning() {
    List<String> seen = logs.drain();
    assertThat(seen).as("warnings and errors logged by the client library").isEmpty();
  }

  /** A long, slow answer, so that a client can leave while it streams. */
  protected static void slowEndlessAnswer() {
    proxy.script().tokens(java.util.Collections.nCopies(500, " word"))
        .tokenInterval(java.time.Duration.ofMillis(20));
  }
}
