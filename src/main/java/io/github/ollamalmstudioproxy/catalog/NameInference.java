package io.github.ollamalmstudioproxy.catalog;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fills the gaps a backend left, from the model name, without overwriting anything the backend did say.
 *
 * <p>Applied to every source: a plain {@code /v1/models} list needs it for everything, LM Studio only for what it
 * omits (v1 embedding entries have no architecture and often no {@code params_string}).
 */
final class NameInference {
  private static final Pattern EMBEDDING = Pattern.compile(
      "embed|(?<![a-z])bge(?![a-z])|(?<![a-z])e5-|minilm|(?<![a-z])gte-|sentence-t");
  private static final Pattern QUANT_TOKEN = Pattern.compile(
      "(?<![a-z0-9])(i?q\\d(?:_[a-z0-9]+)*|bf16|fp16|f16|f32|mxfp4|\\d{1,2}-?bit)(?![a-z0-9])");

  private NameInference() {}

  /** Whether a name says "embedding model" (e.g. {@code text-embedding-…}, {@code bge-m3}, {@code e5-large}). */
  static boolean looksLikeEmbedding(String name) {
    return name != null && EMBEDDING.matcher(name.toLowerCase(Locale.ROOT)).find();
  }

  /** A quantization named in the id ({@code …@q4_k_m}, {@code …-Q8_0.gguf}), upper-cased like Ollama's; or null. */
  static String quantizationFromName(String name) {
    if (name == null) {
      return null;
    }
    String lower = name.toLowerCase(Locale.ROOT);
    int at = lower.lastIndexOf('@');
    if (at >= 0 && at < lower.length() - 1) {
      return lower.substring(at + 1).toUpperCase(Locale.ROOT);
    }
    Matcher m = QUANT_TOKEN.matcher(lower);
    String last = null;
    while (m.find()) {
      last = m.group(1);
    }
    if (last == null) {
      return null;
    }
    return last.endsWith("bit") ? last.replace("-", "") : last.toUpperCase(Locale.ROOT);
  }

  /** Completes architecture, parameter count and label, and quantization where the backend was silent. */
  static void fillGaps(BackendModel.Builder b) {
    if (b.architecture == null) {
      b.architecture = FamilyTable.infer(b.key).orElse(null);
    }
    if (b.parameterCount == null) {
      ParameterSizes.Size size = ParameterSizes.fromLabel(b.paramsString);
      if (size == null && b.paramsString == null) {
        size = ParameterSizes.fromName(b.key);
        if (size != null) {
          b.paramsString = size.label();
        }
      }
      if (size != null) {
        b.parameterCount = size.count();
      }
    }
    if (b.quantization == null) {
      b.quantization = quantizationFromName(b.key);
    }
  }
}
