package io.github.ollamalmstudioproxy.server;

import io.github.ollamalmstudioproxy.api.OllamaError;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.ollamalmstudioproxy.backend.BackendClient;
import io.github.ollamalmstudioproxy.backend.JsonPost;
import io.github.ollamalmstudioproxy.backend.RetryPolicy;
import io.github.ollamalmstudioproxy.backend.StreamingPost;
import io.github.ollamalmstudioproxy.backend.ReadinessProbe;
import io.github.ollamalmstudioproxy.config.ProxyConfig;
import io.github.ollamalmstudioproxy.metrics.ProxyMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP front: accepts Ollama clients, runs each request through CORS, auth and the route table inside a
 * {@link RequestScope}, and writes the access log. The routes themselves live in the handlers.
 */
public final class ProxyServer {
  private static final Logger log = LoggerFactory.getLogger(ProxyServer.class);

  private final Vertx vertx;
  private final ProxyConfig config;
  private final BackendClient backend;
  private final Routes routes = new Routes();
  private final RequestGate gate;
  private final ActiveRequests active = new ActiveRequests();
  private final ProxyMetrics metrics;
  private final Admission admission;
  private HttpServer server;

  private ProxyServer(Vertx vertx, ProxyConfig config, ProxyMetrics metrics) {
    this.vertx = vertx;
    this.config = config;
    this.metrics = metrics;
    this.admission = new Admission(config.maxInFlight());
    this.backend = new BackendClient(vertx, config.backend(), config.backendApiKey(), config.connectTimeout(),
        config.firstByteTimeout(), config.idleTimeout(), metrics::upstreamAbortedByHangUp);
    this.gate = new RequestGate(new CorsPolicy(config.origins()), config.apiKey());
    BackendFailures failures = new BackendFailures(config.backend());
    new BasicRoutes(config.ollamaVersion(), new ReadinessProbe(backend), failures).register(routes);
    routes.get("/metrics", scope -> scope.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8").end(metrics.scrape()));
    ObjectMapper json = new ObjectMapper();
    JsonBodyReader bodies = new JsonBodyReader(json, config.maxBodyBytes(), config.logBodies());
    OllamaReplies replies = new OllamaReplies(json, failures);
    ModelCatalogService catalog = new ModelCatalogService(backend, failures);
    ModelLoads loads = new ModelLoads(vertx, config.loadTimeout(), new JsonPost(backend), catalog, json, metrics);
    BackendAttempts attempts = new BackendAttempts(new RetryPolicy(config.loadRetries()), loads,
        config.loadTimeout(), metrics);
    new ModelRoutes(catalog, bodies, replies).register(routes);
    new EmbedRoutes(catalog, bodies, replies, new JsonPost(backend), attempts, json).register(routes);
    TranslatedRelay relay = new TranslatedRelay(new StreamingPost(backend), attempts, replies, json, metrics);
    new ChatRoutes(bodies, catalog, loads, relay, replies).register(routes);
    boolean inboundKey = config.apiKey() != null;
    for (String prefix : new String[] {"/v1/", "/api/v0/", "/api/v1/"}) {
      routes.prefix(prefix, new PassthroughHandler(backend, prefix, inboundKey, failures, metrics));
    }
  }

  /** Starts listening on the configured address; the future fails if the port cannot be bound. */
  public static Future<ProxyServer> start(Vertx vertx, ProxyConfig config) {
    ProxyServer proxy = new ProxyServer(vertx, config, new ProxyMetrics());
    HttpServerOptions options = new HttpServerOptions()
        .setHost(config.listen().host())
        .setPort(config.listen().port())
        .setTcpNoDelay(true)
        // Ollama speaks HTTP/1.1 only; an h2c upgrade would let clients such as the JDK's switch to HTTP/2, where
        // connection-level headers like "Connection: close" are forbidden.
        .setHttp2ClearTextEnabled(false)
        .setCompressionSupported(false)
        .setDecompressionSupported(false);
    return vertx.createHttpServer(options)
        .requestHandler(proxy::handle)
        .listen()
        .map(server -> {
          proxy.server = server;
          return proxy;
        });
  }

  /** The port actually bound (useful when the configuration asked for port 0). */
  public int port() {
    return server.actualPort();
  }

  /** Requests currently in flight. */
  public int activeRequests() {
    return active.size();
  }

  /**
   * Stops accepting, lets in-flight requests finish for up to {@code drain}, then ends the rest (streams get their
   * final "cancelled" chunk where the route supports it) and closes.
   */
  public Future<Void> shutdown(Duration drain) {
    log.info("shutting down: {} request(s) in flight, waiting up to {} ms", active.size(), drain.toMillis());
    long timer = vertx.setTimer(Math.max(1, drain.toMillis()), t -> active.cutOffAll());
    // Vert.x waits for in-flight requests; the extra second lets cut-off streams write their last chunk.
    return server.shutdown(drain.toMillis() + 1000, TimeUnit.MILLISECONDS)
        .eventually(() -> {
          vertx.cancelTimer(timer);
          return backend.close();
        });
  }

  private void handle(HttpServerRequest request) {
    RequestScope scope = new RequestScope(RequestIds.from(request.getHeader(RequestIds.HEADER)), request);
    active.add(scope);
    var response = request.response();
    response.putHeader(RequestIds.HEADER, scope.id());
    response.endHandler(v -> {
      if (!response.ended()) {
        // Vert.x also signals "end" when the connection closes under a response nobody ended: a hang-up.
        clientClosed(scope);
        return;
      }
      if (scope.finish()) {
        done(scope);
        AccessLog.write(scope, response.getStatusCode());
        metrics.request(scope.route(), response.getStatusCode());
      }
    });
    response.closeHandler(v -> clientClosed(scope));
    request.exceptionHandler(e -> log.debug("{} client stream error: {}", scope.id(), e.toString()));
    if (!gate.admit(scope)) {
      return;
    }
    Routes.Match match = routes.find(request.method(), request.path());
    scope.route(match.template());
    if (match.handler() == null) {
      if (match.allowed().isEmpty()) {
        ErrorResponses.ollama(response, 404, "404 page not found");
      } else {
        response.putHeader(HttpHeaders.ALLOW, Routes.allowHeader(match.allowed()));
        ErrorResponses.ollama(response, 405, "405 method not allowed");
      }
      return;
    }
    if (!match.isPublic() && !gate.authorized(scope)) {
      return;
    }
    if (Admission.counts(match.template())) {
      if (!admission.tryAcquire()) {
        log.warn("{} refused: {} requests in flight (--max-in-flight)", scope.id(), admission.inFlight());
        ErrorResponses.ollama(response, 503, Admission.BUSY);
        return;
      }
      scope.admitted();
    }
    try {
      match.handler().handle(scope);
    } catch (OllamaError e) {
      log.info("{} rejected: {}", scope.id(), e.getMessage());
      ErrorResponses.ollama(response, e.status(), e.getMessage());
    } catch (RuntimeException e) {
      log.error("{} unexpected failure in {}", scope.id(), request.path(), e);
      ErrorResponses.ollama(response, 500, "internal error: " + e);
    }
  }

  private void done(RequestScope scope) {
    active.remove(scope);
    if (scope.wasAdmitted()) {
      admission.release();
    }
  }

  /** Called when the client connection closed; only a cancellation if the response had not ended. */
  private void clientClosed(RequestScope scope) {
    if (scope.request().response().ended()) {
      return;
    }
    scope.clientWentAway();
    if (scope.finish()) {
      done(scope);
      AccessLog.write(scope, AccessLog.CLIENT_CLOSED_REQUEST);
      metrics.request(scope.route(), AccessLog.CLIENT_CLOSED_REQUEST);
    }
  }

  public ProxyConfig config() {
    return config;
  }

  public ProxyMetrics metrics() {
    return metrics;
  }
}
