package io.github.ollamalmstudioproxy.catalog;

import static io.github.ollamalmstudioproxy.catalog.LenientJson.object;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Whether a {@code /v1/models} entry says its model is in memory, read from what the server answers, never from its
 * name (see docs/backends.md for the captures and sources).
 *
 * <ul>
 *   <li>llama-server in router mode and llama-swap: {@code "status":{"value":"loaded"}}; any other value
 *       ({@code unloaded}, {@code loading}, a failure) is not loaded, since requests would wait for a load.
 *   <li>vLLM: a {@code max_model_len} field (its {@code ModelCard}; {@code null} on LoRA adapters). vLLM serves what
 *       it was started with for its whole life, adapters included, so everything it lists is loaded.
 *   <li>llama-server with one model: llama.cpp's {@code meta} ({@code n_vocab}, {@code n_ctx_train}, {@code n_params}),
 *       which a model has only once it is loaded.
 * </ul>
 * Anything else says nothing about memory.
 */
enum ServingState {
  LOADED,
  NOT_LOADED,
  UNKNOWN;

  static ServingState of(JsonNode entry) {
    JsonNode status = object(entry, "status");
    if (status.isObject()) {
      JsonNode value = status.get("value");
      return value != null && value.isTextual() && value.asText().equals("loaded") ? LOADED : NOT_LOADED;
    }
    if (entry.has("status")) {
      return NOT_LOADED;
    }
    if (entry.has("max_model_len")) {
      return LOADED;
    }
    return isLlamaServerMeta(object(entry, "meta")) ? LOADED : UNKNOWN;
  }

  /** llama.cpp's model {@code meta}; llama-swap puts a {@code meta} of its own there, without these numbers. */
  static boolean isLlamaServerMeta(JsonNode meta) {
    return meta.isObject() && (meta.has("n_vocab") || meta.has("n_ctx_train") || meta.has("n_params"));
  }
}
