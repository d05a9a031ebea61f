package io.github.ollamalmstudioproxy.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The gateway mode: vLLM's model list behind a gateway, every model loaded, none of LM Studio's routes. */
class GatewayModeTest {
  private LmStudioSimulator simulator;
  private SimHttp http;

  @BeforeEach
  void start() {
    simulator = LmStudioSimulator.start(SimulatorOptions.builder().gateway(true).build());
    simulator.script().tokens(List.of("a", "b")).tokenInterval(Duration.ZERO);
    http = new SimHttp(simulator);
  }

  @AfterEach
  void stop() {
    simulator.close();
  }

  @Test
  void theModelListIsVllmsWithEveryModelAtItsMaxModelLen() {
    JsonNode data = SimHttp.json(http.get("/v1/models")).path("data");

    assertThat(data.findValuesAsText("id")).containsExactly("qwen/qwen3-4b", "google/gemma-3-4b",
        "meta-llama-3.1-8b-instruct", "text-embedding-nomic-embed-text-v1.5");
    assertThat(data.findValuesAsText("owned_by")).containsOnly("vllm");
    assertThat(data.path(1).path("max_model_len").asInt()).isEqualTo(131_072);
    assertThat(simulator.catalog().instances()).hasSize(4);
  }

  @Test
  void lmStudiosRoutesAreFastApisNotFound() {
    for (String path : List.of("/api/v1/models", "/api/v0/models", "/lmstudio-greeting")) {
      HttpResponse<String> response = http.get(path);
      assertThat(response.statusCode()).as(path).isEqualTo(404);
      assertThat(response.body()).as(path).isEqualTo("{\"detail\":\"Not Found\"}");
    }
    assertThat(http.post("/api/v1/models/load", "{\"model\":\"qwen/qwen3-4b\"}").statusCode()).isEqualTo(404);
  }

  @Test
  void chatAnswersAndTheRequestHeadersAreRecorded() {
    HttpResponse<String> response = http.post("/v1/chat/completions",
        "{\"model\":\"qwen/qwen3-4b\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(SimHttp.json(response).at("/choices/0/message/content").asText()).isEqualTo("ab");
    assertThat(simulator.log().byPath("/v1/chat/completions").get(0).header("content-type"))
        .startsWith("application/json");
  }
}
