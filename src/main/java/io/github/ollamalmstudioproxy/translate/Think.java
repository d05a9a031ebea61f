package io.github.ollamalmstudioproxy.translate;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ollamalmstudioproxy.ollama.OllamaError;

/**
 * Ollama's {@code think}: a boolean or a level.
 *
 * @param enabled false only for {@code think:false}
 * @param level {@code "low"}, {@code "medium"}, {@code "high"} or {@code "max"}; null when a boolean was given
 */
public record Think(boolean enabled, String level) {

  /** @return null when the field is absent or null */
  static Think parse(JsonNode value) {
    if (value == null || value.isNull()) {
      return null;
    }
    if (value.isBoolean()) {
      return new Think(value.booleanValue(), null);
    }
    if (value.isTextual()) {
      switch (value.textValue()) {
        case "low":
        case "medium":
        case "high":
        case "max":
          return new Think(true, value.textValue());
        default:
          break;
      }
    }
    throw OllamaError.badRequest(
        "invalid think value: " + value + " (must be true, false, \"low\", \"medium\", \"high\" or \"max\")");
  }

  /**
   * The OpenAI {@code reasoning_effort}. {@code true} means Ollama's default level, medium; LM Studio has no
   * {@code "max"}, so it becomes the highest level it knows.
   */
  public String reasoningEffort() {
    if (!enabled) {
      return "none";
    }
    if (level == null) {
      return "medium";
    }
    return level.equals("max") ? "high" : level;
  }
}
