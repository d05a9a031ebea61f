package io.github.ollamalmstudioproxy.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The FIM table of docs/fill-in-the-middle.md: which ids it recognises and the prompt each family gets. */
class FimTemplateTest {

  static Stream<Arguments> families() {
    return Stream.of(
        // QwenLM/Qwen2.5-Coder README, "File-Level Code Completion (Fill in the middle)"
        f("qwen/qwen2.5-coder-7b-instruct", FimTemplate.QWEN2_5_CODER,
            "<|fim_prefix|>def f(<|fim_suffix|>  return x<|fim_middle|>"),
        f("Qwen/Qwen2.5-Coder-1.5B", FimTemplate.QWEN2_5_CODER,
            "<|fim_prefix|>def f(<|fim_suffix|>  return x<|fim_middle|>"),
        // meta-llama/codellama llama/generation.py infilling_prompt_tokens: "<PRE> {pre} <SUF>{suf} <MID>"
        f("TheBloke/CodeLlama-7B-GGUF", FimTemplate.CODELLAMA, "<PRE> def f( <SUF>  return x <MID>"),
        f("codellama-13b-instruct", FimTemplate.CODELLAMA, "<PRE> def f( <SUF>  return x <MID>"),
        // bigcode-evaluation-harness santacoder_fim.py StarCoderFIM
        f("second-state/StarCoder2-15B-GGUF", FimTemplate.STARCODER2, "<fim_prefix>def f(<fim_suffix>  return x<fim_middle>"),
        // deepseek-ai/DeepSeek-Coder README, "Code Insertion"
        f("deepseek-coder-6.7b-base", FimTemplate.DEEPSEEK_CODER, "<｜fim▁begin｜>def f(<｜fim▁hole｜>  return x<｜fim▁end｜>"),
        f("lmstudio-community/DeepSeek-Coder-V2-Lite-Instruct-GGUF", FimTemplate.DEEPSEEK_CODER,
            "<｜fim▁begin｜>def f(<｜fim▁hole｜>  return x<｜fim▁end｜>"),
        // mistral-common InstructTokenizerV2.encode_fim; Ollama docs/template.mdx "[SUFFIX]{{ .Suffix }}[PREFIX] {{ .Prompt }}"
        f("mistralai/codestral-22b-v0.1", FimTemplate.CODESTRAL, "[SUFFIX]  return x[PREFIX] def f("));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("families")
  void recognisesTheFamilyAndRendersItsFimPrompt(String id, FimTemplate family, String prompt) {
    assertThat(FimTemplate.forModel(id)).hasValue(family);
    assertThat(family.render("def f(", "  return x")).isEqualTo(prompt);
  }

  /** Not in the table: models without FIM training, and the CodeLlama variants Meta's README leaves out. */
  @ParameterizedTest
  @ValueSource(strings = {"qwen/qwen3-4b", "qwen2.5-7b-instruct", "codellama-34b-instruct", "codellama-70b",
      "CodeLlama-7b-Python", "meta-llama-3.1-8b-instruct", "starcoder", "tiny-llama-random"})
  void otherModelsHaveNone(String id) {
    assertThat(FimTemplate.forModel(id)).isEmpty();
  }

  /** Continue sends {@code suffix} only when {@code /api/show}'s template contains {@code .Suffix}. */
  @Test
  void everyGoTemplateUsesSuffixAndPrompt() {
    for (FimTemplate t : FimTemplate.values()) {
      assertThat(t.goTemplate()).contains("{{ .Suffix }}").contains("{{ .Prompt }}").startsWith("{{- if .Suffix }}");
    }
    assertThat(FimTemplate.CODESTRAL.goTemplate())
        .isEqualTo("{{- if .Suffix }}[SUFFIX]{{ .Suffix }}[PREFIX] {{ .Prompt }}{{- else }}{{ .Prompt }}{{- end }}");
  }

  private static Arguments f(String id, FimTemplate family, String prompt) {
    return Arguments.of(id, family, prompt);
  }
}
