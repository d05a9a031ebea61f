package io.github.ollamalmstudioproxy.server;

import io.github.ollamalmstudioproxy.metrics.ProxyMetrics;
import io.github.ollamalmstudioproxy.server.Routes.Trait;
import io.github.ollamalmstudioproxy.upstream.Fleet;
import io.vertx.core.http.HttpMethod;
import java.util.function.Predicate;

/** The handshake routes clients call before anything else, and the health and metrics routes for supervisors. */
final class BasicRoutes {
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final String versionBody;
  private final Fleet fleet;
  private final ProxyMetrics metrics;
  private final Predicate<RequestScope> mayKnowWhy;

  /**
   * @param mayKnowWhy whether a caller of the public {@code /readyz} is told why the backend is not ready: it names
   *     the backend and what failed, which is the operator's business
   */
  BasicRoutes(String ollamaVersion, Fleet fleet, ProxyMetrics metrics, Predicate<RequestScope> mayKnowWhy) {
    this.versionBody = "{\"version\":\"" + ollamaVersion + "\"}";
    this.fleet = fleet;
    this.metrics = metrics;
    this.mayKnowWhy = mayKnowWhy;
  }

  void register(Routes routes) {
    routes.get("/", this::root, Trait.PUBLIC)
        .get("/api/version", this::version, Trait.PUBLIC)
        .get("/healthz", this::alive, Trait.PUBLIC)
        .get("/readyz", this::ready, Trait.PUBLIC)
        .get("/metrics", this::metrics)
        // GET only, as Ollama registers them (routes.go:1881, :1904): HEAD is a 405 there.
        .add(HttpMethod.GET, "/api/status", this::status)
        .add(HttpMethod.GET, "/api/experimental/model-recommendations", this::recommendations);
  }

  /**
   * What Ollama answers with its cloud turned off by {@code OLLAMA_NO_CLOUD} ({@code routes.go:2146-2153},
   * {@code envconfig/config.go:450-465}): the proxy reaches no cloud, so clients (the VS Code extension,
   * {@code ollama launch}) should not offer cloud models or sign-in.
   */
  private void status(RequestScope scope) {
    Replies.send(scope, 200, Replies.JSON, "{\"cloud\":{\"disabled\":true,\"source\":\"env\"}}");
  }

  /**
   * No recommendations. Ollama's built-in list (kept when its cloud is off) names models to pull from ollama.com and
   * {@code :cloud} models, none of which the proxy can pull or run; the backend's own models are already in
   * {@code /api/tags}. The shape is Ollama's ({@code api/types.go:802-804}), so clients parse it as an empty list.
   */
  private void recommendations(RequestScope scope) {
    Replies.send(scope, 200, Replies.JSON, "{\"recommendations\":[]}");
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
    fleet.ready().onComplete(result -> scope.context().runOnContext(v -> {
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
