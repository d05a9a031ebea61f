package io.github.ollamalmstudioproxy.catalog;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Map;
import java.util.function.Function;

/**
 * The Ollama model endpoints as JSON bodies, built from a {@link CatalogSnapshot}. Pure: the caller serialises the
 * node and writes it with {@code Content-Type: application/json; charset=utf-8}.
 */
public final class OllamaViews {
  private OllamaViews() {}

  /** {@code GET /api/tags}: {@code {"models":[…]}}, never null. */
  public static ObjectNode tags(CatalogSnapshot snapshot) {
    return AliasViews.tags(snapshot, TagsView.tags(requireNonNull(snapshot, "snapshot")));
  }

  /**
   * {@code POST /api/show} for the name the client sent (its {@code model}, or the deprecated {@code name}).
   *
   * @throws io.github.ollamalmstudioproxy.ollama.OllamaError 404 {@code model 'NAME' not found}
   */
  public static ObjectNode show(CatalogSnapshot snapshot, String requestedName) {
    return show(snapshot, requestedName, key -> null);
  }

  /**
   * {@code POST /api/show}, with what a load of a model that is not loaded gives, where the backend told it.
   *
   * @param defaultLoadContext model key → the context a default load gives, null when unknown
   */
  public static ObjectNode show(CatalogSnapshot snapshot, String requestedName,
      Function<String, Integer> defaultLoadContext) {
    requireNonNull(snapshot, "snapshot");
    var alias = snapshot.alias(requireNonNull(requestedName, "requestedName"));
    if (alias.isPresent()) {
      return AliasViews.show(snapshot, alias.get(), requireNonNull(defaultLoadContext, "defaultLoadContext"));
    }
    return ShowView.show(snapshot, snapshot.resolve(requestedName),
        requireNonNull(defaultLoadContext, "defaultLoadContext"));
  }

  /**
   * The same, for GitHub Copilot Chat: {@code general.basename} is the name as requested, because Copilot shows it as
   * the model's name and users know the name they picked
   * ({@code ollama/ollama@v0.33.0-rc2:server/routes.go:1383-1391}).
   */
  public static ObjectNode showForCopilot(CatalogSnapshot snapshot, String requestedName,
      Function<String, Integer> defaultLoadContext) {
    ObjectNode body = show(snapshot, requestedName, defaultLoadContext);
    ((ObjectNode) body.get("model_info")).put("general.basename", requestedName);
    return body;
  }

  /** {@code GET /api/ps}: loaded instances only, {@code {"models":[…]}} never null. */
  public static ObjectNode ps(CatalogSnapshot snapshot, Instant now) {
    return ps(snapshot, now, Map.of());
  }

  /**
   * {@code GET /api/ps} with expiries the caller tracks itself.
   *
   * @param expiresByInstanceId backend instance id → when it will be unloaded
   */
  public static ObjectNode ps(CatalogSnapshot snapshot, Instant now, Map<String, Instant> expiresByInstanceId) {
    return PsView.ps(requireNonNull(snapshot, "snapshot"), requireNonNull(now, "now"),
        requireNonNull(expiresByInstanceId, "expiresByInstanceId"));
  }
}
