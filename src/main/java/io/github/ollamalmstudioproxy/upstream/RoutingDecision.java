package io.github.ollamalmstudioproxy.upstream;

import java.util.List;

/**
 * The order to try the backends in and why the first was chosen.
 *
 * @param order every candidate, the chosen one first, then the failover order; never empty
 */
public record RoutingDecision(List<Candidate> order, RouteReason reason) {
  public RoutingDecision {
    order = List.copyOf(order);
    if (order.isEmpty()) {
      throw new IllegalArgumentException("a routing decision needs at least one backend");
    }
  }

  public Candidate chosen() {
    return order.get(0);
  }

  /** The backends to try next, in order, if the chosen one fails before its first byte. */
  public List<Candidate> failover() {
    return order.subList(1, order.size());
  }

  /** For a debug log: {@code least-busy a (1/4) then b (4/4, busy), c (unhealthy)}. */
  public String explain() {
    StringBuilder sb = new StringBuilder(reason.label()).append(' ');
    for (int i = 0; i < order.size(); i++) {
      Candidate c = order.get(i);
      sb.append(i == 0 ? "" : i == 1 ? " then " : ", ").append(c.backend()).append(" (");
      if (!c.healthy()) {
        sb.append("unhealthy, ");
      }
      if (c.loaded()) {
        sb.append(c.inFlight()).append('/').append(c.capacity()).append(c.hasRoom() ? "" : ", busy");
      } else {
        sb.append(c.canLoad() ? "not loaded" : "not loaded, cannot load");
      }
      sb.append(')');
    }
    return sb.toString();
  }
}
