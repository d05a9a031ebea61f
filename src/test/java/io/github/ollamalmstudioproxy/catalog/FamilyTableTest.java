package io.github.ollamalmstudioproxy.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FamilyTableTest {
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(nullValues = "UNKNOWN", value = {
    // Qwen generations are different architectures; 2.5 and QwQ really are qwen2 in GGUF.
    "qwen/qwen3-4b, qwen3",
    "Qwen3-8B-Q4_K_M.gguf, qwen3",
    "qwen3-30b-a3b, qwen3moe",
    "qwen/qwen3-235b-a22b, qwen3moe",
    "qwen3-embedding-0.6b, qwen3",
    "qwen/qwen3.5-9b, qwen35",
    "qwen/qwen3.6-35b, UNKNOWN",
    "qwen2.5-7b-instruct, qwen2",
    "Qwen2-7B-Instruct, qwen2",
    "qwen2.5-coder-32b-instruct, qwen2",
    "qwq-32b, qwen2",
    "qwen2.5-vl-7b-instruct, qwen2vl",
    "qwen1.5-7b-chat, qwen",
    "deepseek-r1-distill-qwen-7b, qwen2",
    "deepseek-r1-distill-llama-8b, llama",
    "deepseek-coder-v2-lite-instruct, deepseek2",
    "deepseek-v3, deepseek2",
    "deepseek-coder-6.7b-instruct, llama",
    "meta-llama-3.1-8b-instruct, llama",
    "llama-3.2-1b-instruct, llama",
    "tinyllama-1.1b-chat, llama",
    "codellama-13b, llama",
    "llama-4-scout-17b-16e, llama4",
    "tiny-llama-random, llama",
    // Mistral 7B and Mixtral use the llama architecture in GGUF.
    "mistral-7b-instruct-v0.3, llama",
    "mixtral-8x7b-instruct, llama",
    "mistralai/devstral-small-2505, llama",
    "mistral-small-3.1-24b-instruct, mistral3",
    "gemma-3-1b-it-qat, gemma3",
    "google/gemma-3-12b, gemma3",
    "gemma-3-270m, gemma3",
    "gemma3:4b, gemma3",
    "gemma-2-9b-it, gemma2",
    "gemma-2b-it, gemma",
    "gemma-7b, gemma",
    "codegemma-7b, gemma",
    "gemma-3n-e4b-it, gemma3n",
    "google/gemma-4-12b, UNKNOWN",
    "embeddinggemma-300m, gemma-embedding",
    "phi-3-mini-4k-instruct, phi3",
    "phi-3.5-mini-instruct, phi3",
    "microsoft/phi-4, phi3",
    "phi-2, phi2",
    "sophia-7b, UNKNOWN",
    "openai/gpt-oss-20b, gpt-oss",
    "ibm/granite-4-micro, granite",
    "granite-4.0-h-tiny, granitehybrid",
    "granite-3.1-3b-a800m-moe, granitemoe",
    "text-embedding-nomic-embed-text-v1.5, nomic-bert",
    "nomic-embed-text-v2-moe, nomic-bert-moe",
    "bge-m3, bert",
    "BAAI/bge-large-en-v1.5, bert",
    "all-minilm-l6-v2, bert",
    "mxbai-embed-large-v1, bert",
    "snowflake-arctic-embed-m, bert",
    "e5-large-v2, bert",
    "gte-qwen2-7b-instruct, qwen2",
    "glm-4-9b-chat, glm4",
    "glm-4.7-flash@mxfp4, UNKNOWN",
    "gpt-4o-mini, UNKNOWN",
    "text-embedding-3-small, UNKNOWN",
    "my-finetune, UNKNOWN",
  })
  void infersTheGgufArchitecture(String name, String family) {
    assertThat(FamilyTable.infer(name).orElse(null)).isEqualTo(family);
  }
}
