package io.github.ollamalmstudioproxy.upstream;

import static java.util.Objects.requireNonNull;

import io.github.ollamalmstudioproxy.catalog.CatalogSnapshot;
import io.github.ollamalmstudioproxy.catalog.CatalogUnion;
import io.github.ollamalmstudioproxy.catalog.ResolvedModel;
import io.github.ollamalmstudioproxy.catalog.alias.ModelAliases;
import io.github.ollamalmstudioproxy.config.BackendSpec;
import io.github.ollamalmstudioproxy.config.ProxyConfig;
import io.github.ollamalmstudioproxy.metrics.ProxyMetrics;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every configured backend behind the one endpoint, and the routing over them: a request goes to a backend that has
 * its model ({@link Router} says which and why), takes one of that backend's slots, waits in the {@link
 * AdmissionQueue} while every such backend is full, and may move to the next one if it fails before its first byte
 * ({@link Route#failover}). Nothing here is shared between replicas: the same request meets the same choice on each.
 *
 * <p>With one backend this is that backend: its catalog is the catalog, and every request is routed to it.
 */
public final class Fleet {
  private static final Logger log = LoggerFactory.getLogger(Fleet.class);

  private final List<Backend> backends;
  private final AdmissionQueue queue;
  private final RefusalLog refusals;
  private final ProxyMetrics metrics;
  private final Route.Slots slots = new FleetSlots();
  private final Probes probes;
  private final Vertx vertx;
  /** Each backend's last good catalog, standing in while a slow backend's list is fetched again. */
  private final Map<String, CatalogSnapshot> lastGood = new ConcurrentHashMap<>();
  /** How long a request waits for a backend's fresh model list when it has an older one to go by. */
  static final Duration CATALOG_PATIENCE = Duration.ofMillis(250);
  /** The last union handed out and what it was made of: clients poll /api/tags, which renders only a new one. */
  private volatile Union union = new Union(List.of(), null);

  private record Union(List<CatalogSnapshot> of, CatalogSnapshot merged) {}

  /** One backend's current catalog, for the views that list every backend's models. */
  public record Member(Backend backend, CatalogSnapshot snapshot) {}

  private Fleet(Vertx vertx, List<Backend> backends, ProxyConfig config, ProxyMetrics metrics) {
    if (backends.isEmpty()) {
      throw new IllegalArgumentException("a fleet needs a backend");
    }
    this.backends = List.copyOf(backends);
    this.vertx = vertx;
    this.metrics = metrics;
    this.refusals = new RefusalLog(vertx, RefusalLog.WINDOW, totalAdmission(config));
    this.queue = new AdmissionQueue(vertx, config.queueLength(), config.queueTimeout(), metrics, refusals);
    this.probes = new Probes(vertx, this.backends, config.probeInterval());
  }

  /** One backend for each configured one. */
  public static Fleet create(Vertx vertx, ProxyConfig config, ProxyMetrics metrics) {
    List<Backend> made = new ArrayList<>();
    for (BackendSpec spec : config.backends()) {
      made.add(Backend.create(vertx, spec, config, metrics, CatalogService.TTL, Clock.systemUTC()));
    }
    return of(vertx, made, config, metrics);
  }

  /** A fleet of backends made elsewhere, e.g. one whose catalog runs on a test's clock. */
  public static Fleet of(Vertx vertx, List<Backend> backends, ProxyConfig config, ProxyMetrics metrics) {
    Fleet fleet = new Fleet(requireNonNull(vertx, "vertx"), backends, config, requireNonNull(metrics, "metrics"));
    if (fleet.backends.size() > 1) {
      // One backend needs no probes: there is nothing to route around, and its requests tell its state.
      fleet.probes.start();
    }
    return fleet;
  }

  public List<Backend> backends() {
    return backends;
  }

  /** The first configured backend: the one routes without a model (downloads, bare passthrough) go to. */
  public Backend primary() {
    for (Backend backend : backends) {
      if (backend.breaker().state() != CircuitBreaker.State.OPEN) {
        return backend;
      }
    }
    return backends.get(0);
  }

  /** Where the aliases shown next to every backend's models come from. */
  public void useAliases(Supplier<ModelAliases> source) {
    backends.forEach(b -> b.catalog().useAliases(source));
  }

  /**
   * Every backend's catalog that is at hand: a backend whose breaker is open is not waited for (its last list is used
   * if it has one at once). Fails, with the first backend's error, only when no backend has a catalog.
   */
  public Future<List<Member>> members() {
    if (backends.size() == 1) {
      Backend only = backends.get(0);
      return only.catalog().snapshot().map(s -> List.of(new Member(only, s)));
    }
    List<Future<CatalogSnapshot>> fetches = new ArrayList<>(backends.size());
    for (Backend backend : backends) {
      fetches.add(catalogOf(backend));
    }
    return Future.join(fetches).transform(done -> {
      List<Member> members = new ArrayList<>();
      Throwable first = null;
      for (int i = 0; i < backends.size(); i++) {
        Future<CatalogSnapshot> fetch = fetches.get(i);
        if (fetch.succeeded()) {
          members.add(new Member(backends.get(i), fetch.result()));
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
  public Future<CatalogSnapshot> catalog() {
    if (backends.size() == 1) {
      return backends.get(0).catalog().snapshot();
    }
    return members().map(members -> {
      List<CatalogSnapshot> snapshots = members.stream().map(Member::snapshot).toList();
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
  public Future<Route.Target> holderOf(String name) {
    return members().map(members -> {
      Route.Target found = null;
      OllamaError refusal = null;
      for (Member member : members) {
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
   * Picks the backend for a request for {@code name} and takes one of its slots; waits in the queue while every
   * backend that has the model is full. Fails with the catalog's 404 when no backend has the model, and with
   * Ollama's 503 past the queue's bounds.
   *
   * @param affinityKey the request's conversation-prefix key ({@code PrefixKey}), 0 for none
   */
  public Future<Route> route(Caller caller, String name, long affinityKey) {
    return route(caller, name, affinityKey, true);
  }

  /**
   * @param spreadInstances whether the request may go to any loaded duplicate of the model ({@code key:2}); false for
   *     one that asks for a context of its own ({@code num_ctx}), which is matched against one instance
   */
  public Future<Route> route(Caller caller, String name, long affinityKey, boolean spreadInstances) {
    return members().compose(members -> routeIn(members, caller, name, affinityKey, spreadInstances, false));
  }

  private Future<Route> routeIn(List<Member> members, Caller caller, String name, long affinityKey,
      boolean spreadInstances, boolean again) {
    long started = System.nanoTime();
    List<Route.Target> targets = new ArrayList<>(members.size());
    OllamaError refusal = null;
    for (Member member : members) {
      try {
        targets.add(new Route.Target(member.backend(), member.snapshot(), member.snapshot().resolve(name)));
      } catch (OllamaError e) {
        refusal = refusal == null ? e : refusal;
      }
    }
    if (targets.isEmpty()) {
      return Future.failedFuture(notFound(members, name, refusal));
    }
    List<Route.Target> order;
    RouteReason reason;
    if (targets.size() == 1) {
      order = new ArrayList<>(targets);
      reason = RouteReason.ONLY;
    } else {
      List<Candidate> candidates = new ArrayList<>(targets.size());
      for (Route.Target t : targets) {
        candidates.add(t.backend().candidate(t.snapshot(), t.model()));
      }
      RoutingDecision decision = Router.decide(candidates, affinityKey);
      order = new ArrayList<>(targets.size());
      for (Candidate c : decision.order()) {
        order.add(targets.get(candidates.indexOf(c)));
      }
      reason = decision.reason();
    }
    for (int i = 0; i < order.size(); i++) {
      Route.Target target = order.get(i);
      if (spreadInstances) {
        target = new Route.Target(target.backend(), target.snapshot(),
            target.backend().leastBusyInstance(target.model()));
        order.set(i, target);
      }
      // An open breaker keeps a backend out unless it leads the order: then every backend's is open.
      if ((i == 0 || target.backend().breaker().state() != CircuitBreaker.State.OPEN) && slots.tryTake(target)) {
        RouteReason why = i == 0 ? reason : RouteReason.BUSY;
        metrics.routingDecision(System.nanoTime() - started);
        metrics.routed(target.backend().name(), why.label());
        if (log.isDebugEnabled()) {
          log.debug("{} model {} routed to backend {} ({}; in flight {}/{})", caller.id(), name,
              target.backend().name(), why.label(), target.backend().inFlight(target.model()),
              target.backend().capacity(target.snapshot(), target.model()));
        }
        return Future.succeededFuture(new Route(order, i, why, caller, 0, slots));
      }
    }
    if (queue.disabled()) {
      return Future.failedFuture(queue.busy(caller, "every backend with " + name + " is full (--queue-length 0)"));
    }
    Set<String> names = new HashSet<>();
    order.forEach(t -> names.add(t.backend().name()));
    String key = order.get(0).model().model().key();
    log.debug("{} every backend with {} is full; queued", caller.id(), name);
    return queue.await(key, names, caller, again)
        .compose(v -> members().compose(now -> routeIn(now, caller, name, affinityKey, spreadInstances, true)));
  }

  /**
   * No catalog at hand has the name. When every backend's is, that is the catalog's 404; when a backend could not be
   * asked (down, with no list from before), the model may well be its own, so the client gets a 503 to retry rather
   * than a 404 that makes it offer a pull.
   */
  private OllamaError notFound(List<Member> members, String name, OllamaError refusal) {
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

  /** Ready while at least one backend is; the reasons of all otherwise. */
  public Future<Void> ready() {
    if (backends.size() == 1) {
      return backends.get(0).ready();
    }
    List<Future<Void>> checks = backends.stream().map(Backend::ready).toList();
    return Future.any(checks).<Void>mapEmpty().recover(e -> {
      Set<String> reasons = new LinkedHashSet<>();
      for (int i = 0; i < backends.size(); i++) {
        Future<Void> check = checks.get(i);
        reasons.add(backends.get(i).name() + ": " + (check.failed() ? check.cause().getMessage() : "?"));
      }
      return Future.failedFuture(new ReadinessProbe.NotReady("no backend is ready (" + String.join("; ", reasons)
          + ")"));
    });
  }

  /**
   * The proxy's own bound over all backends: every backend's slots and the whole queue. Each backend's cap and the
   * queue refuse first; this one stops what has no backend to count against (a flood of bare passthrough calls).
   */
  public static int totalAdmission(ProxyConfig config) {
    long total = config.queueLength();
    for (BackendSpec spec : config.backends()) {
      total += spec.maxInFlight() != null ? spec.maxInFlight() : config.maxInFlight();
    }
    return (int) Math.min(Integer.MAX_VALUE, total);
  }

  /** Where refusals for a busy proxy are logged, a burst at a time (the queue's, the server's and the bodies'). */
  public RefusalLog refusals() {
    return refusals;
  }

  /** Requests waiting in the queue now. */
  public int queued() {
    return queue.length();
  }

  public Future<Void> close() {
    probes.stop();
    refusals.close();
    return Future.join(backends.stream().map(Backend::close).toList()).mapEmpty();
  }

  private final class FleetSlots implements Route.Slots {
    @Override
    public boolean tryTake(Route.Target target) {
      return target.backend().takeSlot(target.model());
    }

    @Override
    public void giveBack(Route.Target target) {
      target.backend().giveBackSlot(target.model());
      queue.released(target.backend().name(), target.model().model().key());
    }

    @Override
    public void failedOver(Route.Target from, Route.Target to) {
      metrics.failedOver(from.backend().name());
      metrics.routed(to.backend().name(), RouteReason.FAILOVER.label());
    }
  }
}
