package io.github.ollamalmstudioproxy.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.github.ollamalmstudioproxy.ollama.OllamaError;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class ModelNamesTest {
  private static final List<BackendModel> MODELS = List.of(
      model("qwen/qwen3-4b", "Q4_K_M", List.of(), List.of("qwen/qwen3-4b@q4_k_m", "qwen/qwen3-4b@q8_0")),
      model("openai/gpt-oss-20b", "MXFP4", List.of("openai/gpt-oss-20b", "openai/gpt-oss-20b:2"), List.of()),
      model("qwen2.5-7b-instruct", "Q4_K_M", List.of(), List.of()),
      model("lmstudio-community/gemma-3-1b-it", "Q4_K_M", List.of(), List.of()),
      model("google/gemma-3-1b-it", "Q8_0", List.of(), List.of()),
      model("text-embedding-nomic-embed-text-v1.5@q4_k_m", null, List.of(), List.of()),
      model("Meta-Llama-3.1-8B-Instruct", "Q4_K_M", List.of(), List.of()),
      model("my-llama", null, List.of("my-llama", "fast-llama"), List.of()));

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "qwen/qwen3-4b, qwen/qwen3-4b:latest",
    "qwen2.5-7b-instruct, qwen2.5-7b-instruct:latest",
    "text-embedding-nomic-embed-text-v1.5@q4_k_m, text-embedding-nomic-embed-text-v1.5:q4_k_m",
    "qwen/qwen3-4b@q8_0, qwen/qwen3-4b:q8_0",
    "openai/gpt-oss-20b:2, openai/gpt-oss-20b:2",
    "Meta-Llama-3.1-8B-Instruct, Meta-Llama-3.1-8B-Instruct:latest",
  })
  void backendIdBecomesOllamaName(String backendId, String ollamaName) {
    assertThat(ModelNames.ollamaName(backendId)).isEqualTo(ollamaName);
  }

  static Stream<Arguments> resolvable() {
    return Stream.of(
        arguments("key as is", "qwen/qwen3-4b", "qwen/qwen3-4b"),
        arguments("key with :latest", "qwen/qwen3-4b:latest", "qwen/qwen3-4b"),
        arguments("case-insensitive, id keeps the backend's case", "meta-llama-3.1-8b-instruct:LATEST",
            "Meta-Llama-3.1-8B-Instruct"),
        arguments("surrounding spaces ignored", "  qwen2.5-7b-instruct  ", "qwen2.5-7b-instruct"),
        arguments("tag names a listed variant", "qwen/qwen3-4b:q8_0", "qwen/qwen3-4b@q8_0"),
        arguments("variant tag is case-insensitive", "qwen/qwen3-4b:Q8_0", "qwen/qwen3-4b@q8_0"),
        arguments("LM Studio @ form accepted too", "qwen/qwen3-4b@q8_0", "qwen/qwen3-4b@q8_0"),
        arguments("tag equal to the only quantization", "qwen2.5-7b-instruct:q4_k_m", "qwen2.5-7b-instruct"),
        arguments("OpenAI id with @ answers its own :tag", "text-embedding-nomic-embed-text-v1.5:q4_k_m",
            "text-embedding-nomic-embed-text-v1.5@q4_k_m"),
        arguments("no publisher, exactly one match", "qwen3-4b", "qwen/qwen3-4b"),
        arguments("no publisher with :latest", "qwen3-4b:latest", "qwen/qwen3-4b"),
        arguments("no publisher with a variant tag", "qwen3-4b:q8_0", "qwen/qwen3-4b@q8_0"),
        arguments("a loaded extra instance", "openai/gpt-oss-20b:2", "openai/gpt-oss-20b:2"),
        arguments("a loaded extra instance without publisher", "gpt-oss-20b:2", "openai/gpt-oss-20b:2"),
        arguments("a custom instance identifier", "fast-llama", "fast-llama"));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("resolvable")
  void resolvesToBackendId(String why, String requested, String backendId) {
    assertThat(ModelNames.resolve(requested, MODELS).backendId()).isEqualTo(backendId);
  }

  static Stream<Arguments> unresolvable() {
    return Stream.of(
        arguments("shares only a word (the old fuzzy matcher picked gpt-oss-20b)", "gpt-4o-mini"),
        arguments("prefix of a key", "qwen/qwen3"),
        arguments("prefix without publisher", "qwen3"),
        arguments("family name only", "gemma"),
        arguments("ambiguous without publisher", "gemma-3-1b-it"),
        arguments("ambiguous without publisher, with :latest", "gemma-3-1b-it:latest"),
        arguments("unknown variant", "qwen/qwen3-4b:q2_k"),
        arguments("Ollama-style size tag that is not a variant", "qwen2.5-7b-instruct:7b"),
        arguments("instance that is not loaded", "qwen/qwen3-4b:2"),
        arguments("wrong publisher", "meta/qwen3-4b"),
        arguments("empty", ""),
        arguments("blank", "   "),
        arguments("substring of a key", "nomic-embed-text"));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("unresolvable")
  void unknownOrAmbiguousNamesAreNotFound(String why, String requested) {
    assertThatThrownBy(() -> ModelNames.resolve(requested, MODELS))
        .isInstanceOfSatisfying(OllamaError.class, e -> {
          assertThat(e.status()).isEqualTo(404);
          assertThat(e.getMessage()).isEqualTo("model '" + requested + "' not found");
        });
  }

  @Test
  void nullNameIsNotFoundWithAnEmptyName() {
    assertThatThrownBy(() -> ModelNames.resolve(null, MODELS)).hasMessage("model '' not found");
  }

  @Test
  void exactKeyWinsOverTheSameNameUnderAPublisher() {
    List<BackendModel> both = List.of(model("qwen/qwen3-4b", null, List.of(), List.of()),
        model("qwen3-4b", null, List.of(), List.of()));
    assertThat(ModelNames.resolve("qwen3-4b", both).backendId()).isEqualTo("qwen3-4b");
    assertThat(ModelNames.resolve("qwen/qwen3-4b:latest", both).backendId()).isEqualTo("qwen/qwen3-4b");
  }

  @Test
  void variantResolutionCarriesTheVariantsQuantizationAndForgetsTheOtherFilesSize() {
    ResolvedModel r = ModelNames.resolve("qwen/qwen3-4b:q8_0", MODELS);
    assertThat(r.ollamaName()).isEqualTo("qwen/qwen3-4b:q8_0");
    assertThat(r.model().quantization()).isEqualTo("Q8_0");
    assertThat(r.model().sizeBytes()).isNull();
    assertThat(ModelNames.resolve("qwen/qwen3-4b:q4_k_m", MODELS).model().sizeBytes()).isEqualTo(1000L);
  }

  @Test
  void aTagNeverReachesTheBackend() {
    for (BackendModel m : MODELS) {
      String backendId = ModelNames.resolve(ModelNames.ollamaName(m.key()), MODELS).backendId();
      assertThat(backendId).isEqualTo(m.key()).doesNotEndWith(":latest");
    }
  }

  private static BackendModel model(String key, String quant, List<String> instances, List<String> variants) {
    BackendModel.Builder b = BackendModel.builder(key, CatalogSource.LMSTUDIO_V1);
    b.quantization = quant;
    b.sizeBytes = 1000L;
    b.loadedInstances = instances.stream().map(i -> LoadedInstance.of(i, null)).toList();
    b.variants = variants;
    return b.build();
  }
}
