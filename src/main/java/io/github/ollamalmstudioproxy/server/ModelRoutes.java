package io.github.ollamalmstudioproxy.server;

import io.github.ollamalmstudioproxy.catalog.CatalogSnapshot;
import io.github.ollamalmstudioproxy.catalog.OllamaViews;
import io.github.ollamalmstudioproxy.upstream.LoadedContexts;
import io.github.ollamalmstudioproxy.translate.Fields;
import io.github.ollamalmstudioproxy.upstream.CatalogService;
import io.github.ollamalmstudioproxy.upstream.IdleExpiries;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import java.time.Instant;

/**
 * The model metadata routes, answered from the catalog without ever loading a model, and the model-management
 * routes LM Studio owns, which answer 501 ({@code /api/pull} is {@link PullRoutes}', aliases have {@link AliasRoutes}).
 */
final class ModelRoutes {
  private final CatalogService catalog;
  private final LoadedContexts loadContexts;
  private final IdleExpiries expiries;
  private final JsonBodyReader bodies;
  /** The rendered /api/tags body of the last snapshot: clients poll it, and it changes only with the snapshot. */
  private volatile Rendered tags = new Rendered(null, null);

  private record Rendered(CatalogSnapshot of, Buffer body) {}

  /** @param loadContexts what the backend said a default load of a model gives, for an unloaded model's num_ctx */
  ModelRoutes(CatalogService catalog, LoadedContexts loadContexts, IdleExpiries expiries, JsonBodyReader bodies) {
    this.catalog = catalog;
    this.loadContexts = loadContexts;
    this.expiries = expiries;
    this.bodies = bodies;
  }

  void register(Routes routes) {
    routes.get("/api/tags", this::tags)
        .add(HttpMethod.GET, "/api/ps", this::ps)
        .post("/api/show", this::show);
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

  /** {@code expires_at} from the TTLs the proxy set ({@link IdleExpiries}), else what the backend reports. */
  private void ps(RequestScope scope) {
    catalog.snapshot().onSuccess(snapshot -> {
      Instant now = Instant.now();
      Replies.json(scope, OllamaViews.ps(snapshot, now, expiries.expiries(snapshot, now)));
    }).onFailure(e -> Replies.fail(scope, e));
  }

  /** Accepts {@code model} and its deprecated alias {@code name} (Continue and older clients send it). */
  private void show(RequestScope scope) {
    bodies.read(scope)
        .compose(body -> {
          String name = Fields.requiredModel(body, "model", "name");
          scope.model(name);
          boolean copilot = isCopilotChat(scope.request().getHeader(HttpHeaders.USER_AGENT));
          return catalog.snapshot().map(snapshot -> copilot
              ? OllamaViews.showForCopilot(snapshot, name, loadContexts::defaultLoad)
              : OllamaViews.show(snapshot, name, loadContexts::defaultLoad));
        })
        .onSuccess(view -> Replies.json(scope, view))
        .onFailure(e -> Replies.fail(scope, e));
  }

  /** Ollama's test ({@code routes.go:63, 1384}): the prefix of Copilot Chat's {@code User-Agent}. */
  private static boolean isCopilotChat(String userAgent) {
    return userAgent != null && userAgent.startsWith("GitHubCopilotChat/");
  }

  private static void notSupported(Routes routes, HttpMethod method, String path, String what) {
    routes.add(method, path, scope -> Replies.error(scope, 501,
        what + " is not supported: models are managed in LM Studio"));
  }
}
