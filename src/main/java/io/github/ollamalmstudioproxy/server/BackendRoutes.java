package io.github.ollamalmstudioproxy.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ollamalmstudioproxy.catalog.CatalogSnapshot;
import io.github.ollamalmstudioproxy.catalog.LoadedModel;
import io.github.ollamalmstudioproxy.ollama.Json;
import io.github.ollamalmstudioproxy.upstream.Backend;
import io.github.ollamalmstudioproxy.upstream.CircuitBreaker;
import io.github.ollamalmstudioproxy.upstream.Fleet;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import java.util.List;
import java.util.Locale;

/**
 * {@code GET /api/backends}: each backend as routing sees it (its breaker, its slots, what it has loaded) and the
 * queue. Not Ollama's: an operator's view, behind {@code --api-key} like every non-public route, since it names the
 * backends' addresses.
 */
final class BackendRoutes {
  private final Fleet fleet;

  BackendRoutes(Fleet fleet) {
    this.fleet = fleet;
  }

  void register(Routes routes) {
    routes.add(HttpMethod.GET, "/api/backends", this::backends);
  }

  private void backends(RequestScope scope) {
    List<Backend> backends = fleet.backends();
    List<Future<CatalogSnapshot>> catalogs = backends.stream().map(b -> b.catalog().snapshot()).toList();
    Future.join(catalogs).onComplete(done -> {
      ObjectNode body = Json.MAPPER.createObjectNode();
      ArrayNode list = body.putArray("backends");
      for (int i = 0; i < backends.size(); i++) {
        list.add(view(backends.get(i), catalogs.get(i)));
      }
      body.put("queued", fleet.queued());
      Replies.json(scope, body);
    });
  }

  private static ObjectNode view(Backend backend, Future<CatalogSnapshot> catalog) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.put("name", backend.name());
    out.put("url", backend.url().toString());
    out.put("profile", backend.spec().profile().name().toLowerCase(Locale.ROOT));
    out.put("weight", backend.spec().weight());
    CircuitBreaker.BreakerView breaker = backend.breaker().view();
    out.put("state", breaker.state().name().toLowerCase(Locale.ROOT).replace('_', '-'));
    out.put("consecutive_failures", breaker.consecutiveFailures());
    if (breaker.lastFailure() != null) {
      out.put("last_failure", breaker.lastFailure());
    }
    out.put("in_flight", backend.inFlight());
    out.put("max_in_flight", backend.maxInFlight());
    if (catalog.succeeded()) {
      CatalogSnapshot snapshot = catalog.result();
      out.put("source", snapshot.source().name().toLowerCase(Locale.ROOT));
      out.put("models", snapshot.models().size());
      ArrayNode loaded = out.putArray("loaded");
      for (LoadedModel model : snapshot.loaded()) {
        loaded.add(model.instance().id());
      }
    } else {
      out.put("catalog_error", catalog.cause().getMessage());
    }
    return out;
  }
}
