package io.github.ollamalmstudioproxy.server;

import io.github.ollamalmstudioproxy.config.ProxyConfig;
import io.github.ollamalmstudioproxy.metrics.ProxyMetrics;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import io.github.ollamalmstudioproxy.server.RequestScope.ErrorShape;
import io.github.ollamalmstudioproxy.server.Routes.Trait;
import io.github.ollamalmstudioproxy.upstream.Backend;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP front: accepts Ollama clients, runs each request through CORS, the route table, auth and admission inside
 * a {@link RequestScope}, and writes the access log. The routes themselves live in the handlers; the backend they
 * drive is an {@link Backend} from the upstream layer.
 */
public final class ProxyServer {
  private static final Logger log = LoggerFactory.getLogger(ProxyServer.class);
  private static final String[] PASSTHROUGH_PREFIXES = {"/v1/", "/api/v0/", "/api/v1/"};

  private final Vertx vertx;
  private final Backend backend;
  private final Routes routes = new Routes();
  private final RequestGate gate;
  private final ActiveRequests active = new ActiveRequests();
  private final ProxyMetrics metrics;
  private final Admission admission;
  private HttpServer server;

  private ProxyServer(Vertx vertx, ProxyConfig config, Backend backend, ProxyMetrics metrics) {
    this.vertx = vertx;
    this.backend = backend;
    this.metrics = metrics;
    this.admission = new Admission(config.maxInFlight());
    this.gate = new RequestGate(new CorsPolicy(config.origins()), config.apiKey());
    JsonBodyReader bodies = new JsonBodyReader(config.maxBodyBytes(), config.logBodies(),
        new BodyBudget(config.maxBodyMemory()));
    new BasicRoutes(config.ollamaVersion(), backend, metrics).register(routes);
    new ModelRoutes(backend.catalog(), bodies).register(routes);
    new EmbedRoutes(backend, bodies).register(routes);
    new ChatRoutes(bodies, backend, new TranslatedRelay(metrics, config.aggregateTimeout())).register(routes);
    boolean inboundKey = config.apiKey() != null;
    for (String prefix : PASSTHROUGH_PREFIXES) {
      routes.prefix(prefix, new PassthroughHandler(backend, prefix, inboundKey, metrics), Trait.BACKEND,
          Trait.OPENAI_ERRORS);
    }
  }

  /** Starts listening on the configured address; the future fails if the port cannot be bound. */
  public static Future<ProxyServer> start(Vertx vertx, ProxyConfig config) {
    ProxyMetrics metrics = new ProxyMetrics();
    return start(vertx, config, Backend.create(vertx, config, metrics), metrics);
  }

  /** Starts in front of {@code backend}, e.g. one whose catalog runs on a test's clock. */
  public static Future<ProxyServer> start(Vertx vertx, ProxyConfig config, Backend backend, ProxyMetrics metrics) {
    ProxyServer proxy = new ProxyServer(vertx, config, backend, metrics);
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

  public ProxyMetrics metrics() {
    return metrics;
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
    HttpServerResponse response = request.response();
    response.putHeader(RequestIds.HEADER, scope.id());
    response.endHandler(v -> {
      if (!response.ended()) {
        // Vert.x also signals "end" when the connection closes under a response nobody ended: a hang-up.
        clientClosed(scope);
        return;
      }
      if (scope.finish()) {
        done(scope, response.getStatusCode());
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
        Replies.error(scope, 404, "404 page not found");
      } else {
        response.putHeader(HttpHeaders.ALLOW, Routes.allowHeader(match.allowed()));
        Replies.error(scope, 405, "405 method not allowed");
      }
      return;
    }
    if (!match.has(Trait.PUBLIC) && !gate.authorized(scope)) {
      return;
    }
    if (match.has(Trait.BACKEND)) {
      if (!admission.tryAcquire()) {
        log.warn("{} refused: {} requests in flight (--max-in-flight)", scope.id(), admission.inFlight());
        Replies.error(scope, 503, Admission.BUSY);
        return;
      }
      scope.admitted();
    }
    if (match.has(Trait.OPENAI_ERRORS)) {
      // The route's own errors; the gate's refusals above keep Ollama's shape, as every client of the proxy got so far.
      scope.errorShape(ErrorShape.OPENAI);
    }
    try {
      match.handler().handle(scope);
    } catch (RuntimeException e) {
      Replies.fail(scope, e);
    }
  }

  /** The request is over, answered or abandoned: log it, count it, release what it held. */
  private void done(RequestScope scope, int status) {
    active.remove(scope);
    if (scope.wasAdmitted()) {
      admission.release();
    }
    if (scope.state().streamed()) {
      metrics.streamEnded();
    }
    AccessLog.write(scope, status);
    metrics.request(scope.route(), status);
  }

  /** Called when the client connection closed; only a cancellation if the response had not ended. */
  private void clientClosed(RequestScope scope) {
    if (scope.response().ended()) {
      return;
    }
    scope.clientWentAway();
    if (scope.finish()) {
      done(scope, AccessLog.CLIENT_CLOSED_REQUEST);
    }
  }
}
