package io.github.ollamalmstudioproxy.upstream;

import static java.util.Objects.requireNonNull;

import io.github.ollamalmstudioproxy.catalog.CatalogSnapshot;
import io.github.ollamalmstudioproxy.catalog.alias.ModelAliases;
import io.github.ollamalmstudioproxy.config.BackendSpec;
import io.github.ollamalmstudioproxy.config.ProxyConfig;
import io.github.ollamalmstudioproxy.metrics.ProxyMetrics;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
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
  private final FleetCatalog catalogs;

  /** One backend's current catalog, for the views that list every backend's models. */
  public record Member(Backend backend, CatalogSnapshot snapshot) {}

  private Fleet(Vertx vertx, List<Backend> backends, ProxyConfig config, ProxyMetrics metrics) {
    if (backends.isEmpty()) {
      throw new IllegalArgumentException("a fleet needs a backend");
    }
    this.backends = List.copyOf(backends);
    this.catalogs = new FleetCatalog(vertx, this.backends);
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
   * Every backend's catalog that is at hand (see {@link FleetCatalog#members}); fails, with the first backend's
   * error, only when no backend has one.
   */
  public Future<List<Member>> members() {
    return catalogs.members();
  }

  /**
   * One catalog of every backend's models (one entry per name): what {@code /api/tags}, {@code /api/show},
   * {@code /v1/models} and the aliases answer from.
   */
  public Future<CatalogSnapshot> catalog() {
    return catalogs.union();
  }

  /** The backend whose catalog has {@code name}, loaded ones first; a 404 (or 503, see below) otherwise. */
  public Future<Route.Target> holderOf(String name) {
    return catalogs.holderOf(name);
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
      return Future.failedFuture(catalogs.notFound(members, name, refusal));
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
