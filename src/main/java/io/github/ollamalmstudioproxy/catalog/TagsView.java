package io.github.ollamalmstudioproxy.catalog;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Builds the {@code GET /api/tags} body. */
final class TagsView {
  private TagsView() {}

  /**
   * {@code {"models":[…]}}, never null, newest first as Ollama sorts, then by name so that models first seen at the
   * same instant (all of them, after a restart) keep a stable order.
   */
  static ObjectNode tags(CatalogSnapshot snapshot) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    ArrayNode models = body.putArray("models");
    for (BackendModel m : inListOrder(snapshot)) {
      models.add(entry(m, snapshot));
    }
    return body;
  }

  /** The models in the order every list answers in: newest first, then by name. */
  static List<BackendModel> inListOrder(CatalogSnapshot snapshot) {
    List<BackendModel> sorted = new ArrayList<>(snapshot.models());
    sorted.sort(Comparator.comparing(snapshot::modifiedAt).reversed()
        .thenComparing(m -> ModelNames.ollamaName(m.key())));
    return sorted;
  }

  /**
   * One entry. Both {@code name} and {@code model} carry the tag (ollama-python and Copilot read {@code model},
   * older LangChain and Zed read {@code name}). {@code details.context_length} is the newer optional field that
   * ollama-vscode reads; it is the model's maximum context and is left out when unknown, as is
   * {@code details.embedding_length}.
   */
  static ObjectNode entry(BackendModel m, CatalogSnapshot snapshot) {
    String name = ModelNames.ollamaName(m.key());
    ObjectNode e = JsonNodeFactory.instance.objectNode();
    e.put("name", name);
    e.put("model", name);
    e.put("modified_at", Rfc3339.format(snapshot.modifiedAt(m)));
    e.put("size", ModelFacts.size(m));
    e.put("digest", ModelFacts.digest(m));
    ObjectNode details = ModelFacts.details(m);
    if (m.maxContextLength() != null) {
      details.put("context_length", m.maxContextLength());
    }
    // Ollama's ModelDetails.EmbeddingLength (api/types.go:941, omitempty): only where the backend tells it
    // (llama-server's meta.n_embd); LM Studio's lists do not.
    if (m.embeddingLength() != null) {
      details.put("embedding_length", m.embeddingLength());
    }
    e.set("details", details);
    e.set("capabilities", ModelFacts.capabilities(m));
    return e;
  }
}
