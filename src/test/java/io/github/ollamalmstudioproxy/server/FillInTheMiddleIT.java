package io.github.ollamalmstudioproxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ollamalmstudioproxy.simulator.SimulatorModel;
import io.github.ollamalmstudioproxy.simulator.SimulatorOptions;
import io.github.ollamalmstudioproxy.support.Ndjson;
import io.github.ollamalmstudioproxy.support.ProxyHarness;
import io.github.ollamalmstudioproxy.support.Upstream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code suffix} on {@code /api/generate} against LM Studio: a model whose family's FIM tokens the proxy knows gets
 * its raw FIM prompt on {@code /v1/completions}, and {@code /api/show} says so ({@code insert}, and a template with
 * {@code .Suffix}, which Continue looks for); every other model keeps Ollama's 400 ({@code server/routes.go} lines
 * 449-451 at v0.33.0-rc2 require the {@code insert} capability for a suffix).
 */
class FillInTheMiddleIT {
  private static final String CODER = "qwen/qwen2.5-coder-7b-instruct";
  private static ProxyHarness harness;

  @BeforeAll
  static void start() {
    List<SimulatorModel> models = new ArrayList<>(SimulatorModel.defaults());
    models.add(new SimulatorModel(CODER, SimulatorModel.ModelType.LLM, "qwen", "Qwen2.5 Coder 7B Instruct", "qwen2",
        "gguf", "Q4_K_M", 4, 4_683_073_536L, "7B", 32_768, true, List.of(), null));
    harness = ProxyHarness.start(SimulatorOptions.builder().models(models).preload(CODER, 4096).build());
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  @BeforeEach
  void reset() {
    harness.simulator().script().reset().tokenInterval(Duration.ofMillis(1)).tokens(List.of("a", " +", " b"));
    harness.simulator().log().clear();
  }

  @Test
  void aKnownCoderGetsItsFimPromptRawOnCompletions() {
    Ndjson out = Ndjson.of(harness.post("/api/generate",
        "{\"model\":\"" + CODER + "\",\"prompt\":\"def add(a, b):\\n    return \",\"suffix\":\"\\n\\nprint(add(1, 2))\"}"))
        .endsWithOneDone();

    JsonNode upstream = Upstream.body(harness, "/v1/completions");
    assertThat(upstream.path("prompt").asText())
        .isEqualTo("<|fim_prefix|>def add(a, b):\n    return <|fim_suffix|>\n\nprint(add(1, 2))<|fim_middle|>");
    assertThat(Upstream.inference(harness)).extracting(r -> r.pathOnly()).containsExactly("/v1/completions");
    assertThat(out.joined("response")).as("the middle, verbatim").isEqualTo("a + b");
  }

  @Test
  void showListsInsertAndATemplateWithSuffixForTheCoderOnly() {
    JsonNode coder = Ndjson.json(harness.post("/api/show", "{\"model\":\"" + CODER + "\"}").body());
    JsonNode other = Ndjson.json(harness.post("/api/show", "{\"model\":\"qwen/qwen3-4b\"}").body());

    assertThat(coder.path("capabilities").toString()).contains("\"insert\"");
    assertThat(coder.path("template").asText()).contains(".Suffix").contains("<|fim_prefix|>");
    assertThat(coder.path("modelfile").asText()).contains("<|fim_suffix|>{{ .Suffix }}");
    assertThat(other.path("capabilities").toString()).doesNotContain("insert");
    assertThat(other.path("template").asText()).doesNotContain("Suffix");
  }

  @Test
  void anyOtherModelKeepsOllamasRefusalBeforeTheBackendHearsAnything() {
    HttpResponse<String> response = harness.post("/api/generate",
        "{\"model\":\"qwen/qwen3-4b\",\"prompt\":\"def f(\",\"suffix\":\"return x\"}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).isEqualTo("{\"error\":\"\\\"qwen/qwen3-4b\\\" does not support insert\"}");
    assertThat(Upstream.inference(harness)).isEmpty();
  }

  @Test
  void aRawPromptOnACoderIsSentAsItIsWithoutTheSuffix() {
    JsonNode body = Ndjson.json(harness.post("/api/generate", "{\"model\":\"" + CODER + "\",\"raw\":true,"
        + "\"stream\":false,\"prompt\":\"<|fim_prefix|>x<|fim_suffix|>y<|fim_middle|>\",\"suffix\":\"ignored\"}").body());

    assertThat(Upstream.body(harness, "/v1/completions").path("prompt").asText())
        .isEqualTo("<|fim_prefix|>x<|fim_suffix|>y<|fim_middle|>");
    assertThat(body.path("response").asText()).isEqualTo("a + b");
  }

  @Test
  void theNonStreamingAnswerIsTheWholeMiddle() {
    JsonNode body = Ndjson.json(harness.post("/api/generate", "{\"model\":\"" + CODER + "\",\"stream\":false,"
        + "\"prompt\":\"x = \",\"suffix\":\"\\n\"}").body());

    assertThat(body.path("response").asText()).isEqualTo("a + b");
    assertThat(body.path("done_reason").asText()).isEqualTo("stop");
  }
}
