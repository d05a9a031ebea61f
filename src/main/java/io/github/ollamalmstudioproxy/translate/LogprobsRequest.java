package io.github.ollamalmstudioproxy.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ollamalmstudioproxy.ollama.OllamaError;

/**
 * A request's {@code logprobs} and {@code top_logprobs} ({@code api/types.go} at v0.33.0-rc2, lines 123-129 and
 * 173-179): whether the client wants each generated token's log probability, and how many alternatives per position.
 *
 * @param top alternatives per position, 0 to 20; 0 means the chosen token's log probability alone
 */
public record LogprobsRequest(int top) {
  /** Ollama's bound ({@code server/routes.go} lines 256-258 and 2452-2454). */
  static final int MAX_TOP = 20;

  /**
   * Reads both fields; null when {@code logprobs} is absent or false ({@code top_logprobs} "only applies when Logprobs
   * is true").
   *
   * @throws OllamaError 400 {@code top_logprobs must be between 0 and 20}, checked whether or not {@code logprobs} is
   *     set, as Ollama checks it first; 400 naming {@code logprobs} when it is not a boolean
   */
  static LogprobsRequest parse(ObjectNode body) {
    JsonNode top = Fields.get(body, "top_logprobs");
    if (top != null && (!top.isIntegralNumber() || !top.canConvertToInt() || top.intValue() < 0
        || top.intValue() > MAX_TOP)) {
      throw OllamaError.badRequest("top_logprobs must be between 0 and 20");
    }
    if (!Fields.bool(body, "logprobs", false)) {
      return null;
    }
    return new LogprobsRequest(top == null ? 0 : top.intValue());
  }

  /**
   * How many alternatives to ask the backend for: at least one, as Ollama's own OpenAI-backend client asks
   * ({@code llm/llama_server.go} lines 2173-2175, {@code max(req.TopLogprobs, 1)}): llama-server answers 20 when
   * {@code top_logprobs} is left out.
   */
  int upstreamTop() {
    return Math.max(top, 1);
  }

  /** Alternatives go to the client only when it asked for some ({@code convertLogprobs}' {@code includeTop}). */
  boolean includeTop() {
    return top > 0;
  }
}
