package io.github.ollamalmstudioproxy.simulator;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Locale;

/**
 * One downloaded model as LM Studio describes it in {@code /api/v0/models} and {@code /api/v1/models}.
 *
 * <p>Vision comes from {@link ModelType#VLM} rather than a flag, because real v0 rows of vision models may list only
 * {@code ["tool_use"]} as capabilities and clients are told to trust the type (reference §3.1).
 *
 * @param reasoningOptions {@code capabilities.reasoning.allowed_options}; empty when the model exposes no reasoning
 *     configuration (then v1 omits {@code capabilities.reasoning})
 * @param paramsString may be null, as for embedding models
 * @param publisher may be null
 */
public record SimulatorModel(
    String key,
    ModelType type,
    String publisher,
    String displayName,
    String arch,
    String format,
    String quantization,
    int bitsPerWeight,
    long sizeBytes,
    String paramsString,
    int maxContextLength,
    boolean trainedForToolUse,
    List<String> reasoningOptions,
    String reasoningDefault) {

  /** Model kinds; the v0 and v1 APIs spell the embedding type differently ({@code embeddings} vs {@code embedding}). */
  public enum ModelType {
    LLM("llm", "llm"),
    VLM("vlm", "vlm"),
    EMBEDDING("embeddings", "embedding");

    private final String v0Name;
    private final String v1Name;

    ModelType(String v0Name, String v1Name) {
      this.v0Name = v0Name;
      this.v1Name = v1Name;
    }

    public String v0Name() {
      return v0Name;
    }

    public String v1Name() {
      return v1Name;
    }

    public boolean canChat() {
      return this != EMBEDDING;
    }
  }

  public SimulatorModel {
    requireNonNull(key, "key");
    requireNonNull(type, "type");
    requireNonNull(displayName, "displayName");
    requireNonNull(format, "format");
    requireNonNull(quantization, "quantization");
    reasoningOptions = List.copyOf(reasoningOptions == null ? List.of() : reasoningOptions);
  }

  public boolean vision() {
    return type == ModelType.VLM;
  }

  /** The only variant id, {@code key@q4_k_m}: quant names are lowercase in variant suffixes (reference §8). */
  public String variant() {
    return key + "@" + quantization.toLowerCase(Locale.ROOT);
  }

  /** True for the bare key and for the {@code key@quant} variant id. */
  public boolean answersTo(String id) {
    return key.equals(id) || variant().equals(id);
  }

  /**
   * A plain LLM as a finished download adds it: the publisher is the key's first part, the rest is what a fresh GGUF
   * of a small model shows (tool use and reasoning off, 32K context).
   */
  public static SimulatorModel llm(String key, long sizeBytes) {
    int slash = key.indexOf('/');
    return new SimulatorModel(key, ModelType.LLM, slash > 0 ? key.substring(0, slash) : null, key, "llama", "gguf",
        "Q4_K_M", 4, sizeBytes, null, 32_768, false, List.of(), null);
  }

  /**
   * The default catalogue: one loaded reasoning LLM with tools, one vision model, one plain LLM and the embedding
   * model a fresh LM Studio install ships (reference §2.1). Sizes and contexts are realistic values for these files.
   */
  public static List<SimulatorModel> defaults() {
    return List.of(
        new SimulatorModel("qwen/qwen3-4b", ModelType.LLM, "qwen", "Qwen3 4B", "qwen3", "gguf", "Q4_K_M", 4,
            2_497_280_256L, "4B", 32_768, true, List.of("off", "on"), "on"),
        new SimulatorModel("google/gemma-3-4b", ModelType.VLM, "google", "Gemma 3 4B", "gemma3", "gguf", "Q4_K_M", 4,
            3_340_000_000L, "4B", 131_072, false, List.of(), null),
        new SimulatorModel("meta-llama-3.1-8b-instruct", ModelType.LLM, "lmstudio-community", "Meta Llama 3.1 8B Instruct",
            "llama", "gguf", "Q4_K_M", 4, 4_920_734_272L, "8B", 131_072, true, List.of(), null),
        new SimulatorModel("text-embedding-nomic-embed-text-v1.5", ModelType.EMBEDDING, "nomic-ai",
            "Nomic Embed Text v1.5", "nomic-bert", "gguf", "Q4_K_M", 4, 84_106_624L, null, 2_048, false, List.of(),
            null));
  }
}
