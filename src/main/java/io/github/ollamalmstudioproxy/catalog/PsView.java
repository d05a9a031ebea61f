package io.github.ollamalmstudioproxy.catalog;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** Builds the {@code GET /api/ps} body: one row per loaded instance. */
final class PsView {
  private record Row(LoadedModel loaded, Instant expiresAt) {}

  private PsView() {}

  /**
   * @param now the current time, used only for instances with a known TTL
   * @param knownExpiry instance id → expiry the caller tracks itself (e.g. from its own keep_alive handling); it
   *     wins over the TTL
   */
  static ObjectNode ps(CatalogSnapshot snapshot, Instant now, Map<String, Instant> knownExpiry) {
    List<Row> rows = new ArrayList<>();
    for (LoadedModel lm : snapshot.loaded()) {
      rows.add(new Row(lm, expiresAt(lm.instance(), now, knownExpiry)));
    }
    // Ollama sorts by expires_at, latest first. The sort is stable, so equal expiries (typically all "forever")
    // keep the backend's order: the model's first instance before its ":2" copy.
    rows.sort(Comparator.comparing(Row::expiresAt).reversed());
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    ArrayNode models = body.putArray("models");
    rows.forEach(r -> models.add(entry(r.loaded(), r.expiresAt())));
    return body;
  }

  /**
   * {@code size} is the model file size: LM Studio reports no memory footprint, and weights dominate it.
   * {@code size_vram} equals {@code size} ("100% GPU") because LM Studio offloads fully to the GPU by default and
   * reports no split; a CPU-only machine will be shown wrongly, which no client acts on. {@code context_length} is
   * the context the instance was loaded with, left out when the backend does not say.
   */
  private static ObjectNode entry(LoadedModel lm, Instant expiresAt) {
    BackendModel m = lm.model();
    String name = lm.ollamaName();
    long size = ModelFacts.size(m);
    ObjectNode e = JsonNodeFactory.instance.objectNode();
    e.put("name", name);
    e.put("model", name);
    e.put("size", size);
    e.put("digest", ModelFacts.digest(m));
    e.set("details", ModelFacts.details(m));
    e.put("expires_at", Rfc3339.format(expiresAt));
    e.put("size_vram", size);
    if (lm.instance().contextLength() != null) {
      e.put("context_length", lm.instance().contextLength());
    }
    return e;
  }

  /**
   * Known expiry, else now + TTL (LM Studio restarts the idle timer on each request, which we do not see, so this
   * is an upper-bound guess), else "forever" like Ollama's negative keep_alive: models loaded in the LM Studio UI
   * or with {@code lms load} have no TTL.
   */
  private static Instant expiresAt(LoadedInstance instance, Instant now, Map<String, Instant> knownExpiry) {
    Instant known = knownExpiry.get(instance.id());
    if (known != null) {
      return known;
    }
    return instance.ttl() == null ? Rfc3339.FOREVER : now.plus(instance.ttl());
  }
}
