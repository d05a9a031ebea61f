package io.github.ollamalmstudioproxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ollamalmstudioproxy.support.Ndjson;
import io.github.ollamalmstudioproxy.support.SimulatorBackedTest;
import io.github.ollamalmstudioproxy.support.Upstream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code /api/generate}: rendered as a chat completion like Ollama renders it, or sent raw to {@code /v1/completions};
 * answers carry {@code response} instead of {@code message}.
 */
class GenerateIT extends SimulatorBackedTest {
  private static final List<String> TOKENS = List.of("Once", " upon", " a", " time");
  @BeforeEach
  void script() {
    harness.simulator().script().tokens(TOKENS).tokenInterval(Duration.ofMillis(1));
  }

  @Test
  void generateIsAChatCompletionOfSystemThenUserPromptWithImages() {
    String png = Base64.getEncoder().encodeToString(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0});
    Ndjson.of(generate("{\"model\":\"google/gemma-3-4b\",\"system\":\"You are terse.\",\"prompt\":\"Describe\","
        + "\"images\":[\"" + png + "\"],\"options\":{\"num_predict\":50}}")).endsWithOneDone();

    JsonNode sent = Upstream.chatBody(harness);
    assertThat(sent.path("model").asText()).isEqualTo("google/gemma-3-4b");
    assertThat(sent.path("messages").toString()).isEqualTo("[{\"role\":\"system\",\"content\":\"You are terse.\"},"
        + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Describe\"},{\"type\":\"image_url\","
        + "\"image_url\":{\"url\":\"data:image/png;base64," + png + "\"}}]}]");
    assertThat(sent.path("max_tokens").asInt()).isEqualTo(50);
    assertThat(sent.path("stream").asBoolean()).isTrue();
    assertThat(sent.path("stream_options").path("include_usage").asBoolean()).isTrue();
  }

  @Test
  /**
   * Non-raw generate ends with a {@code context} array, as Ollama's does ({@code ollama/ollama@v0.33.0-rc2:
   * server/routes.go:712-719}) and as the Vercel AI SDK's completion model requires; the proxy has no token ids, so
   * it is empty (never made-up ids). Only the final line carries it.
   */
  void generateStreamsResponsePiecesAndEndsWithOneDoneWithAnEmptyContext() {
    Ndjson out = Ndjson.of(generate("{\"model\":\"qwen/qwen3-4b\",\"prompt\":\"Tell a story\"}")).endsWithOneDone();

    assertThat(out.joined("response")).isEqualTo(String.join("", TOKENS));
    assertThat(out.lines()).allSatisfy(line -> {
      assertThat(line.has("message")).isFalse();
      assertThat(line.path("response").isTextual()).as("response always present: %s", line).isTrue();
      assertThat(line.path("model").asText()).isEqualTo("qwen/qwen3-4b");
    });
    assertThat(out.last().path("done_reason").asText()).isEqualTo("stop");
    assertThat(out.last().path("context").toString()).as("an empty context, never fake ids").isEqualTo("[]");
    assertThat(out.lines().subList(0, out.lines().size() - 1)).noneMatch(l -> l.has("context"));
    assertThat(out.last().path("load_duration").isIntegralNumber()).as(out.last().toString()).isTrue();
    assertThat(out.last().path("eval_count").asInt()).isEqualTo(TOKENS.size());
    assertThat(Upstream.chatBody(harness).path("messages").toString())
        .isEqualTo("[{\"role\":\"user\",\"content\":\"Tell a story\"}]");
  }

  @Test
  void nonStreamingGenerateAggregatesTheResponse() {
    HttpResponse<String> response = generate("{\"model\":\"qwen/qwen3-4b\",\"prompt\":\"x\",\"stream\":false}");

    assertThat(response.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
    JsonNode body = Ndjson.json(response.body());
    assertThat(body.path("response").asText()).isEqualTo(String.join("", TOKENS));
    assertThat(body.path("done").asBoolean()).isTrue();
    assertThat(body.path("done_reason").asText()).isEqualTo("stop");
    assertThat(body.path("context").toString()).isEqualTo("[]");
  }

  @Test
  void rawGenerateSendsThePromptUntouchedToTextCompletions() {
    Ndjson out = Ndjson.of(generate("{\"model\":\"qwen/qwen3-4b\",\"raw\":true,\"prompt\":\"<|im_start|>user\\nhi\","
        + "\"options\":{\"num_predict\":3,\"temperature\":0},\"keep_alive\":\"2m\"}")).endsWithOneDone();

    JsonNode sent = Upstream.body(harness, "/v1/completions");
    assertThat(sent.path("prompt").asText()).isEqualTo("<|im_start|>user\nhi");
    assertThat(sent.has("messages")).isFalse();
    assertThat(sent.path("max_tokens").asInt()).isEqualTo(3);
    assertThat(sent.path("temperature").asDouble()).isZero();
    assertThat(sent.path("ttl").asInt()).isEqualTo(120);
    assertThat(sent.path("stream").asBoolean()).isTrue();
    assertThat(sent.path("stream_options").path("include_usage").asBoolean()).isTrue();
    assertThat(harness.simulator().log().byPath("/v1/chat/completions")).isEmpty();
    assertThat(out.joined("response")).isEqualTo("Once upon a");
    assertThat(out.last().path("done_reason").asText()).isEqualTo("length");
    assertThat(out.last().path("eval_count").asInt()).as("usage inline in the last text chunk").isEqualTo(3);
    assertThat(out.last().path("prompt_eval_count").asInt()).isPositive();
    assertThat(out.last().has("context")).as("Ollama sends no context in raw mode").isFalse();
  }

  @Test
  void rawGenerateKeepsThinkTagsInTheResponse() {
    harness.simulator().script().tokens(List.of("<think>", "hmm", "</think>", "ok"));
    Ndjson out = Ndjson.of(generate("{\"model\":\"qwen/qwen3-4b\",\"raw\":true,\"prompt\":\"x\"}")).endsWithOneDone();

    assertThat(out.joined("response")).isEqualTo("<think>hmm</think>ok");
    assertThat(out.lines()).noneMatch(l -> l.has("thinking"));
  }

  @ParameterizedTest(name = "raw with {0}")
  @ValueSource(strings = {"\"system\":\"s\"", "\"template\":\"{{ .Prompt }}\"", "\"context\":[1,2,3]"})
  void rawWithSystemTemplateOrContextIs400AndNothingIsSent(String field) {
    HttpResponse<String> response = generate("{\"model\":\"qwen/qwen3-4b\",\"raw\":true,\"prompt\":\"x\"," + field
        + "}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).isEqualTo("{\"error\":\"raw mode does not support template, system, or context\"}");
    assertThat(Upstream.inference(harness)).isEmpty();
  }

  @Test
  void templateAndContextAreIgnoredWithoutRaw() {
    Ndjson.of(generate("{\"model\":\"qwen/qwen3-4b\",\"prompt\":\"x\",\"template\":\"{{ .Prompt }}\","
        + "\"context\":[1,2,3],\"system\":\"\",\"suffix\":\"\"}")).endsWithOneDone();

    JsonNode sent = Upstream.chatBody(harness);
    assertThat(sent.path("messages").toString()).isEqualTo("[{\"role\":\"user\",\"content\":\"x\"}]");
    assertThat(sent.has("template")).isFalse();
    assertThat(sent.has("context")).isFalse();
  }

  @Test
  void suffixIs400DoesNotSupportInsertNamingTheModelAsSent() {
    HttpResponse<String> response = generate("{\"model\":\"Qwen/Qwen3-4B\",\"prompt\":\"def f(\",\"suffix\":\"):\"}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).isEqualTo("{\"error\":\"\\\"Qwen/Qwen3-4B\\\" does not support insert\"}");
    assertThat(Upstream.inference(harness)).isEmpty();
  }

  @Test
  void generateWithoutModelIs404WhereChatIs400() {
    for (String body : List.of("{\"prompt\":\"x\"}", "{\"model\":\"\",\"prompt\":\"x\"}")) {
      HttpResponse<String> response = generate(body);
      assertThat(response.statusCode()).as(body).isEqualTo(404);
      assertThat(response.body()).isEqualTo("{\"error\":\"model '' not found\"}");
    }
    HttpResponse<String> chat = harness.post("/api/chat", "{\"messages\":[]}");
    assertThat(chat.statusCode()).isEqualTo(400);
    assertThat(chat.body()).isEqualTo("{\"error\":\"model is required\"}");
    assertThat(Upstream.inference(harness)).isEmpty();
  }

  @Test
  void generateFormatJsonBecomesAJsonSchema() {
    Ndjson.of(generate("{\"model\":\"qwen/qwen3-4b\",\"prompt\":\"x\",\"format\":\"json\"}")).endsWithOneDone();

    JsonNode format = Upstream.chatBody(harness).path("response_format");
    assertThat(format.path("type").asText()).isEqualTo("json_schema");
    assertThat(format.path("json_schema").path("schema").toString()).isEqualTo("{\"type\":\"object\"}");
  }

  @Test
  void generateMidStreamErrorIsOneErrorLine() {
    harness.simulator().script().midStreamError(2, "Model has unexpectedly stopped");
    Ndjson out = Ndjson.of(generate("{\"model\":\"qwen/qwen3-4b\",\"prompt\":\"x\"}"));

    assertThat(out.endsWithOneError()).isEqualTo("Model has unexpectedly stopped");
    assertThat(out.joined("response")).isEqualTo("Once upon");
  }

  private static HttpResponse<String> generate(String body) {
    return harness.post("/api/generate", body);
  }
}
