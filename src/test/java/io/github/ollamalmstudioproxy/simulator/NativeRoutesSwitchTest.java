package io.github.ollamalmstudioproxy.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * {@link SimulatorOptions#nativeResponsesAndMessages()}: off, {@code /v1/responses} and {@code /v1/messages} answer
 * exactly as LM Studio answers any unknown route, HTTP 200 with an {@code error} string.
 */
class NativeRoutesSwitchTest {
  private static final String MESSAGES = "{\"model\":\"qwen/qwen3-4b\",\"max_tokens\":16,"
      + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
  private static final String RESPONSES = "{\"model\":\"qwen/qwen3-4b\",\"input\":\"Hi\"}";

  @Test
  void theVersionDecidesUnlessTheBuilderIsTold() {
    assertThat(SimulatorOptions.defaults().nativeResponsesAndMessages()).isTrue();
    assertThat(SimulatorOptions.builder().version("0.3").build().nativeResponsesAndMessages()).isFalse();
    assertThat(SimulatorOptions.builder().nativeResponsesAndMessages(false).build().nativeResponsesAndMessages())
        .isFalse();
    assertThat(SimulatorOptions.builder().version("0.3").nativeResponsesAndMessages(true).build()
        .nativeResponsesAndMessages()).isTrue();
  }

  @Test
  void switchedOffBothRoutesGetTheUnknownRouteAnswer() {
    try (LmStudioSimulator simulator =
        LmStudioSimulator.start(SimulatorOptions.builder().nativeResponsesAndMessages(false).build())) {
      SimHttp http = new SimHttp(simulator);

      HttpResponse<String> messages = http.post("/v1/messages", MESSAGES);
      HttpResponse<String> responses = http.post("/v1/responses", RESPONSES.replace("}", ",\"stream\":true}"));

      assertThat(messages.statusCode()).isEqualTo(200);
      assertThat(messages.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
      assertThat(messages.body()).isEqualTo("{\"error\":\"Unexpected endpoint or method. (POST /v1/messages)\"}");
      assertThat(responses.statusCode()).isEqualTo(200);
      assertThat(responses.body()).isEqualTo("{\"error\":\"Unexpected endpoint or method. (POST /v1/responses)\"}");
      assertThat(simulator.log().byPath("/v1/messages")).hasSize(1);
      assertThat(simulator.log().awaitRequest("/v1/messages", SimHttp.TIMEOUT).tokensEmitted()).isZero();
    }
  }

  @Test
  void theLegacyProfilePredatesBothRoutes() {
    try (LmStudioSimulator simulator = LmStudioSimulator.start(SimulatorOptions.builder().version("0.3").build())) {
      SimHttp http = new SimHttp(simulator);

      assertThat(http.post("/v1/messages", MESSAGES).body())
          .isEqualTo("{\"error\":\"Unexpected endpoint or method. (POST /v1/messages)\"}");
      assertThat(http.post("/v1/responses", RESPONSES).body())
          .isEqualTo("{\"error\":\"Unexpected endpoint or method. (POST /v1/responses)\"}");
    }
  }

  @Test
  void aScriptedFailureIsNotSpentOnASwitchedOffRoute() {
    try (LmStudioSimulator simulator =
        LmStudioSimulator.start(SimulatorOptions.builder().nativeResponsesAndMessages(false).build())) {
      SimHttp http = new SimHttp(simulator);
      simulator.script().failNext(503, "<html>busy</html>");

      assertThat(http.post("/v1/messages", MESSAGES).statusCode()).isEqualTo(200);
      assertThat(http.post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
          .statusCode()).isEqualTo(503);
    }
  }
}
