package io.github.ollamalmstudioproxy.catalog;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code GET /v1/models} and {@code GET /v1/models/{name}} as Ollama's OpenAI layer answers them: the names
 * {@code /api/tags} lists, so an id from one works on the other ({@code ToListCompletion} and {@code ToModel} in
 * Ollama's {@code openai/openai.go}).
 */
public final class OpenAiModelsView {
  /** The namespace Ollama gives a name without one ({@code model.ParseName}). */
  private static final String DEFAULT_OWNER = "library";

  private OpenAiModelsView() {}

  /** {@code {"object":"list","data":[{"id","object":"model","created","owned_by"}…]}}, in /api/tags order. */
  public static ObjectNode list(CatalogSnapshot snapshot) {
    ObjectNode body = JsonNodeFactory.instance.objectNode().put("object", "list");
    ArrayNode data = body.putArray("data");
    for (BackendModel m : TagsView.inListOrder(snapshot)) {
      data.add(model(snapshot, m, ModelNames.ollamaName(m.key())));
    }
    AliasViews.openAiModels(snapshot).forEach(data::add);
    return body;
  }

  /**
   * One model, under the name the client asked for (as Ollama echoes it).
   *
   * @throws io.github.ollamalmstudioproxy.ollama.OllamaError 404 {@code model 'NAME' not found}
   */
  public static ObjectNode one(CatalogSnapshot snapshot, String requested) {
    return model(snapshot, snapshot.resolve(requested).model(), requested);
  }

  private static ObjectNode model(CatalogSnapshot snapshot, BackendModel m, String id) {
    return JsonNodeFactory.instance.objectNode()
        .put("id", id)
        .put("object", "model")
        .put("created", snapshot.modifiedAt(m).getEpochSecond())
        .put("owned_by", owner(id));
  }

  /** The publisher part of {@code publisher/model:tag}, else {@code library}. */
  static String owner(String name) {
    int slash = name.indexOf('/');
    return slash > 0 ? name.substring(0, slash) : DEFAULT_OWNER;
  }
}
