package io.github.ollamalmstudioproxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ollamalmstudioproxy.backend.TransportFailures;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import java.net.ConnectException;
import java.net.URI;
import org.junit.jupiter.api.Test;

class FailuresTest {
  private static final TransportFailures TRANSPORT = new TransportFailures(URI.create("http://127.0.0.1:1234"));
  private static final Caller CALLER = new Caller() {
    @Override
    public String id() {
      return "test";
    }

    @Override
    public String model() {
      return "m";
    }

    @Override
    public LoadDeadline loadDeadline() {
      return new LoadDeadline();
    }

    @Override
    public boolean cancelled() {
      return false;
    }

    @Override
    public void onCancel(Runnable action) {
    }

    @Override
    public void onEnd(Runnable action) {
    }
  };

  @Test
  void heapExhaustionIsNotWordedAsAnUnreachableBackend() {
    OutOfMemoryError oom = new OutOfMemoryError("Java heap space");
    assertThat(Failures.toOllama(oom, TRANSPORT, CALLER)).isSameAs(oom);
  }

  @Test
  void aTransportFailureKeepsItsCauseForTheLogOnly() {
    ConnectException refused = new ConnectException("Connection refused: /127.0.0.1:1234");
    Throwable mapped = Failures.toOllama(refused, TRANSPORT, CALLER);
    assertThat(mapped).isInstanceOf(OllamaError.class).hasCause(refused);
    assertThat(mapped.getMessage()).doesNotContain("Connection refused:").contains("connection refused");
  }
}
