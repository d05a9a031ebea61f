package io.github.ollamalmstudioproxy.server;

import io.github.ollamalmstudioproxy.catalog.CatalogSnapshot;
import io.github.ollamalmstudioproxy.catalog.OllamaViews;
import io.github.ollamalmstudioproxy.translate.Fields;
import io.github.ollamalmstudioproxy.upstream.CatalogService;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.time.Instant;

/**
 * The model metadata routes, answered from the catalog without ever loading a model, and the model-management
 * routes LM Studio owns, which answer 501 (aliases have {@link AliasRoutes}).
 */
final class ModelRoutes {
  private final CatalogService catalog;
  private final JsonBodyReader bodies;
  /** The rendered /api/tags body of the last snapshot: clients poll it, and it changes only with the snapshot. */
  private volatile Rendered tags = new Rendered(null, null);

  private record Rendered(CatalogSnapshot of, Buffer body) {}

  ModelRoutes(CatalogService catalog, JsonBodyReader bodies) {
    this.catalog = catalog;
    this.bodies = bodies;
  }

  void register(Routes routes) {
    routes.get("/api/tags", this::tags)
        .add(HttpMethod.GET, "/api/ps", this::ps)
        .post("/api/show", this::show);
    notSupported(routes, HttpMethod.POST, "/api/pull", "pulling models");
    notSupported(routes, HttpMethod.POST, "/api/push", "pushing models");
  }

  private void tags(RequestScope scope) {
    catalog.snapshot().onSuccess(snapshot -> {
      Rendered cached = tags;
      if (cached.of() != snapshot) {
        cached = new Rendered(snapshot, Buffer.buffer(OllamaViews.tags(snapshot).toString()));
        tags = cached;
      }
      Replies.json(scope, cached.body());
    }).onFailure(e -> Replies.fail(scope, e));
  }

  private void ps(RequestScope scope) {
    catalog.snapshot().onSuccess(snapshot -> Replies.json(scope, OllamaViews.ps(snapshot, Instant.now())))
        .onFailure(e -> Replies.fail(scope, e));
  }

  /** Accepts {@code model} and its deprecated alias {@code name} (Continue and older clients send it). */
  private void show(RequestScope scope) {
    bodies.read(scope)
        .compose(body -> {
          String name = Fields.requiredModel(body, "model", "name");
          scope.model(name);
          return catalog.snapshot().map(snapshot -> OllamaViews.show(snapshot, name));
        })
        .onSuccess(view -> Replies.json(scope, view))
        .onFailure(e -> Replies.fail(scope, e));
  }

  private static void notSupported(Routes routes, HttpMethod method, String path, String what) {
    routes.add(method, path, scope -> Replies.error(scope, 501,
        what + " is not supported: models are managed in LM Studio"));
  }
}
