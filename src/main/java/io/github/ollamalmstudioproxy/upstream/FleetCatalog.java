package io.github.ollamalmstudioproxy.upstream;

import io.github.ollamalmstudioproxy.catalog.CatalogSnapshot;
import io.github.ollamalmstudioproxy.catalog.CatalogUnion;
import io.github.ollamalmstudioproxy.catalog.ResolvedModel;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The catalogs of every backend as the fleet reads them: each one's current list without letting one slow backend
 * hold up the others, their union for the views that list every model, and which backend has a name.
 */
final class FleetCatalog {
  /** How long a request waits for a backend's fresh model list when it has an older one to go by. */
  static final Duration CATALOG_PATIENCE = Duration.ofMillis(250);

  private final Vertx vertx;
  private final List<Backend> backends;
  /** Each backend's last good catalog, standing in while a slow backend's list is fetched again. */
  private final Map<String, CatalogSnapshot> lastGood = new ConcurrentHashMap<>();
  /** The last union handed out and what it was made of: clients poll /api/tags, which renders only a new one. */
  private volatile Union union = new Union(List.of(), null);

  private record Union(List<CatalogSnapshot> of, CatalogSnapshot merged) {}

  FleetCatalog(Vertx vertx, List<Backend> backends) {
    this.vertx = vertx;
    this.backends = backends;
  }

  /**
   * Every backend's catalog that is at hand: a backend whose breaker is open is not waited for (its last list is used
   * if it has one at once). Fails, with the first backend's error, only when no backend has a catalog.
   */
  Future<List<Fleet.Member>> members() {
    if (backends.size() == 1) {
      Backend only = backends.get(0);
      return only.catalog().snapshot().map(s -> List.of(new Fleet.Member(only, s)));
    }
    List<Future<CatalogSnapshot>> fetches = new ArrayList<>(backends.size());
    for (Backend backend : backends) {
      fetches.add(catalogOf(backend));
    }
    return Future.join(fetches).transform(done -> {
      List<Fleet.Member> members = new ArrayList<>();
      Throwable first = null;
      for (int i = 0; i < backends.size(); i++) {
        Future<CatalogSnapshot> fetch = fetches.get(i);
        if (fetch.succeeded()) {
          members.add(new Fleet.Member(backends.get(i), fetch.result()));
        } else if (first == null) {
          first = fetch.cause();
        }
      }
      return members.isEmpty() ? Future.failedFuture(first) : Future.succeededFuture(members);
    });
  }

  /**
   * A backend's catalog without letting one slow backend hold up the others: one that is being fetched again is
   * waited for at most {@link #CATALOG_PATIENCE}, then its last list stands in; an open breaker's is not waited for.
   */
  private Future<CatalogSnapshot> catalogOf(Backend backend) {
    Future<CatalogSnapshot> fetch = backend.catalog().snapshot();
    if (fetch.isComplete()) {
      remember(backend, fetch);
      return fetch;
    }
    CatalogSnapshot last = lastGood.get(backend.name());
    if (backend.breaker().state() == CircuitBreaker.State.OPEN) {
      return last != null ? Future.succeededFuture(last)
          : Future.failedFuture(new OllamaError(502, "backend " + backend.name() + " is out of routing"));
    }
    if (last == null) {
      return fetch.onComplete(done -> remember(backend, done));
    }
    Promise<CatalogSnapshot> first = Promise.promise();
    long timer = vertx.setTimer(CATALOG_PATIENCE.toMillis(), t -> first.tryComplete(last));
    fetch.onComplete(done -> {
      vertx.cancelTimer(timer);
      remember(backend, done);
      first.tryComplete(done.succeeded() ? done.result() : last);
    });
    return first.future();
  }

  private void remember(Backend backend, AsyncResult<CatalogSnapshot> done) {
    if (done.succeeded()) {
      lastGood.put(backend.name(), done.result());
    }
  }

  /**
   * One catalog of every backend's models (one entry per name, the first backend's where several have it): what
   * {@code /api/tags}, {@code /api/show}, {@code /v1/models} and the aliases answer from.
   */
  Future<CatalogSnapshot> union() {
    if (backends.size() == 1) {
      return backends.get(0).catalog().snapshot();
    }
    return members().map(members -> {
      List<CatalogSnapshot> snapshots = members.stream().map(Fleet.Member::snapshot).toList();
      Union last = union;
      if (!sameSnapshots(last.of(), snapshots)) {
        last = new Union(snapshots, CatalogUnion.of(snapshots));
        union = last;
      }
      return last.merged();
    });
  }

  private static boolean sameSnapshots(List<CatalogSnapshot> a, List<CatalogSnapshot> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (a.get(i) != b.get(i)) {
        return false;
      }
    }
    return true;
  }

  /** The backend whose catalog has {@code name}, loaded ones first; the 404 of the first catalog otherwise. */
  Future<Route.Target> holderOf(String name) {
    return members().map(members -> {
      Route.Target found = null;
      OllamaError refusal = null;
      for (Fleet.Member member : members) {
        try {
          ResolvedModel model = member.snapshot().resolve(name);
          if (found == null || model.model().isLoaded() && !found.model().model().isLoaded()) {
            found = new Route.Target(member.backend(), member.snapshot(), model);
          }
        } catch (OllamaError e) {
          refusal = refusal == null ? e : refusal;
        }
      }
      if (found == null) {
        throw notFound(members, name, refusal);
      }
      return found;
    });
  }

  /**
   * No catalog at hand has the name. When every backend's is, that is the catalog's 404; when a backend could not be
   * asked (down, with no list from before), the model may well be its own, so the client gets a 503 to retry rather
   * than a 404 that makes it offer a pull.
   */
  OllamaError notFound(List<Fleet.Member> members, String name, OllamaError refusal) {
    if (members.size() == backends.size()) {
      return refusal;
    }
    List<String> missing = new ArrayList<>();
    for (Backend backend : backends) {
      if (members.stream().noneMatch(m -> m.backend() == backend)) {
        missing.add(backend.name());
      }
    }
    return new OllamaError(503, "model '" + name + "' not found on the backends that answer; "
        + String.join(", ", missing) + (missing.size() == 1 ? " is" : " are") + " out of reach now, try again");
  }
}
