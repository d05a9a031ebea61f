package io.github.ollamalmstudioproxy.upstream;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Picks the backend for one request among those that have its model, and the order to fail over in. Pure and
 * stateless: the same candidates and key give the same order on every replica, so N proxies behind a balancer
 * route one conversation to one backend without sharing anything.
 *
 * <p>The rules, in order:
 * <ol>
 *   <li><b>Healthy first.</b> Backends whose breaker is open go after every healthy one. If none is healthy, all
 *       are ranked by the rules below and the reason is {@link RouteReason#UNHEALTHY}.
 *   <li><b>Loaded with room</b> ({@code loaded}, {@code inFlight < capacity}). With an affinity key, the winner of
 *       weighted rendezvous hashing ({@link Rendezvous}), so a conversation keeps hitting the backend that holds
 *       its prefix in its KV cache: {@link RouteReason#AFFINITY}. Without a key, the lowest
 *       {@code inFlight / capacity}, ties by higher weight then name: {@link RouteReason#LEAST_BUSY}.
 *   <li><b>Loaded but full.</b> Preferred over loading elsewhere: a load can evict the other models of that box,
 *       and a second copy of a loaded model is what LM Studio turns into a {@code :2} instance. Lowest
 *       {@code inFlight / capacity}, ties as above: {@link RouteReason#BUSY} (the backend queues internally; the
 *       caller's admission queue acts at its hard cap).
 *   <li><b>Loadable</b> ({@code canLoad}), only when the model is loaded nowhere: by rendezvous with a key, else by
 *       higher weight then name: {@link RouteReason#LOAD}. A model is never loaded on B while A has it loaded.
 *   <li><b>Neither loaded nor loadable</b> last, ranked as loadable ones (such a backend may still load on demand
 *       by itself, as llama-swap does); if only these remain, the reason is {@link RouteReason#LOAD} too.
 * </ol>
 * The rest of {@link RoutingDecision#order()} is the failover order in the same ranking. A single candidate that
 * is healthy is {@link RouteReason#ONLY}: no choice was made. {@link RouteReason#FAILOVER} is never returned here:
 * it is for the caller to count a move to the next backend in the order. A capacity below 1 counts as 1.
 */
public final class Router {
  private static final Comparator<Candidate> BY_WEIGHT_THEN_NAME =
      Comparator.comparingInt(Candidate::weight).reversed().thenComparing(Candidate::backend);
  /** Lowest inFlight/capacity first, compared by cross-multiplying so that no rounding decides a tie. */
  private static final Comparator<Candidate> LEAST_BUSY =
      ((Comparator<Candidate>) (a, b) -> Long.compare(
          (long) a.inFlight() * Math.max(b.capacity(), 1), (long) b.inFlight() * Math.max(a.capacity(), 1)))
          .thenComparing(BY_WEIGHT_THEN_NAME);

  private Router() {}

  /**
   * @param candidates the backends that have the model; not empty
   * @param affinityKey the request's prefix key ({@code translate.PrefixKey}), 0 for none
   * @throws IllegalArgumentException for no candidates: "no backend has the model" is the caller's 404
   */
  public static RoutingDecision decide(List<Candidate> candidates, long affinityKey) {
    if (candidates.isEmpty()) {
      throw new IllegalArgumentException("no candidates to route among");
    }
    List<Candidate> healthy = new ArrayList<>();
    List<Candidate> unhealthy = new ArrayList<>();
    for (Candidate c : candidates) {
      (c.healthy() ? healthy : unhealthy).add(c);
    }
    if (healthy.isEmpty()) {
      return new RoutingDecision(rank(unhealthy, affinityKey).order, RouteReason.UNHEALTHY);
    }
    Ranked first = rank(healthy, affinityKey);
    List<Candidate> order = new ArrayList<>(first.order);
    order.addAll(rank(unhealthy, affinityKey).order);
    return new RoutingDecision(order, candidates.size() == 1 ? RouteReason.ONLY : first.reason);
  }

  private record Ranked(List<Candidate> order, RouteReason reason) {}

  private static Ranked rank(List<Candidate> group, long key) {
    List<Candidate> free = new ArrayList<>();
    List<Candidate> full = new ArrayList<>();
    List<Candidate> loadable = new ArrayList<>();
    List<Candidate> neither = new ArrayList<>();
    for (Candidate c : group) {
      if (c.loaded()) {
        (c.hasRoom() ? free : full).add(c);
      } else {
        (c.canLoad() ? loadable : neither).add(c);
      }
    }
    Comparator<Candidate> spread = key != 0 ? byRendezvous(group, key) : BY_WEIGHT_THEN_NAME;
    free.sort(key != 0 ? spread : LEAST_BUSY);
    full.sort(LEAST_BUSY);
    loadable.sort(spread);
    neither.sort(spread);
    RouteReason reason = !free.isEmpty() ? (key != 0 ? RouteReason.AFFINITY : RouteReason.LEAST_BUSY)
        : !full.isEmpty() ? RouteReason.BUSY : RouteReason.LOAD;
    List<Candidate> order = new ArrayList<>(group.size());
    order.addAll(free);
    order.addAll(full);
    order.addAll(loadable);
    order.addAll(neither);
    return new Ranked(order, reason);
  }

  /** Highest rendezvous score first, ties by name. */
  private static Comparator<Candidate> byRendezvous(List<Candidate> group, long key) {
    Map<Candidate, Double> scores = new HashMap<>();
    for (Candidate c : group) {
      scores.put(c, Rendezvous.score(key, c.backend(), c.weight()));
    }
    return Comparator.<Candidate>comparingDouble(scores::get).reversed().thenComparing(Candidate::backend);
  }
}
