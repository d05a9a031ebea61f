package io.github.ollamalmstudioproxy.catalog;

import static java.util.Objects.requireNonNull;

/**
 * An Ollama model name resolved against the catalog.
 *
 * @param model the catalog entry (for a non-default variant: a copy carrying that variant's quantization)
 * @param backendId what to send to the backend as {@code model}: a key, a {@code key@quant} variant or an
 *     instance id such as {@code key:2}; never an Ollama {@code :latest} name
 * @param ollamaName the canonical Ollama display name, with its tag
 */
public record ResolvedModel(BackendModel model, String backendId, String ollamaName) {
  public ResolvedModel {
    requireNonNull(model, "model");
    requireNonNull(backendId, "backendId");
    requireNonNull(ollamaName, "ollamaName");
  }
}
