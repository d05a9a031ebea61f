package io.github.ollamalmstudioproxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ollamalmstudioproxy.simulator.SimulatorOptions;
import io.github.ollamalmstudioproxy.support.Ndjson;
import io.github.ollamalmstudioproxy.support.ProxyHarness;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

/**
 * {@code /api/ps} {@code expires_at} from the keep-alive the proxy set, not a fixed far-off date. Ollama sets it when a
 * runner goes idle to now + the request's keep-alive ({@code ollama/ollama@v0.33.0-rc2:server/sched.go:386-410}) and
 * lists it in {@code PsHandler} ({@code routes.go:2292}). LM Studio applies a request's {@code ttl} only when that
 * request loads the model just in time, and restarts the idle timer on every request (lmstudio-api.md §6), so the
 * proxy knows an expiry exactly for instances its own request loaded with a {@code ttl}. A model loaded without one
 * (the UI, {@code lms load}, the proxy's own {@code /api/v1/models/load}) has no TTL and stays "forever", as a
 * negative keep-alive reads in Ollama.
 */
class PsExpiryIT {
  private static final String CHAT = "{\"model\":\"qwen/qwen3-4b\",\"stream\":false,\"keep_alive\":\"10m\","
      + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  @Test
  void aModelThisProxyJitLoadedWithAKeepAliveExpiresThatLongAfterItsLastAnswer() {
    try (ProxyHarness harness = ProxyHarness.start(SimulatorOptions.builder().version("0.3").noPreload().build())) {
      assertThat(harness.post("/api/chat", CHAT).statusCode()).isEqualTo(200);
      Instant answered = Instant.now();

      JsonNode qwen = psEntry(harness, "qwen/qwen3-4b:latest");
      Instant expires = OffsetDateTime.parse(qwen.path("expires_at").asText()).toInstant();
      assertThat(expires).isBetween(answered.plus(Duration.ofMinutes(10)).minusSeconds(5),
          answered.plus(Duration.ofMinutes(10)).plusSeconds(1));
      assertThat(harness.simulator().log().byPath("/v1/chat/completions").get(0).body()).contains("\"ttl\":600");
    }
  }

  @Test
  void everyLaterAnswerRestartsTheIdleTimerWithTheTtlTheLoadSet() throws Exception {
    try (ProxyHarness harness = ProxyHarness.start(SimulatorOptions.builder().version("0.3").noPreload().build())) {
      harness.post("/api/chat", CHAT);
      Instant first = OffsetDateTime.parse(psEntry(harness, "qwen/qwen3-4b:latest").path("expires_at").asText())
          .toInstant();
      Thread.sleep(1_100);
      // No keep_alive this time: LM Studio keeps the TTL the load set and restarts its timer.
      harness.post("/api/chat", CHAT.replace(",\"keep_alive\":\"10m\"", ""));
      Instant second = OffsetDateTime.parse(psEntry(harness, "qwen/qwen3-4b:latest").path("expires_at").asText())
          .toInstant();
      assertThat(second).isAfterOrEqualTo(first.plusSeconds(1));
      assertThat(second).isBefore(Instant.now().plus(Duration.ofMinutes(10)).plusSeconds(1));
    }
  }

  @Test
  void aModelLoadedWithoutATtlHasNoExpiry() {
    // LM Studio 0.4: the proxy loads explicitly through /api/v1/models/load, which takes no ttl, so the request's
    // ttl never applies; qwen is preloaded, as a model loaded in the UI.
    try (ProxyHarness harness = ProxyHarness.start(SimulatorOptions.builder().noPreload().build())) {
      assertThat(harness.post("/api/chat", CHAT).statusCode()).isEqualTo(200);
      assertThat(harness.simulator().log().byPath("/api/v1/models/load")).hasSize(1);

      JsonNode qwen = psEntry(harness, "qwen/qwen3-4b:latest");
      assertThat(OffsetDateTime.parse(qwen.path("expires_at").asText()).getYear()).isEqualTo(2318);
    }
  }

  private static JsonNode psEntry(ProxyHarness harness, String name) {
    for (JsonNode m : Ndjson.json(harness.get("/api/ps").body()).path("models")) {
      if (m.path("name").asText().equals(name)) {
        return m;
      }
    }
    throw new AssertionError(name + " not in /api/ps: " + harness.get("/api/ps").body());
  }
}
