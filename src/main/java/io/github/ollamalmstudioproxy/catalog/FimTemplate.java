package io.github.ollamalmstudioproxy.catalog;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The fill-in-the-middle prompt of the model families whose FIM tokens are documented, recognised by the backend's
 * model id. Sources, one per family, are in {@code docs/fill-in-the-middle.md}; a family is listed only when its
 * tokens were checked there. The proxy sends the rendered prompt raw to {@code /v1/completions}, so the backend's
 * tokenizer must turn the token texts into the special tokens, as llama.cpp (LM Studio's engine) and vLLM do.
 */
public enum FimTemplate {
  /** QwenLM/Qwen2.5-Coder README, "File-Level Code Completion (Fill in the middle)". */
  QWEN2_5_CODER(Pattern.compile("qwen2\\.5[-_ ]?coder"), "<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>", false),
  /**
   * meta-llama/codellama {@code llama/generation.py} ({@code infilling_prompt_tokens}: {@code "<PRE> {pre} <SUF>{suf}
   * <MID>"}); its README: only the 7B and 13B models, base and Instruct, can infill (not Python, not 34B or 70B).
   */
  CODELLAMA(Pattern.compile("^(?!.*python)(?=.*(?<![0-9])(7|13)b).*code[-_ ]?llama"), "<PRE> ", " <SUF>", " <MID>",
      false),
  /** bigcode-project/bigcode-evaluation-harness {@code bigcode_eval/tasks/santacoder_fim.py} ({@code StarCoderFIM}). */
  STARCODER2(Pattern.compile("starcoder2"), "<fim_prefix>", "<fim_suffix>", "<fim_middle>", false),
  /** deepseek-ai/DeepSeek-Coder README, "Code Insertion" (the same tokens in DeepSeek-Coder-V2's README). */
  DEEPSEEK_CODER(Pattern.compile("deepseek[-_ ]?coder"), "<｜fim▁begin｜>", "<｜fim▁hole｜>", "<｜fim▁end｜>", false),
  /**
   * Suffix first: mistralai/mistral-common {@code InstructTokenizerV2.encode_fim} ({@code [SUFFIX] suffix [PREFIX]
   * prefix}); Ollama's docs/template.mdx writes it {@code [SUFFIX]{{ .Suffix }}[PREFIX] {{ .Prompt }}}.
   */
  CODESTRAL(Pattern.compile("codestral"), "[SUFFIX]", "[PREFIX] ", "", true);

  private final Pattern name;
  private final String first;
  private final String second;
  private final String last;
  private final boolean suffixFirst;

  FimTemplate(Pattern name, String first, String second, String last, boolean suffixFirst) {
    this.name = name;
    this.first = first;
    this.second = second;
    this.last = last;
    this.suffixFirst = suffixFirst;
  }

  /** The family of a backend model id, when it is one of the table's. */
  public static Optional<FimTemplate> forModel(String backendId) {
    String id = backendId.toLowerCase(Locale.ROOT);
    for (FimTemplate t : values()) {
      if (t.name.matcher(id).find()) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  /** The raw prompt that asks the model for the text between {@code prefix} and {@code suffix}. */
  public String render(String prefix, String suffix) {
    return suffixFirst ? first + suffix + second + prefix + last : first + prefix + second + suffix + last;
  }

  /**
   * The same as an Ollama template for {@code /api/show}: clients such as Continue send {@code suffix} only when the
   * template contains {@code .Suffix}; without a suffix the prompt is used as it is, as the proxy's other template.
   */
  public String goTemplate() {
    String a = "{{ .Prompt }}";
    String b = "{{ .Suffix }}";
    String fim = suffixFirst ? first + b + second + a + last : first + a + second + b + last;
    return "{{- if .Suffix }}" + fim + "{{- else }}{{ .Prompt }}{{- end }}";
  }
}
