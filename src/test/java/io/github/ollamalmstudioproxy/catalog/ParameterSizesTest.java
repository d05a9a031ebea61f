package io.github.ollamalmstudioproxy.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ParameterSizesTest {
  @ParameterizedTest(name = "{0} -> {1} / {2}")
  @CsvSource(nullValues = "UNKNOWN", value = {
    "llama-2-13b-chat, 13000000000, 13B",
    "qwen2.5-32b-instruct, 32000000000, 32B",
    "qwen2.5-72b-instruct, 72000000000, 72B",
    "gemma-2-27b-it, 27000000000, 27B",
    "mistral-nemo-12b, 12000000000, 12B",
    "qwen2.5-1.5b-instruct, 1500000000, 1.5B",
    "qwen2.5-0.5b, 500000000, 0.5B",
    "gemma-3-270m, 270000000, 270M",
    "smollm-135m, 135000000, 135M",
    "qwen3-30b-a3b, 30000000000, 30B",
    "qwen3-235b-a22b, 235000000000, 235B",
    "Qwen2.5-7B-Instruct-1M, 7000000000, 7B",
    "openai/gpt-oss-120b, 120000000000, 120B",
    "llama-3.2-1b-instruct, 1000000000, 1B",
    "phi-3-mini-4k-instruct, UNKNOWN, UNKNOWN",
    "mlx-community/llama-3-8b-instruct-8bit, 8000000000, 8B",
    "qwen3-4b@q4_k_m, 4000000000, 4B",
    "text-embedding-nomic-embed-text-v1.5, UNKNOWN, UNKNOWN",
    "gemma-3n-e4b, UNKNOWN, UNKNOWN",
    "llama3.3-70b, 70000000000, 70B",
  })
  void readsTheLargestWholeSizeTokenOfAName(String name, Long count, String label) {
    ParameterSizes.Size size = ParameterSizes.fromName(name);
    assertThat(size == null ? null : size.count()).isEqualTo(count);
    assertThat(size == null ? null : size.label()).isEqualTo(label);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"mixtral-8x7b-instruct", "Mixtral-8x22B-v0.1"})
  void mixtureOfExpertsNamesKeepTheirLabelButNoCount(String name) {
    ParameterSizes.Size size = ParameterSizes.fromName(name);
    assertThat(size.count()).isNull();
    assertThat(size.label()).matches("8x\\d+B");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(nullValues = "UNKNOWN", value = {
    "35B-A3B, 35000000000",
    "8B, 8000000000",
    "270M, 270000000",
    "1.5B, 1500000000",
    "7.6B, 7600000000",
    "8x7B, UNKNOWN",
    "not a size, UNKNOWN",
  })
  void readsBackendLabels(String label, Long count) {
    ParameterSizes.Size size = ParameterSizes.fromLabel(label);
    assertThat(size == null ? null : size.count()).isEqualTo(count);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "8030261248, 8.0B",
    "7615616512, 7.6B",
    "136727040, 137M",
    "270000000, 270M",
    "35000000000, 35.0B",
    "4227392, 4M",
    "1500000000000, 1.5T",
    "999, 999",
  })
  void displaysCountsLikeOllama(long count, String display) {
    assertThat(ParameterSizes.display(count)).isEqualTo(display);
  }
}
