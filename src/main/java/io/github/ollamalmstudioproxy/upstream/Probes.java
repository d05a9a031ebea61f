package io.github.ollamalmstudioproxy.upstream;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;

/**
 * The background health probe of each backend, every {@code --probe-interval}: the readiness check {@code /readyz}
 * uses (a model list in the body, not just a status). A failed probe opens the backend's breaker at once, so routing
 * stops sending it requests before a client meets the failure; a good one closes an open breaker whose cool-down has
 * passed. Live traffic that fails again opens it again.
 */
final class Probes {
  private final Vertx vertx;
  private final List<Backend> backends;
  private final Duration interval;
  private long timer = -1;

  Probes(Vertx vertx, List<Backend> backends, Duration interval) {
    this.vertx = vertx;
    this.backends = backends;
    this.interval = interval;
  }

  void start() {
    timer = vertx.setPeriodic(interval.toMillis(), interval.toMillis(), id -> backends.forEach(this::probe));
  }

  private void probe(Backend backend) {
    backend.ready().onComplete(result -> {
      if (result.succeeded()) {
        CircuitBreaker breaker = backend.breaker();
        breaker.probeSucceeded();
        if (breaker.state() == CircuitBreaker.State.HALF_OPEN) {
          // The probe was the trial: the backend answers its model list again, so it is back in routing.
          breaker.succeeded();
        }
      } else {
        backend.breaker().probeFailed("probe: " + result.cause().getMessage());
      }
    });
  }

  void stop() {
    if (timer != -1) {
      vertx.cancelTimer(timer);
    }
  }
}
