package io.github.ollamalmstudioproxy.catalog;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Guesses a GGUF architecture (Ollama's {@code family}) from a model name, for backends that report none.
 *
 * <p>The values are what llama.cpp writes to {@code general.architecture}, which is what Ollama shows: Qwen2.5 and
 * QwQ really are {@code qwen2}, Mistral 7B and Mixtral really are {@code llama}, Phi-4 really is {@code phi3}.
 * Generations that changed architecture are separate rows ({@code qwen3} is not {@code qwen2}). The first matching
 * row wins, so specific rows come first; a row with a null family stops the search ("known to be unknown"), which
 * keeps e.g. Gemma 4 from falling through to the Gemma 1 row. Names that match nothing stay unknown.
 */
final class FamilyTable {
  private record Row(Pattern pattern, String family) {}

  // Lookbehind (?<![a-z]) keeps "phi" out of "sophia" and "bge" out of words that merely contain it.
  private static final String[][] ROWS = {
    {"nomic-embed-text-v2-moe", "nomic-bert-moe"},
    {"nomic-embed", "nomic-bert"},
    {"embeddinggemma", "gemma-embedding"},
    {"gte-qwen2", "qwen2"},
    {"jina-embeddings-v2", "jina-bert-v2"},
    {"(?<![a-z])(bge|mxbai-embed|all-minilm|paraphrase-minilm|snowflake-arctic-embed|gte|e5|multilingual-e5)-",
        "bert"},
    {"(?<![a-z])bge(?![a-z])", "bert"},
    {"deepseek-r1-distill-qwen", "qwen2"},
    {"deepseek-r1-distill-llama", "llama"},
    {"deepseek-(coder-)?v2|deepseek-v3|deepseek-r1(?!-distill)", "deepseek2"},
    {"deepseek-(coder|llm)", "llama"},
    {"qwen3-?(moe|\\d+(\\.\\d+)?b-a\\d+(\\.\\d+)?b)", "qwen3moe"},
    {"qwen3-?vl", "qwen3vl"},
    {"qwen3\\.5", "qwen35"},
    {"qwen3(?![.\\d])", "qwen3"},
    {"qwen3\\.", null},
    {"qwen2(\\.5)?-?vl", "qwen2vl"},
    {"qwen2(\\.5)?-?moe|qwen1\\.5-moe", "qwen2moe"},
    {"qwen2(\\.5)?(?![.\\d])|(?<![a-z])qwq", "qwen2"},
    {"qwen(1\\.5)?(?![.\\d])", "qwen"},
    {"llama-?4", "llama4"},
    {"llama", "llama"},
    {"mistral-small-3\\.[12]", "mistral3"},
    {"mistral|mixtral|ministral|codestral|devstral|magistral|mathstral", "llama"},
    {"gemma-?3n", "gemma3n"},
    {"gemma-?3(?![\\d.]*[bm])", "gemma3"},
    {"gemma-?2(?![\\d.]*[bm])", "gemma2"},
    {"gemma-?[4-9](?![\\d.]*[bm])", null},
    {"gemma", "gemma"},
    {"(?<![a-z])phi-?(3|3\\.5|4)(?![\\d.]*[bm])", "phi3"},
    {"(?<![a-z])phi-?2(?![\\d.]*[bm])", "phi2"},
    {"gpt-oss", "gpt-oss"},
    {"granite-?4(\\.0)?-h-", "granitehybrid"},
    {"granite.*moe", "granitemoe"},
    {"granite", "granite"},
    {"command-r", "command-r"},
    {"starcoder-?2", "starcoder2"},
    {"starcoder", "starcoder"},
    {"smollm", "llama"},
    {"falcon-?h1", "falcon-h1"},
    {"falcon", "falcon"},
    {"stablelm", "stablelm"},
    {"olmo-?2", "olmo2"},
    {"internlm-?2", "internlm2"},
    {"glm-?4(?![.\\d])", "glm4"},
    {"glm-?4\\.", null},
    {"lfm-?2", "lfm2"},
  };

  private static final List<Row> TABLE = compile();

  private FamilyTable() {}

  /** The architecture for a model name or key, or empty when no row matches (or a row says it is unknown). */
  static Optional<String> infer(String name) {
    if (name == null) {
      return Optional.empty();
    }
    String lower = name.toLowerCase(Locale.ROOT);
    for (Row row : TABLE) {
      if (row.pattern().matcher(lower).find()) {
        return Optional.ofNullable(row.family());
      }
    }
    return Optional.empty();
  }

  private static List<Row> compile() {
    Row[] rows = new Row[ROWS.length];
    for (int i = 0; i < ROWS.length; i++) {
      rows[i] = new Row(Pattern.compile(ROWS[i][0]), ROWS[i][1]);
    }
    return List.of(rows);
  }
}
