package io.github.ollamalmstudioproxy.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.ollamalmstudioproxy.simulator.RecordedRequest;
import io.github.ollamalmstudioproxy.support.ProxyHarness;
import io.github.ollamalmstudioproxy.support.RawHttp;
import java.time.Duration;
import java.util.Collections;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GracefulShutdownIT {
  private static final String STREAM = "{\"model\":\"qwen/qwen3-4b\",\"stream\":true,"
      + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  @Test
  void inFlightStreamFinishesWithinTheDrainTime() throws Exception {
    try (ProxyHarness harness = ProxyHarness.start()) {
      harness.simulator().script().tokens(Collections.nCopies(10, "x")).tokenInterval(Duration.ofMillis(50));
      RawHttp client = RawHttp.connect(harness.port()).send("POST", "/v1/chat/completions", STREAM);
      harness.simulator().log().awaitRequest("/v1/chat/completions", Duration.ofSeconds(5));

      CompletableFuture<Void> stopped = harness.proxy().shutdown(Duration.ofSeconds(5))
          .toCompletionStage().toCompletableFuture();

      assertThat(client.readAll()).contains("data: [DONE]");
      stopped.get(10, TimeUnit.SECONDS);
      assertThatThrownBy(() -> RawHttp.connect(harness.port())).as("no longer accepting").isNotNull();
    }
  }

  @Test
  void streamOutlivingTheDrainIsCutAndItsBackendRequestReset() throws Exception {
    try (ProxyHarness harness = ProxyHarness.start()) {
      harness.simulator().script().tokens(Collections.nCopies(500, "x")).tokenInterval(Duration.ofMillis(20));
      RawHttp client = RawHttp.connect(harness.port()).send("POST", "/v1/chat/completions", STREAM);
      RecordedRequest upstream = harness.simulator().log().awaitRequest("/v1/chat/completions", Duration.ofSeconds(5));
      client.readUntil("\"content\":\"x\"");

      long start = System.nanoTime();
      harness.proxy().shutdown(Duration.ofMillis(300)).toCompletionStage().toCompletableFuture()
          .get(10, TimeUnit.SECONDS);

      assertThat(client.readAll()).doesNotContain("[DONE]");
      harness.simulator().log().awaitClientClose(upstream, Duration.ofSeconds(5));
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }
  }
}
