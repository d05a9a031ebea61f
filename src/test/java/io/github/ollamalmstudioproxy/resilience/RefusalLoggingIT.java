package io.github.ollamalmstudioproxy.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ollamalmstudioproxy.support.LogCapture;
import io.github.ollamalmstudioproxy.support.ProxyHarness;
import io.github.ollamalmstudioproxy.support.RawHttp;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Under load the 503s of --max-in-flight are one log line and a summary, not one WARN each (73k a minute). */
class RefusalLoggingIT {
  private static final String CHAT = "{\"model\":\"qwen/qwen3-4b\",\"stream\":true,"
      + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  @Test
  void aBurstOfRefusalsLogsOneLineNotOneEach() {
    try (ProxyHarness harness = ProxyHarness.start("--max-in-flight", "1", "--queue-length", "0");
        LogCapture logs = LogCapture.open()) {
      harness.simulator().script().prefillDelay(Duration.ofSeconds(10));
      RawHttp holder = RawHttp.connect(harness.port()).send("POST", "/v1/chat/completions", CHAT);
      harness.simulator().log().awaitRequest("/v1/chat/completions", Duration.ofSeconds(5));

      for (int i = 0; i < 300; i++) {
        assertThat(harness.post("/api/chat", CHAT).statusCode()).isEqualTo(503);
      }
      holder.hangUp();

      List<String> warnings = logs.at("WARN");
      assertThat(warnings.stream().filter(l -> l.contains("refused")).toList()).as(String.join("\n", warnings))
          .hasSizeLessThanOrEqualTo(2);
      assertThat(logs.lines().stream().filter(l -> l.contains(" 503 ")).count()).as("the access log keeps them all")
          .isEqualTo(300);
    }
  }

  /** The same with a queue: once it is full too, the 503s are a burst of one line, not one WARN each. */
  @Test
  void aFullQueueLogsOneLineNotOneEach() {
    try (ProxyHarness harness = ProxyHarness.start("--max-in-flight", "1", "--queue-length", "1");
        LogCapture logs = LogCapture.open()) {
      harness.simulator().script().prefillDelay(Duration.ofSeconds(10));
      RawHttp holder = RawHttp.connect(harness.port()).send("POST", "/v1/chat/completions", CHAT);
      harness.simulator().log().awaitRequest("/v1/chat/completions", Duration.ofSeconds(5));
      RawHttp queued = RawHttp.connect(harness.port()).send("POST", "/api/chat", CHAT);
      Awaitility.await().atMost(Duration.ofSeconds(5))
          .until(() -> harness.get("/metrics").body().contains("ollama_proxy_queued_requests 1.0"));

      for (int i = 0; i < 300; i++) {
        assertThat(harness.post("/api/chat", CHAT).statusCode()).isEqualTo(503);
      }
      holder.hangUp();
      queued.hangUp();

      List<String> warnings = logs.at("WARN");
      assertThat(warnings.stream().filter(l -> l.contains("refused")).toList()).as(String.join("\n", warnings))
          .hasSizeLessThanOrEqualTo(2).anyMatch(l -> l.contains("--queue-length"));
      assertThat(warnings.stream().filter(l -> l.contains("server busy")).toList()).as("no WARN per refusal")
          .isEmpty();
    }
  }
}
