package io.github.ollamalmstudioproxy.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NameInferenceTest {
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "text-embedding-nomic-embed-text-v1.5, true",
    "nomic-embed-text, true",
    "text-embedding-3-small, true",
    "embeddinggemma-300m, true",
    "qwen3-embedding-0.6b, true",
    "bge-m3, true",
    "BAAI/bge-small-en-v1.5, true",
    "e5-large-v2, true",
    "multilingual-e5-small, true",
    "all-minilm-l6-v2, true",
    "gte-base, true",
    "qwen/qwen3-4b, false",
    "openai/gpt-oss-20b, false",
    "forge-7b, false",
    "phi-3-mini, false",
  })
  void recognisesEmbeddingModelsByName(String name, boolean embedding) {
    assertThat(NameInference.looksLikeEmbedding(name)).isEqualTo(embedding);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(nullValues = "UNKNOWN", value = {
    "text-embedding-nomic-embed-text-v1.5@q4_k_m, Q4_K_M",
    "glm-4.7-flash@mxfp4, MXFP4",
    "Qwen3-8B-Q4_K_M.gguf, Q4_K_M",
    "llama-3.2-1b-instruct-q8_0, Q8_0",
    "gemma-2-9b-it-IQ4_XS, IQ4_XS",
    "phi-3-mini-f16, F16",
    "mistral-7b-bf16, BF16",
    "mlx-community/llama-3-8b-instruct-4bit, 4bit",
    "qwen/qwen3-4b, UNKNOWN",
    "qwq-32b, UNKNOWN",
  })
  void readsAQuantizationFromTheName(String name, String quant) {
    assertThat(NameInference.quantizationFromName(name)).isEqualTo(quant);
  }

  @ParameterizedTest(name = "{0} x {1}")
  @CsvSource(nullValues = "UNKNOWN", value = {
    "8000000000, Q4_K_M, UNKNOWN, 4890000000",
    "8000000000, Q8_0, UNKNOWN, 8500000000",
    "3000000000, 4bit, UNKNOWN, 1687500000",
    "1000000000, SOMETHING_NEW, 4.0, 500000000",
    "1000000000, SOMETHING_NEW, UNKNOWN, UNKNOWN",
    "UNKNOWN, Q4_K_M, 4.0, UNKNOWN",
  })
  void estimatesSizeOnlyFromKnownFactors(Long params, String quant, Double bits, Long bytes) {
    assertThat(QuantizationBits.estimateBytes(params, quant, bits)).isEqualTo(bytes);
  }
}
