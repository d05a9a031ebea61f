package io.github.ollamalmstudioproxy.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ollamalmstudioproxy.api.OllamaError;
import io.github.ollamalmstudioproxy.catalog.CatalogSnapshot;
import io.github.ollamalmstudioproxy.catalog.OllamaViews;
import io.vertx.core.buffer.Buffer;
import java.time.Instant;

/**
 * The model metadata routes, answered from the catalog without ever loading a model, and the model-management
 * routes LM Studio owns, which answer 501.
 */
final class ModelRoutes {
  private final ModelCatalogService catalog;
  private final JsonBodyReader bodies;
  private final OllamaReplies replies;
  /** The rendered /api/tags body of the last snapshot: clients poll it, and it changes only with the snapshot. */
  private volatile Rendered tags = new Rendered(null, null);

  private record Rendered(CatalogSnapshot of, Buffer body) {}

  ModelRoutes(ModelCatalogService catalog, JsonBodyReader bodies, OllamaReplies replies) {
    this.catalog = catalog;
    this.bodies = bodies;
    this.replies = replies;
  }

  void register(Routes routes) {
    routes.get("/api/tags", this::tags)
        .add(io.vertx.core.http.HttpMethod.GET, "/api/ps", this::ps)
        .post("/api/show", this::show);
    notSupported(routes, io.vertx.core.http.HttpMethod.POST, "/api/create", "creating models");
    notSupported(routes, io.vertx.core.http.HttpMethod.POST, "/api/pull", "pulling models");
    notSupported(routes, io.vertx.core.http.HttpMethod.POST, "/api/push", "pushing models");
    notSupported(routes, io.vertx.core.http.HttpMethod.POST, "/api/copy", "copying models");
    notSupported(routes, io.vertx.core.http.HttpMethod.DELETE, "/api/delete", "deleting models");
    routes.prefix("/api/blobs/", scope -> ErrorResponses.ollama(scope.response(), 501,
        "blobs are not supported: models are managed in LM Studio"));
  }

  private void tags(RequestScope scope) {
    catalog.snapshot().onSuccess(snapshot -> {
      Rendered cached = tags;
      if (cached.of() != snapshot) {
        cached = new Rendered(snapshot, Buffer.buffer(OllamaViews.tags(snapshot).toString()));
        tags = cached;
      }
      replies.json(scope, cached.body());
    }).onFailure(e -> replies.fail(scope, e));
  }

  private void ps(RequestScope scope) {
    catalog.snapshot().onSuccess(snapshot -> replies.json(scope, OllamaViews.ps(snapshot, Instant.now())))
        .onFailure(e -> replies.fail(scope, e));
  }

  /** Accepts {@code model} and its deprecated alias {@code name} (Continue and older clients send it). */
  private void show(RequestScope scope) {
    bodies.read(scope)
        .compose(body -> {
          String name = modelName(body);
          scope.model(name);
          return catalog.snapshot().map(snapshot -> OllamaViews.show(snapshot, name));
        })
        .onSuccess(view -> replies.json(scope, view))
        .onFailure(e -> replies.fail(scope, e));
  }

  static String modelName(JsonNode body) {
    for (String field : new String[] {"model", "name"}) {
      JsonNode value = body.get(field);
      if (value != null && !value.isNull()) {
        if (!value.isTextual()) {
          throw OllamaError.badRequest("invalid value for '" + field + "': expected a string");
        }
        if (!value.asText().isEmpty()) {
          return value.asText();
        }
      }
    }
    throw OllamaError.badRequest("model is required");
  }

  private static void notSupported(Routes routes, io.vertx.core.http.HttpMethod method, String path, String what) {
    routes.add(method, path, scope -> ErrorResponses.ollama(scope.response(), 501,
        what + " is not supported: models are managed in LM Studio"));
  }
}
