package io.github.ollamalmstudioproxy.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ollamalmstudioproxy.support.ProxyHarness;
import io.github.ollamalmstudioproxy.support.RawHttp;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class AdmissionIT {
  private static final String CHAT = "{\"model\":\"qwen/qwen3-4b\",\"stream\":true,"
      + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  @Test
  void requestsPastTheInFlightCapGetOllamasBusyAnswerAndTheCapFreesUp() {
    try (ProxyHarness harness = ProxyHarness.start("--max-in-flight", "2", "--queue-length", "0")) {
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

  /**
   * Issue 11, point 6: four sockets that announce a 1000-byte body and send one byte used to hold all four slots of
   * {@code --max-in-flight 4} for as long as they stayed open. Routes that read their body first take the slot once
   * it is in, so the stalled bodies hold none and every chat and /v1 request still gets through.
   */
  @Test
  void halfSentBodiesOnRoutesThatReadTheirBodyFirstHoldNoSlot() {
    try (ProxyHarness harness = ProxyHarness.start("--max-in-flight", "4")) {
      List<RawHttp> stalled = new ArrayList<>();
      try {
        for (String path : List.of("/api/chat", "/api/generate", "/api/embed", "/api/chat")) {
          stalled.add(RawHttp.connect(harness.port()).sendRaw("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
              + "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"));
        }
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> harness.proxy().activeRequests() == 4);

        for (int i = 0; i < 3; i++) {
          assertThat(harness.post("/api/chat", CHAT).statusCode()).as("chat #" + i).isEqualTo(200);
          assertThat(harness.post("/v1/chat/completions", CHAT).statusCode()).as("/v1 #" + i).isEqualTo(200);
        }
      } finally {
        stalled.forEach(RawHttp::close);
      }
    }
  }

  /** A full house of requests whose bodies are in still gets the 503, whatever route they came by. */
  @Test
  void theSlotIsTakenOnceTheBodyIsInSoTheCapStillHolds() {
    try (ProxyHarness harness = ProxyHarness.start("--max-in-flight", "1", "--queue-length", "0")) {
      harness.simulator().script().prefillDelay(Duration.ofSeconds(10));
      RawHttp first = RawHttp.connect(harness.port()).send("POST", "/api/chat", CHAT);
      try {
        harness.simulator().log().awaitRequest("/v1/chat/completions", Duration.ofSeconds(5));
        assertThat(harness.post("/api/generate", "{\"model\":\"qwen/qwen3-4b\",\"prompt\":\"hi\"}").statusCode())
            .isEqualTo(503);
        assertThat(harness.post("/v1/chat/completions", CHAT).statusCode()).isEqualTo(503);
        assertThat(harness.post("/api/chat", "{\"model\":").statusCode()).as("a bad body is still a 400").isEqualTo(400);
      } finally {
        first.hangUp();
      }
    }
  }
}
