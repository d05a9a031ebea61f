package io.github.ollamalmstudioproxy.upstream;

import java.util.Locale;

/** Why the first backend of the order was chosen; {@link #label()} is the metrics label. */
public enum RouteReason {
  ONLY, AFFINITY, LEAST_BUSY, LOAD, BUSY, UNHEALTHY, FAILOVER;

  /** Lower case with {@code -}: {@code least-busy}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
