package io.github.ollamalmstudioproxy.server;

import io.github.ollamalmstudioproxy.catalog.alias.AliasStore;
import io.github.ollamalmstudioproxy.config.Durations;
import io.github.ollamalmstudioproxy.config.ProxyConfig;
import io.github.ollamalmstudioproxy.metrics.ProxyMetrics;
import io.github.ollamalmstudioproxy.server.RequestScope.ErrorShape;
import io.github.ollamalmstudioproxy.server.Routes.Trait;
import io.github.ollamalmstudioproxy.upstream.Backend;
import io.github.ollamalmstudioproxy.upstream.Fleet;
import io.github.ollamalmstudioproxy.upstream.RefusalLog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
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
  /**
   * The methods OpenAI's and LM Studio's APIs use, the only ones forwarded: CONNECT would open a tunnel through the
   * backend connection and TRACE echo the request back, headers included.
   */
  private static final Set<HttpMethod> PASSTHROUGH_METHODS = Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT,
      HttpMethod.PATCH, HttpMethod.DELETE, HttpMethod.HEAD, HttpMethod.OPTIONS);

  private final Vertx vertx;
  private final Fleet fleet;
  private final Routes routes = new Routes();
  private final RequestGate gate;
  private final ActiveRequests active = new ActiveRequests();
  private final ProxyMetrics metrics;
  private final Admission admission;
  private final ClientConnections connections;
  private final Duration bodyTimeout;
  private final Duration requestTimeout;
  private final BodyGate bodyGate;
  private final RefusalLog refusals;
  private HttpServer server;

  private ProxyServer(Vertx vertx, ProxyConfig config, Fleet fleet, ProxyMetrics metrics) {
    this.vertx = vertx;
    this.fleet = fleet;
    this.metrics = metrics;
    this.admission = new Admission(Fleet.totalAdmission(config));
    this.bodyTimeout = config.bodyTimeout();
    this.requestTimeout = config.requestTimeout();
    this.connections = new ClientConnections(vertx, config.headerTimeout(), config.bodyTimeout(),
        config.keepAliveTimeout(), FdHeadroom.ofThisProcess());
    this.bodyGate = new BodyGate(config.maxBodyBytes());
    this.refusals = fleet.refusals();
    this.gate = new RequestGate(HostPolicy.forListener(config.listen().isLoopback(), config.allowedHosts()),
        new CorsPolicy(config.origins()), config.apiKey());
    JsonBodyReader bodies = new JsonBodyReader(config.maxBodyBytes(), config.logBodies(),
        new BodyBudget(config.maxBodyMemory()), refusals);
    new BasicRoutes(config.ollamaVersion(), fleet, metrics, gate::presentsKey).register(routes);
    new BackendRoutes(fleet).register(routes);
    new ModelRoutes(fleet, bodies).register(routes);
    new PullRoutes(bodies, fleet, metrics).register(routes);
    AliasStore aliases = AliasStore.open(config.modelsFile(), Clock.systemUTC());
    fleet.useAliases(aliases::current);
    new AliasRoutes(fleet, bodies, aliases, Clock.systemUTC()).register(routes);
    AliasBodies aliasBodies = new AliasBodies(aliases::current);
    new EmbedRoutes(fleet, bodies).register(routes);
    TranslatedRelay relay = new TranslatedRelay(metrics, config.aggregateTimeout(), config.loadProgress());
    new ChatRoutes(bodies, fleet, relay, aliasBodies).register(routes);
    boolean inboundKey = config.apiKey() != null;
    OpenAiRoutes openAi = new OpenAiRoutes(fleet, bodies,
        new PassthroughHandler(fleet, OpenAiRoutes.PREFIX, inboundKey, bodyGate, metrics), relay, aliasBodies);
    // Before the /v1/ prefix: /v1/models/{name} is matched by the longer prefix first.
    openAi.register(routes);
    for (String prefix : PASSTHROUGH_PREFIXES) {
      RouteHandler handler = prefix.equals(OpenAiRoutes.PREFIX) ? openAi
          : new PassthroughHandler(fleet, prefix, inboundKey, bodyGate, metrics);
      routes.prefix(prefix, PASSTHROUGH_METHODS, handler, Trait.BACKEND, Trait.OPENAI_ERRORS);
    }
  }

  /** Starts listening on the configured address; the future fails if the port cannot be bound. */
  public static Future<ProxyServer> start(Vertx vertx, ProxyConfig config) {
    ProxyMetrics metrics = new ProxyMetrics();
    return start(vertx, config, Fleet.create(vertx, config, metrics), metrics);
  }

  /** Starts in front of one {@code backend}, e.g. one whose catalog runs on a test's clock. */
  public static Future<ProxyServer> start(Vertx vertx, ProxyConfig config, Backend backend, ProxyMetrics metrics) {
    return start(vertx, config, Fleet.of(vertx, List.of(backend), config, metrics), metrics);
  }

  /** Starts in front of {@code fleet}. */
  public static Future<ProxyServer> start(Vertx vertx, ProxyConfig config, Fleet fleet, ProxyMetrics metrics) {
    ProxyServer proxy = new ProxyServer(vertx, config, fleet, metrics);
    return vertx.createHttpServer(serverOptions(config))
        .connectionHandler(proxy.connections::opened)
        .requestHandler(proxy::handle)
        .listen()
        .map(server -> {
          proxy.server = server;
          return proxy;
        });
  }

  /** The options of the client-facing server: package-private for the test that pins them. */
  static HttpServerOptions serverOptions(ProxyConfig config) {
    return new HttpServerOptions()
        .setHost(config.listen().host())
        .setPort(config.listen().port())
        // Every line is a token the client waits for: no Nagle delay behind the previous, unacknowledged one.
        .setTcpNoDelay(true)
        // Ollama speaks HTTP/1.1 only; an h2c upgrade would let clients such as the JDK's switch to HTTP/2, where
        // connection-level headers like "Connection: close" are forbidden.
        .setHttp2ClearTextEnabled(false)
        .setCompressionSupported(false)
        .setDecompressionSupported(false)
        // The proxy serves no WebSocket: without these, Vert.x puts a WebSocket extension handler in every
        // connection's pipeline, which every streamed line passes through (a few % of the event loops' time).
        .setPerFrameWebSocketCompressionSupported(false)
        .setPerMessageWebSocketCompressionSupported(false);
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
          refusals.close();
          return fleet.close();
        });
  }

  private void handle(HttpServerRequest request) {
    RequestScope scope = new RequestScope(RequestIds.from(request.getHeader(RequestIds.HEADER)), request);
    active.add(scope);
    HttpServerResponse response = request.response();
    response.putHeader(RequestIds.HEADER, scope.id());
    connections.requestStarted(request, () -> bodyTimedOut(scope));
    response.endHandler(v -> {
      connections.responseEnded(request);
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
    // A client that hangs up mid-request is ordinary: its close ends the request (499), the errors are only debug.
    request.exceptionHandler(e -> log.debug("{} client stream error: {}", scope.id(), e.toString()));
    response.exceptionHandler(e -> log.debug("{} client connection error: {}", scope.id(), e.toString()));
    if (!gate.admit(scope)) {
      return;
    }
    Routes.Match match = routes.find(request.method(), request.path());
    scope.route(match.template());
    if (match.handler() == null) {
      if (match.has(Trait.OPENAI_ERRORS)) {
        scope.errorShape(ErrorShape.OPENAI);
      }
      if (!Routes.isKnown(request.method())) {
        log.info("{} refused: unknown method {}", scope.id(), LogText.quote(request.method().name()));
        Replies.error(scope, 501, "501 method not implemented");
      } else if (match.allowed().isEmpty()) {
        // Ollama's router (gin) answers before any handler, in plain text: clients and probes compare these bytes.
        Replies.send(scope, 404, Replies.PLAIN, "404 page not found");
      } else {
        response.putHeader(HttpHeaders.ALLOW, Routes.allowHeader(match.allowed()));
        Replies.send(scope, 405, Replies.PLAIN, "405 method not allowed");
      }
      return;
    }
    if (!match.has(Trait.PUBLIC) && !gate.authorized(scope)) {
      return;
    }
    if (match.has(Trait.BACKEND)) {
      if (match.has(Trait.BODY_FIRST)) {
        // The slot is taken once the body is in (JsonBodyReader), not while a slow client is still sending it.
        scope.admitWhenBodyRead(this::admit);
      } else if (!admit(scope)) {
        Replies.error(scope, 503, Admission.BUSY);
        return;
      }
    }
    if (match.has(Trait.OPENAI_ERRORS)) {
      // The route's own errors; the gate's refusals above keep Ollama's shape, as every client of the proxy got so far.
      scope.errorShape(ErrorShape.OPENAI);
    }
    if (!bodyGate.admit(scope)) {
      return;
    }
    // Every check passed: a client that waits for it may send its body now.
    BodyGate.continueIfExpected(scope);
    try {
      match.handler().handle(scope);
    } catch (RuntimeException e) {
      Replies.fail(scope, e);
    }
  }

  /** Takes a slot of {@code --max-in-flight} for the request; false (and counted in the log) when all are taken. */
  private boolean admit(RequestScope scope) {
    if (!admission.tryAcquire()) {
      refusals.refused(scope.id(), admission.inFlight());
      return false;
    }
    scope.admitted();
    scope.deadline(requestTimeout, () -> requestTimedOut(scope));
    return true;
  }

  /**
   * The request reached {@code --request-timeout} without becoming a stream of tokens: it is abandoned (its backend
   * request reset, its slot freed) and answered 504, or its stream ended with an error.
   */
  private void requestTimedOut(RequestScope scope) {
    log.warn("{} {} {}: no answer within {} ms (--request-timeout); the backend request is reset", scope.id(),
        scope.request().method(), scope.request().path(), requestTimeout.toMillis());
    if (scope.abandon(504)) {
      Replies.abandoned(scope, 504, "request timed out after " + Durations.format(requestTimeout)
          + " (--request-timeout)");
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
      done(scope, scope.abandonedWith() != 0 ? scope.abandonedWith() : AccessLog.CLIENT_CLOSED_REQUEST);
    }
  }

  /**
   * The client did not send the request's whole body within {@code --body-timeout}: a request still in progress is
   * abandoned (whatever it started upstream is reset, and its slot is freed) and answered 408; the connection is
   * closed in any case, without waiting for the rest of the body.
   */
  private void bodyTimedOut(RequestScope scope) {
    log.info("{} {} {}: request body not received within {} ms (--body-timeout); closing the connection",
        scope.id(), scope.request().method(), scope.request().path(), bodyTimeout.toMillis());
    Future<Void> answered = Future.succeededFuture();
    if (scope.abandon(408)) {
      if (scope.state().notStarted()) {
        scope.response().putHeader(HttpHeaders.CONNECTION, "close");
      }
      answered = Replies.abandoned(scope, 408, "request body not received in time (--body-timeout "
          + Durations.format(bodyTimeout) + ")");
    }
    HttpConnection connection = scope.request().connection();
    answered.onComplete(v -> connection.close());
  }
}
