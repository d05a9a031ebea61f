package io.github.ollamalmstudioproxy.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ollamalmstudioproxy.support.ProxyHarness;
import io.github.ollamalmstudioproxy.support.RawHttp;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class AdmissionIT {
  private static final String CHAT = "{\"model\":\"qwen/qwen3-4b\",\"stream\":true,"
      + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  @Test
  void requestsPastTheInFlightCapGetOllamasBusyAnswerAndTheCapFreesUp() {
    try (ProxyHarness harness = ProxyHarness.start("--max-in-flight", "2")) {
      harness.simulator().script().prefillDelay(Duration.ofSeconds(10));
      RawHttp first = RawHttp.connect(harness.port()).send("POST", "/api/chat", CHAT);
      RawHttp second = RawHttp.connect(harness.port()).send("POST", "/v1/chat/completions", CHAT);
      harness.simulator().log().awaitRequest("/v1/chat/completions", Duration.ofSeconds(5));
      Awaitility.await().atMost(Duration.ofSeconds(5))
          .until(() -> harness.simulator().log().byPath("/v1/chat/completions").size() == 2);

      HttpResponse<String> third = harness.post("/api/chat", CHAT);
      assertThat(third.statusCode()).isEqualTo(503);
      assertThat(third.body()).isEqualTo(
          "{\"error\":\"server busy, please try again.  maximum pending requests exceeded\"}");
      assertThat(harness.get("/api/version").statusCode()).as("metadata is not capped").isEqualTo(200);

      first.hangUp();
      second.hangUp();
      harness.simulator().script().prefillDelay(Duration.ZERO);
      Awaitility.await().atMost(Duration.ofSeconds(5))
          .until(() -> harness.post("/api/chat", CHAT).statusCode() == 200);
    }
  }
}
