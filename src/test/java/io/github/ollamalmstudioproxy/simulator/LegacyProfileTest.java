package io.github.ollamalmstudioproxy.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The {@code "0.3"} profile: no native v1 routes, legacy wording and shapes. */
class LegacyProfileTest {
  private static final String ASK = "{\"model\":\"qwen/qwen3-4b\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]";

  private LmStudioSimulator simulator;
  private SimHttp http;

  @BeforeEach
  void start() {
    simulator = LmStudioSimulator.start(SimulatorOptions.builder().version("0.3").singleModelFallback(false).build());
    simulator.script().tokens(List.of("a", "b")).tokenInterval(Duration.ZERO);
    http = new SimHttp(simulator);
  }

  @AfterEach
  void stop() {
    simulator.close();
  }

  @Test
  void nativeV1RoutesDoNotExist() {
    HttpResponse<String> response = http.get("/api/v1/models");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"error\":\"Unexpected endpoint or method. (GET /api/v1/models)\"}");
    assertThat(http.post("/api/v1/models/load", "{\"model\":\"qwen/qwen3-4b\"}").body()).contains("Unexpected endpoint");
  }

  @Test
  void unknownModelIsA404ListingTheModels() {
    HttpResponse<String> response = http.post("/v1/chat/completions", ASK.replace("qwen/qwen3-4b", "gpt-4") + "}");

    assertThat(response.statusCode()).isEqualTo(404);
    JsonNode error = SimHttp.json(response).get("error");
    assertThat(error.get("message").asText()).startsWith(
        "Model \"gpt-4\" not found. Please specify a valid model.\n\nYour models:\n\nqwen/qwen3-4b\ngoogle/gemma-3-4b");
    assertThat(error.get("code").asText()).isEqualTo("model_not_found");
  }

  @Test
  void answersOmitTheZeroFourFieldsAndRepeatTheRole() {
    JsonNode body = SimHttp.json(http.post("/v1/chat/completions", ASK + "}"));
    assertThat(body.at("/choices/0/message").toString()).isEqualTo("{\"role\":\"assistant\",\"content\":\"ab\"}");
    assertThat(body.has("stats")).isFalse();
    assertThat(body.get("usage").has("completion_tokens_details")).isFalse();

    List<String> data = SimHttp.dataLines(http.post("/v1/chat/completions", ASK + ",\"stream\":true}").body());
    assertThat(SimHttp.parse(data.get(1)).at("/choices/0/delta").toString())
        .isEqualTo("{\"role\":\"assistant\",\"content\":\"b\"}");
  }
}
