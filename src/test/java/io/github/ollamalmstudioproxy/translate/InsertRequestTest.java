package io.github.ollamalmstudioproxy.translate;

import static io.github.ollamalmstudioproxy.translate.JsonTestSupport.assertJsonEquals;
import static io.github.ollamalmstudioproxy.translate.JsonTestSupport.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.ollamalmstudioproxy.ollama.OllamaError;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The two fill-in-the-middle requests: llama-server's {@code /infill}, and a raw FIM prompt on completions. */
class InsertRequestTest {
  private static final String ASK = "{\"model\":\"coder\",\"prompt\":\"def f(\",\"suffix\":\"  return x\","
      + "\"keep_alive\":\"5m\",\"options\":{\"num_predict\":16,\"temperature\":0,\"stop\":[\"\\n\\n\"]}";

  /** llama-server's /infill takes input_prefix and input_suffix and wraps them in the model's own FIM tokens. */
  @Test
  void infillSendsPrefixAndSuffixWithTheSamplingFields() {
    UpstreamRequest out = OllamaToOpenAi.infill(GenerateRequest.parse(json(ASK + ",\"logprobs\":true}")), "m");

    assertThat(out.path()).isEqualTo("/infill");
    assertThat(out.answersNativeLlamaStream()).isTrue();
    // n_probs as Ollama's own native llama-server client asks (llm/llama_server.go lines 1579-1581).
    assertJsonEquals(json("{\"model\":\"m\",\"input_prefix\":\"def f(\",\"input_suffix\":\"  return x\","
        + "\"max_tokens\":16,\"temperature\":0,\"stop\":[\"\\n\\n\"],\"n_probs\":1,\"stream\":true}"), body(out));
  }

  @Test
  void fillInTheMiddleSendsTheRenderedPromptRawToCompletions() {
    UpstreamRequest out = OllamaToOpenAi.fillInTheMiddle(GenerateRequest.parse(json(ASK + "}")), "m",
        "<|fim_prefix|>def f(<|fim_suffix|>  return x<|fim_middle|>");

    assertThat(out.path()).isEqualTo("/v1/completions");
    assertJsonEquals(json("{\"model\":\"m\",\"prompt\":\"<|fim_prefix|>def f(<|fim_suffix|>  return x<|fim_middle|>\","
        + "\"max_tokens\":16,\"temperature\":0,\"stop\":[\"\\n\\n\"],\"ttl\":300,\"stream\":true,"
        + "\"stream_options\":{\"include_usage\":true}}"), body(out));
  }

  /** Without a route that knows the model's FIM support, a suffix is never dropped silently into a chat. */
  @Test
  void generateRefusesASuffixItCannotPlace() {
    OllamaError e = catchThrowableOfType(OllamaError.class,
        () -> OllamaToOpenAi.generate(GenerateRequest.parse(json(ASK + "}")), "m", BackendDialect.LM_STUDIO));

    assertThat(e.status() + " " + e.getMessage()).isEqualTo("400 \"coder\" does not support insert");
  }

  /** Ollama's routes.go lines 511-513: only a templated prompt uses the suffix; a raw one is sent as it is. */
  @Test
  void aRawPromptIgnoresTheSuffix() {
    GenerateRequest raw = GenerateRequest.parse(json(ASK + ",\"raw\":true}"));

    UpstreamRequest out = OllamaToOpenAi.generate(raw, "m", BackendDialect.LM_STUDIO);

    assertThat(raw.ignored()).contains("suffix");
    assertThat(body(out).path("prompt").asText()).isEqualTo("def f(");
  }

  private static com.fasterxml.jackson.databind.JsonNode body(UpstreamRequest out) {
    return json(new String(out.body(), StandardCharsets.UTF_8));
  }
}
