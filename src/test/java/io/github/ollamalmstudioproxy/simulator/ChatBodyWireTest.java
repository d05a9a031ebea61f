package io.github.ollamalmstudioproxy.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Non-streaming chat and text completion bodies, and the validation errors LM Studio is known to give. */
class ChatBodyWireTest {
  private static final String ASK = "{\"model\":\"qwen/qwen3-4b\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]";

  private LmStudioSimulator simulator;
  private SimHttp http;

  @BeforeEach
  void start() {
    simulator = LmStudioSimulator.start(SimulatorOptions.defaults());
    simulator.script().tokens(List.of("Paris", " is", " nice.")).tokenInterval(Duration.ZERO);
    http = new SimHttp(simulator);
  }

  @AfterEach
  void stop() {
    simulator.close();
  }

  @Test
  void nonStreamingAnswerHasTheZeroFourShapeInCaptureOrder() {
    String body = http.post("/v1/chat/completions", ASK + "}").body()
        .replaceAll("chatcmpl-[a-z0-9]+", "ID").replaceAll("\"created\":\\d+", "\"created\":0");

    assertThat(body).isEqualTo("{\"id\":\"ID\",\"object\":\"chat.completion\",\"created\":0,"
        + "\"model\":\"qwen/qwen3-4b\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
        + "\"content\":\"Paris is nice.\",\"reasoning_content\":\"\",\"tool_calls\":[]},\"logprobs\":null,"
        + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":3,\"total_tokens\":8,"
        + "\"completion_tokens_details\":{\"reasoning_tokens\":0}},\"stats\":{},"
        + "\"system_fingerprint\":\"qwen/qwen3-4b\"}");
  }

  @Test
  void nonStreamingToolCallCarriesNumericIdAndStringArguments() {
    simulator.script().tokens(List.of()).toolCall("get_weather", "{\"city\":\"Paris\"}");

    JsonNode body = SimHttp.json(http.post("/v1/chat/completions", ASK + "}"));

    assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
    assertThat(body.at("/choices/0/message/content").asText()).isEmpty();
    JsonNode call = body.at("/choices/0/message/tool_calls/0");
    assertThat(call.get("id").asText()).matches("[0-9]{9,10}");
    assertThat(call.get("function").toString())
        .isEqualTo("{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}");
  }

  @Test
  void apiV0AddsMeasuredStatsModelInfoAndRuntime() {
    JsonNode body = SimHttp.json(http.post("/api/v0/chat/completions", ASK + "}"));

    assertThat(body.at("/stats/stop_reason").asText()).isEqualTo("eosFound");
    assertThat(body.at("/stats/time_to_first_token").isNumber()).isTrue();
    assertThat(body.at("/model_info").toString())
        .isEqualTo("{\"arch\":\"qwen3\",\"quant\":\"Q4_K_M\",\"format\":\"gguf\",\"context_length\":4096}");
    assertThat(body.at("/runtime/supported_formats/0").asText()).isEqualTo("gguf");
  }

  @Test
  void textCompletionPutsTextInChoicesAndUsageInTheLastStreamedChunk() {
    String ask = "{\"model\":\"qwen/qwen3-4b\",\"prompt\":\"Once upon\"";
    JsonNode body = SimHttp.json(http.post("/v1/completions", ask + "}"));
    assertThat(body.get("object").asText()).isEqualTo("text_completion");
    assertThat(body.get("id").asText()).startsWith("cmpl-");
    assertThat(body.at("/choices/0/text").asText()).isEqualTo("Paris is nice.");

    List<String> data = SimHttp.dataLines(http.post("/v1/completions", ask + ",\"stream\":true}").body());
    assertThat(data).last().isEqualTo("[DONE]");
    JsonNode last = SimHttp.parse(data.get(data.size() - 2));
    assertThat(last.at("/choices/0/text").asText()).isEmpty();
    assertThat(last.at("/usage").toString())
        .isEqualTo("{\"prompt_tokens\":2,\"completion_tokens\":3,\"total_tokens\":5}");
  }

  @Test
  void objectArgumentsInHistoryAreInvalidMessages() {
    HttpResponse<String> response = http.post("/v1/chat/completions", "{\"model\":\"qwen/qwen3-4b\",\"messages\":["
        + "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"1\",\"type\":\"function\","
        + "\"function\":{\"name\":\"f\",\"arguments\":{\"a\":1}}}]},"
        + "{\"role\":\"tool\",\"tool_call_id\":\"1\",\"content\":\"x\"}]}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(SimHttp.json(response).at("/error/message").asText()).startsWith("Invalid 'messages' in payload.");
  }

  @Test
  void jsonObjectFormatAndObjectToolChoiceAreRejectedWithLiteralWording() {
    HttpResponse<String> format = http.post("/v1/chat/completions", ASK + ",\"response_format\":{\"type\":\"json_object\"}}");
    assertThat(format.statusCode()).isEqualTo(400);
    assertThat(format.body()).isEqualTo("{\"error\":\"'response_format.type' must be 'json_schema' or 'text'\"}");

    HttpResponse<String> choice = http.post("/v1/chat/completions", ASK + ",\"tool_choice\":{\"type\":\"function\"}}");
    assertThat(choice.statusCode()).isEqualTo(400);
    assertThat(choice.body()).contains("Invalid tool_choice type: 'object'. Supported string values: none, auto, required");
  }

  @Test
  void imagesToATextModelAreRejectedNamingTheInstance() {
    HttpResponse<String> response = http.post("/v1/chat/completions", "{\"model\":\"qwen/qwen3-4b\",\"messages\":["
        + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"what?\"},"
        + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,AAAA\"}}]}]}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body())
        .contains("The provided messages contain images, but qwen/qwen3-4b does not support image inputs.");
  }

  @Test
  void embeddingsAreDeterministicUnitVectorsWithZeroUsage() {
    String ask = "{\"model\":\"text-embedding-nomic-embed-text-v1.5\",\"input\":[\"a\",\"b\",\"a\"]}";
    JsonNode body = SimHttp.json(http.post("/v1/embeddings", ask));

    assertThat(body.get("model").asText()).isEqualTo("text-embedding-nomic-embed-text-v1.5");
    assertThat(body.get("usage").toString()).isEqualTo("{\"prompt_tokens\":0,\"total_tokens\":0}");
    JsonNode a = body.at("/data/0/embedding");
    assertThat(a.size()).isEqualTo(EmbeddingsHandler.DIMENSIONS);
    double norm = 0;
    for (JsonNode x : a) {
      norm += x.asDouble() * x.asDouble();
    }
    assertThat(norm).isCloseTo(1.0, Offset.offset(1e-4));
    assertThat(body.at("/data/2/embedding")).isEqualTo(a);
    assertThat(body.at("/data/1/embedding")).isNotEqualTo(a);
  }

  @Test
  void embeddingsWithAnLlmOrNoModelSayNoModelsLoaded() {
    for (String ask : List.of("{\"model\":\"qwen/qwen3-4b\",\"input\":\"a\"}", "{\"input\":\"a\"}")) {
      HttpResponse<String> response = http.post("/v1/embeddings", ask);
      assertThat(response.statusCode()).isEqualTo(400);
      assertThat(response.body()).contains(SimulatorFailure.NO_MODELS_LOADED);
    }
  }
}
