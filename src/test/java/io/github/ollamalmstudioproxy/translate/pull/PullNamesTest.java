package io.github.ollamalmstudioproxy.translate.pull;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.github.ollamalmstudioproxy.ollama.Json;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Which pull names become which LM Studio download requests, and which are refused in Ollama's words. */
class PullNamesTest {
  static Stream<Arguments> downloads() {
    return Stream.of(
        arguments("catalog id as is", "openai/gpt-oss-20b", "{\"model\":\"openai/gpt-oss-20b\"}"),
        arguments("catalog id, :latest dropped", "qwen/qwen3-4b-2507:latest", "{\"model\":\"qwen/qwen3-4b-2507\"}"),
        arguments("Ollama's hf.co form: repo URL plus quantization", "hf.co/unsloth/Phi-4-mini-instruct-GGUF:Q4_K_M",
            "{\"model\":\"https://huggingface.co/unsloth/Phi-4-mini-instruct-GGUF\",\"quantization\":\"Q4_K_M\"}"),
        arguments("quantization upper-cased as LM Studio's docs write it", "hf.co/bartowski/Qwen3-8B-GGUF:q8_0",
            "{\"model\":\"https://huggingface.co/bartowski/Qwen3-8B-GGUF\",\"quantization\":\"Q8_0\"}"),
        arguments("hf.co without a tag: LM Studio picks", "hf.co/lmstudio-community/gpt-oss-20b-GGUF",
            "{\"model\":\"https://huggingface.co/lmstudio-community/gpt-oss-20b-GGUF\"}"),
        arguments("hf.co with :latest: LM Studio picks", "HF.co/lmstudio-community/gpt-oss-20b-GGUF:latest",
            "{\"model\":\"https://huggingface.co/lmstudio-community/gpt-oss-20b-GGUF\"}"),
        arguments("huggingface.co short form", "huggingface.co/unsloth/gemma-3-4b-it-GGUF:UD-Q4_K_XL",
            "{\"model\":\"https://huggingface.co/unsloth/gemma-3-4b-it-GGUF\",\"quantization\":\"UD-Q4_K_XL\"}"),
        arguments("the exact link LM Studio documents", "https://huggingface.co/lmstudio-community/gpt-oss-20b-GGUF",
            "{\"model\":\"https://huggingface.co/lmstudio-community/gpt-oss-20b-GGUF\"}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("downloads")
  void nameBecomesTheDownloadRequest(String why, String name, String body) {
    assertThat(DownloadTarget.of(name).requestBody()).isEqualTo(body);
  }

  @Test
  void digestIsSha256OfTheDownloadAndTheStatusShowsItsFirstTwelveDigits() {
    DownloadTarget target = DownloadTarget.of("hf.co/bartowski/Qwen3-8B-GGUF:Q8_0");

    assertThat(target.digest()).matches("sha256:[0-9a-f]{64}");
    assertThat(DownloadTarget.of("hf.co/bartowski/Qwen3-8B-GGUF:q8_0").digest()).isEqualTo(target.digest());
    assertThat(DownloadTarget.of("hf.co/bartowski/Qwen3-8B-GGUF:Q4_K_M").digest()).isNotEqualTo(target.digest());
    assertThat(target.key()).isEqualTo("https://huggingface.co/bartowski/Qwen3-8B-GGUF@Q8_0");
  }

  @ParameterizedTest
  @ValueSource(strings = {"qwen3:8b", "llama3.2", "gpt-oss:20b"})
  void bareLibraryNameIsRefusedWithTheFormsToUse(String name) {
    assertThatThrownBy(() -> DownloadTarget.of(name))
        .isInstanceOfSatisfying(OllamaError.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessage("pull model \"" + name + "\": the Ollama library is not available through LM Studio; pull an LM "
            + "Studio catalog id ({publisher}/{model}, e.g. openai/gpt-oss-20b) or a Hugging Face reference "
            + "(hf.co/{user}/{repo}:{quant})");
  }

  @Test
  void catalogIdWithAQuantizationTagPointsToTheHuggingFaceForm() {
    assertThatThrownBy(() -> DownloadTarget.of("openai/gpt-oss-20b:q4_k_m"))
        .isInstanceOfSatisfying(OllamaError.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining("hf.co/{user}/{repo}:q4_k_m");
  }

  @ParameterizedTest
  @ValueSource(strings = {"registry.ollama.ai/library/llama3:8b", "a/b/c", "https://example.com/x/y"})
  void otherNamespacedFormsAreRefusedWithTheFormsToUse(String name) {
    assertThatThrownBy(() -> DownloadTarget.of(name))
        .isInstanceOfSatisfying(OllamaError.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining("not a name LM Studio can download")
        .hasMessageContaining("hf.co/{user}/{repo}:{quant}");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"{}", "{\"model\":\"\"}", "{\"model\":\"   \"}", "{\"name\":\"\"}",
      "{\"model\":\"qwen 3\"}", "{\"model\":\"a\\\"b\"}", "{\"model\":\":8b\"}", "{\"model\":\"qwen3:\"}",
      "{\"model\":\"a//b\"}", "{\"model\":\"what?\"}", "{\"model\":\"/qwen\"}", "{\"model\":\"https://\"}"})
  void emptyOrMalformedNameIsInvalidModelNameAsInOllama(String body) throws Exception {
    assertThatThrownBy(() -> PullRequest.parse(Json.MAPPER.readTree(body)))
        .isInstanceOfSatisfying(OllamaError.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessage("invalid model name");
  }

  @Test
  void modelOrItsDeprecatedAliasNameAndStreamByDefault() throws Exception {
    assertThat(PullRequest.parse(Json.MAPPER.readTree("{\"name\":\" openai/gpt-oss-20b \"}")))
        .isEqualTo(new PullRequest("openai/gpt-oss-20b", true));
    assertThat(PullRequest.parse(Json.MAPPER.readTree("{\"model\":\"a/b\",\"name\":\"c/d\",\"stream\":false}")))
        .isEqualTo(new PullRequest("a/b", false));
  }

  @Test
  void nameOfTheWrongTypeIsRefusedNamingTheField() {
    assertThatThrownBy(() -> PullRequest.parse(Json.MAPPER.readTree("{\"model\":7}")))
        .isInstanceOfSatisfying(OllamaError.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining("model");
  }
}
