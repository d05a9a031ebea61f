package io.github.ollamalmstudioproxy.server;

import io.github.ollamalmstudioproxy.metrics.ProxyMetrics;
import io.github.ollamalmstudioproxy.server.Routes.Trait;
import io.github.ollamalmstudioproxy.upstream.Backend;
import java.util.function.Predicate;

/** The handshake routes clients call before anything else, and the health and metrics routes for supervisors. */
final class BasicRoutes {
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final String versionBody;
  private final Backend backend;
  private final ProxyMetrics metrics;
  private final Predicate<RequestScope> mayKnowWhy;

  /**
   * @param mayKnowWhy whether a caller of the public {@code /readyz} is told why the backend is not ready: it names
   *     the backend and what failed, which is the operator's business
   */
  BasicRoutes(String ollamaVersion, Backend backend, ProxyMetrics metrics, Predicate<RequestScope> mayKnowWhy) {
    this.versionBody = "{\"version\":\"" + ollamaVersion + "\"}";
    this.backend = backend;
    this.metrics = metrics;
    this.mayKnowWhy = mayKnowWhy;
  }

  void register(Routes routes) {
    routes.get("/", this::root, Trait.PUBLIC)
        .get("/api/version", this::version, Trait.PUBLIC)
        .get("/healthz", this::alive, Trait.PUBLIC)
        .get("/readyz", this::ready, Trait.PUBLIC)
        .get("/metrics", this::metrics);
  }

  /** n8n, Enchanted and scripts compare this exact text. */
  private void root(RequestScope scope) {
    Replies.send(scope, 200, "text/plain; charset=utf-8", "Ollama is running");
  }

  private void version(RequestScope scope) {
    Replies.send(scope, 200, Replies.JSON, versionBody);
  }

  private void alive(RequestScope scope) {
    Replies.send(scope, 200, Replies.JSON, "{\"status\":\"alive\"}");
  }

  /** The shared, briefly cached probe (see {@code ReadinessProbe}); a client that hangs up only stops waiting. */
  private void ready(RequestScope scope) {
    backend.ready().onComplete(result -> scope.context().runOnContext(v -> {
      if (scope.cancelled()) {
        return;
      }
      if (result.succeeded()) {
        Replies.send(scope, 200, Replies.JSON, "{\"status\":\"ready\"}");
      } else {
        // Logged once per probe by the probe itself, not once per request of a client polling in a loop. With
        // --api-key set, a caller without it learns only that the proxy is not ready.
        Replies.error(scope, 503, mayKnowWhy.test(scope) ? "not ready: " + result.cause().getMessage() : "not ready");
      }
    }));
  }

  private void metrics(RequestScope scope) {
    Replies.send(scope, 200, PROMETHEUS_TEXT, metrics.scrape());
  }
}
