package io.github.ollamalmstudioproxy.catalog;

import java.util.Locale;

/** What a backend model does; decides between the Ollama capabilities {@code completion} and {@code embedding}. */
public enum ModelType {
  LLM,
  /** A vision-language model (LM Studio {@code /api/v0} reports these as {@code "vlm"}). */
  VLM,
  EMBEDDING;

  /**
   * Reads LM Studio's type string. v0 says {@code embeddings}, v1 says {@code embedding}; anything else is unknown
   * and returns null so that the caller can fall back to the name.
   */
  static ModelType fromLmStudio(String type) {
    if (type == null) {
      return null;
    }
    switch (type.strip().toLowerCase(Locale.ROOT)) {
      case "llm":
        return LLM;
      case "vlm":
        return VLM;
      case "embedding":
      case "embeddings":
        return EMBEDDING;
      default:
        return null;
    }
  }
}
