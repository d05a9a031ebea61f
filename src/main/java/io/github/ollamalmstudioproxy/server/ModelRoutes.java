package io.github.ollamalmstudioproxy.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ollamalmstudioproxy.catalog.CatalogSnapshot;
import io.github.ollamalmstudioproxy.catalog.OllamaViews;
import io.github.ollamalmstudioproxy.upstream.LoadedContexts;
import io.github.ollamalmstudioproxy.translate.Fields;
import io.github.ollamalmstudioproxy.upstream.Fleet;
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
  private final Fleet fleet;
  private final JsonBodyReader bodies;
  /** The rendered /api/tags body of the last snapshot: clients poll it, and it changes only with the snapshot. */
  private volatile Rendered tags = new Rendered(null, null);

  private record Rendered(CatalogSnapshot of, Buffer body) {}

  ModelRoutes(Fleet fleet, JsonBodyReader bodies) {
    this.fleet = fleet;
    this.bodies = bodies;
  }

  void register(Routes routes) {
    routes.get("/api/tags", this::tags)
        .add(HttpMethod.GET, "/api/ps", this::ps)
        .post("/api/show", this::show);
    notSupported(routes, HttpMethod.POST, "/api/push", "pushing models");
  }

  private void tags(RequestScope scope) {
    fleet.catalog().onSuccess(snapshot -> {
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
    fleet.members().onSuccess(members -> {
      Instant now = Instant.now();
      ObjectNode all = null;
      for (Fleet.Member member : members) {
        IdleExpiries expiries = member.backend().expiries();
        ObjectNode one = OllamaViews.ps(member.snapshot(), now, expiries.expiries(member.snapshot(), now));
        if (all == null) {
          all = one;
        } else {
          // Every backend's loaded instances: the same model loaded on two boxes is two entries, as it is two copies.
          ((ArrayNode) all.get("models")).addAll((ArrayNode) one.get("models"));
        }
      }
      Replies.json(scope, all);
    }).onFailure(e -> Replies.fail(scope, e));
  }

  /** Accepts {@code model} and its deprecated alias {@code name} (Continue and older clients send it). */
  private void show(RequestScope scope) {
    bodies.read(scope)
        .compose(body -> {
          String name = Fields.requiredModel(body, "model", "name");
          scope.model(name);
          boolean copilot = isCopilotChat(scope.request().getHeader(HttpHeaders.USER_AGENT));
          // The backend that has the model (a loaded copy first): its catalog, and what its loads gave.
          return fleet.holderOf(name).map(holder -> {
            LoadedContexts loads = holder.backend().loadedContexts();
            return copilot ? OllamaViews.showForCopilot(holder.snapshot(), name, loads::defaultLoad)
                : OllamaViews.show(holder.snapshot(), name, loads::defaultLoad);
          });
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
