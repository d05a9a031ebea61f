package io.github.ollamalmstudioproxy.catalog;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * One downloaded model as the backend describes it, normalised across LM Studio v1, v0 and plain OpenAI lists.
 *
 * <p>Every nullable component means "unknown": the views omit what is unknown rather than invent it.
 *
 * @param key the backend's model identifier (LM Studio key, e.g. {@code qwen/qwen3-4b}; or an OpenAI id)
 * @param type llm, vlm or embedding (never null; a guess from the name only for plain OpenAI lists)
 * @param publisher e.g. {@code qwen}, or null
 * @param displayName a human name such as {@code Qwen3 4B}, or null
 * @param architecture GGUF-style architecture ({@code qwen3}, {@code llama}, {@code nomic-bert}), or null
 * @param format {@code gguf}, {@code mlx}, {@code safetensors}, or null
 * @param quantization e.g. {@code Q4_K_M}, {@code 4bit}, or null
 * @param bitsPerWeight the backend's own bits-per-weight figure, or null
 * @param sizeBytes on-disk size, or null
 * @param paramsString the parameter label as shown by the backend or found in the name ({@code 35B-A3B},
 *     {@code 8x7B}), or null
 * @param parameterCount total parameters, or null (a rounded value when derived from a label)
 * @param maxContextLength the largest context the model supports, or null
 * @param embeddingLength the hidden size when known (llama-server {@code n_embd}), or null
 * @param loadedInstances loaded copies; empty when not loaded or unknown
 * @param capabilities reported capabilities (never null)
 * @param variants other selectable quantizations as full ids ({@code key@q8_0}); empty when unknown
 * @param servesInfill the backend is llama.cpp's {@code llama-server} (its model list carries {@code meta}), whose
 *     {@code /infill} fills in the middle with the model's own FIM tokens, or refuses when it has none
 * @param source where this record came from
 */
public record BackendModel(
    String key,
    ModelType type,
    String publisher,
    String displayName,
    String architecture,
    String format,
    String quantization,
    Double bitsPerWeight,
    Long sizeBytes,
    String paramsString,
    Long parameterCount,
    Integer maxContextLength,
    Integer embeddingLength,
    List<LoadedInstance> loadedInstances,
    ModelCapabilities capabilities,
    List<String> variants,
    boolean servesInfill,
    CatalogSource source) {

  public BackendModel {
    requireNonNull(key, "key");
    requireNonNull(type, "type");
    requireNonNull(source, "source");
    loadedInstances = loadedInstances == null ? List.of() : List.copyOf(loadedInstances);
    capabilities = capabilities == null ? ModelCapabilities.NONE : capabilities;
    variants = variants == null ? List.of() : List.copyOf(variants);
  }

  public boolean isEmbedding() {
    return type == ModelType.EMBEDDING;
  }

  public boolean isLoaded() {
    return !loadedInstances.isEmpty();
  }

  /** Vision from either the v1 capability flag or the v0 {@code vlm} type (a vlm row may list only tool_use). */
  public boolean vision() {
    return type == ModelType.VLM || capabilities.vision();
  }

  /** The fill-in-the-middle prompt of the model's family, when the table knows it. */
  public Optional<FimTemplate> fim() {
    return FimTemplate.forModel(key);
  }

  /** The metadata says the model takes no images (not merely that it does not say). */
  public boolean lacksVision() {
    return !vision() && capabilities.visionReported();
  }

  /** The metadata says the model does no tool calling. */
  public boolean lacksTools() {
    return !capabilities.tools() && capabilities.toolsReported();
  }

  public Optional<LoadedInstance> instance(String instanceId) {
    return loadedInstances.stream().filter(i -> i.id().equalsIgnoreCase(instanceId)).findFirst();
  }

  static Builder builder(String key, CatalogSource source) {
    return new Builder(key, source);
  }

  Builder toBuilder() {
    Builder b = new Builder(key, source);
    b.type = type;
    b.publisher = publisher;
    b.displayName = displayName;
    b.architecture = architecture;
    b.format = format;
    b.quantization = quantization;
    b.bitsPerWeight = bitsPerWeight;
    b.sizeBytes = sizeBytes;
    b.paramsString = paramsString;
    b.parameterCount = parameterCount;
    b.maxContextLength = maxContextLength;
    b.embeddingLength = embeddingLength;
    b.loadedInstances = loadedInstances;
    b.capabilities = capabilities;
    b.variants = variants;
    b.servesInfill = servesInfill;
    return b;
  }

  /** Mutable only while a parser fills it; fields are package-visible so the parsers read like the wire format. */
  static final class Builder {
    final String key;
    final CatalogSource source;
    ModelType type;
    String publisher;
    String displayName;
    String architecture;
    String format;
    String quantization;
    Double bitsPerWeight;
    Long sizeBytes;
    String paramsString;
    Long parameterCount;
    Integer maxContextLength;
    Integer embeddingLength;
    List<LoadedInstance> loadedInstances = List.of();
    ModelCapabilities capabilities = ModelCapabilities.NONE;
    List<String> variants = List.of();
    boolean servesInfill;

    private Builder(String key, CatalogSource source) {
      this.key = requireNonNull(key, "key");
      this.source = requireNonNull(source, "source");
    }

    BackendModel build() {
      return new BackendModel(key, type == null ? ModelType.LLM : type, publisher, displayName, architecture,
          format, quantization, bitsPerWeight, sizeBytes, paramsString, parameterCount, maxContextLength,
          embeddingLength, loadedInstances, capabilities, variants, servesInfill, source);
    }
  }
}
