package io.github.ollamalmstudioproxy.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.ollamalmstudioproxy.simulator.SimulatorFailure;
import io.github.ollamalmstudioproxy.support.ProxyHarness;
import io.github.ollamalmstudioproxy.support.RawHttp;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** LM Studio's "No models loaded" is absorbed: one load per model, shared by every waiting request, then replay. */
class ModelLoadingIT {
  private static final String NOT_LOADED = "meta-llama-3.1-8b-instruct";

  private static String chat(String model, boolean stream) {
    return "{\"model\":\"" + model + "\",\"stream\":" + stream
        + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  }

  @Test
  void concurrentRequestsForAnUnloadedModelShareExactlyOneLoad() {
    try (ProxyHarness harness = ProxyHarness.start()) {
      harness.simulator().script().requireLoadBeforeInference(true).loadDelay(Duration.ofMillis(500));
      List<CompletableFuture<HttpResponse<String>>> calls = Stream.of(true, false, false)
          .map(stream -> harness.http().sendAsync(HttpRequest.newBuilder(harness.url("/api/chat"))
              .POST(HttpRequest.BodyPublishers.ofString(chat(NOT_LOADED, stream))).build(),
              HttpResponse.BodyHandlers.ofString()))
          .toList();

      for (CompletableFuture<HttpResponse<String>> call : calls) {
        HttpResponse<String> response = call.join();
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"done\":true", "\"load_duration\":");
      }
      assertThat(harness.simulator().log().loadCalls()).isEqualTo(1);
      assertThat(harness.simulator().catalog().instancesOf(NOT_LOADED)).hasSize(1);
    }
  }

  @Test
  void noModelsLoadedOnALoadedModelIsReplayedWithoutStackingASecondInstance() {
    try (ProxyHarness harness = ProxyHarness.start()) {
      harness.simulator().script().failNext(SimulatorFailure.noModelsLoaded());
      HttpResponse<String> response = harness.post("/api/chat", chat("qwen/qwen3-4b", true));
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).contains("\"done\":true");
      assertThat(harness.simulator().log().byPath("/v1/chat/completions")).hasSize(2);
      assertThat(harness.simulator().log().loadCalls()).isZero();
      assertThat(harness.simulator().catalog().instancesOf("qwen/qwen3-4b")).hasSize(1);
    }
  }

  @Test
  void retriesAreBoundedWhenTheModelNeverBecomesUsable() {
    try (ProxyHarness harness = ProxyHarness.start("--load-retries", "2")) {
      harness.simulator().script().failAlways(SimulatorFailure.noModelsLoaded());
      HttpResponse<String> response = harness.post("/api/chat", chat("qwen/qwen3-4b", false));
      assertThat(response.statusCode()).isEqualTo(400);
      assertThat(response.body()).contains("No models loaded");
      assertThat(harness.simulator().log().byPath("/v1/chat/completions")).hasSize(3);
    }
  }

  @Test
  void loadDeadlineEndsTheWaitWith504() {
    try (ProxyHarness harness = ProxyHarness.start("--load-timeout", "300ms")) {
      harness.simulator().script().requireLoadBeforeInference(true).loadDelay(Duration.ofSeconds(3));
      HttpResponse<String> response = harness.post("/api/chat", chat(NOT_LOADED, false));
      assertThat(response.statusCode()).isEqualTo(504);
      assertThat(response.body()).contains("timed out waiting for model", "--load-timeout");
    }
  }

  /**
   * The model drops out between the proxy's load and the request (LM Studio's TTL, auto-evict or another client's
   * unload), so the request waits for a second load. Both waits share one {@code --load-timeout}: the second gets
   * only what the first left, so the request never waits close to twice the limit.
   */
  @Test
  void everyLoadWaitOfARequestSharesOneLoadTimeout() {
    try (ProxyHarness harness = ProxyHarness.start("--load-timeout", "1s")) {
      harness.simulator().script().requireLoadBeforeInference(true).loadDelay(Duration.ofMillis(700))
          .evictBeforeNextInference();
      long start = System.nanoTime();
      HttpResponse<String> response = harness.post("/api/chat", chat(NOT_LOADED, false));
      long waitedMillis = (System.nanoTime() - start) / 1_000_000;

      assertThat(response.statusCode()).as(response.body()).isEqualTo(504);
      assertThat(response.body()).contains("timed out waiting for model", "--load-timeout");
      assertThat(harness.simulator().log().loadCalls()).as("a first load, then the one after the eviction")
          .isEqualTo(2);
      assertThat(harness.simulator().log().byPath("/v1/chat/completions")).as("never replayed after the deadline")
          .hasSize(1);
      System.out.printf("two load waits under one 1 s --load-timeout: answered 504 after %d ms%n", waitedMillis);
    }
  }

  @Test
  void clientThatHangsUpWhileWaitingForALoadStopsWaitingAndSendsNothingMore() {
    try (ProxyHarness harness = ProxyHarness.start()) {
      harness.simulator().script().requireLoadBeforeInference(true).loadDelay(Duration.ofSeconds(2));
      RawHttp client = RawHttp.connect(harness.port()).send("POST", "/api/chat", chat(NOT_LOADED, true));
      harness.simulator().log().awaitRequest("/api/v1/models/load", Duration.ofSeconds(5));
      long hungUp = client.hangUp();

      await().pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(1))
          .until(() -> harness.proxy().activeRequests() == 0);
      System.out.printf("hang-up while loading: request released %.1f ms after the client left%n",
          (System.nanoTime() - hungUp) / 1e6);
      // The shared load finishes for the others; this request must not be replayed after it.
      await().pollDelay(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(4)).until(() -> true);
      assertThat(harness.simulator().log().byPath("/v1/chat/completions")).isEmpty();
      assertThat(harness.simulator().catalog().instancesOf(NOT_LOADED)).hasSize(1);
    }
  }
}
