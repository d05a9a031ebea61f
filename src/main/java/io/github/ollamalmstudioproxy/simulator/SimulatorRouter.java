package io.github.ollamalmstudioproxy.simulator;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulator's front door: records each request, checks the bearer token, parses JSON bodies, dispatches on method
 * and path, and applies the scripted eviction and failure to inference requests. The route table is the {@code if}
 * chain in {@link #route}; anything else gets LM Studio's unknown-route answer, which is HTTP 200 (404 only under
 * {@code /api/v1/*}). That includes {@code /v1/responses} and {@code /v1/messages} when
 * {@link SimulatorOptions#nativeResponsesAndMessages()} is off, as on LM Studio releases before them.
 */
final class SimulatorRouter implements Handler<HttpServerRequest> {
  private static final Logger LOG = LoggerFactory.getLogger(SimulatorRouter.class);
  static final String AUTH_REQUIRED = "An LM Studio API token is required to make requests to this server, but none "
      + "was provided using the Authorization header using the 'Bearer' scheme. Please provide a valid API token.";

  private final SimEnv env;
  private final RequestLog log;
  private final ModelResolver resolver;
  private final AtomicLong sequence = new AtomicLong();
  private final ModelListHandler modelLists;
  private final NativeModelsHandler nativeModels;
  private final DownloadsHandler downloads;
  private final ChatCompletionHandler chatV1;
  private final ChatCompletionHandler chatV0;
  private final CompletionHandler completionV1;
  private final CompletionHandler completionV0;
  private final EmbeddingsHandler embeddings;
  private final MessagesHandler messages;
  private final ResponsesHandler responses;

  SimulatorRouter(SimEnv env, RequestLog log) {
    this.env = env;
    this.log = log;
    this.resolver = new ModelResolver(env.options(), env.catalog());
    this.modelLists = new ModelListHandler(env);
    this.nativeModels = new NativeModelsHandler(env);
    this.downloads = new DownloadsHandler(env.downloads());
    this.chatV1 = new ChatCompletionHandler(env, resolver, false);
    this.chatV0 = new ChatCompletionHandler(env, resolver, true);
    this.completionV1 = new CompletionHandler(env, resolver, false);
    this.completionV0 = new CompletionHandler(env, resolver, true);
    this.embeddings = new EmbeddingsHandler(env, resolver);
    this.messages = new MessagesHandler(env, resolver);
    this.responses = new ResponsesHandler(env, resolver);
  }

  @Override
  public void handle(HttpServerRequest request) {
    long received = System.nanoTime();
    Context context = Vertx.currentContext();
    request.body().onSuccess(body -> dispatch(request, body.toString(StandardCharsets.UTF_8), received, context));
  }

  private void dispatch(HttpServerRequest request, String body, long received, Context context) {
    RecordedRequest record = new RecordedRequest(sequence.incrementAndGet(), request.method().name(), request.uri(),
        headers(request), body, received);
    Exchange exchange = new Exchange(request, record, context, log);
    long padding = env.script().paddingFor(request.path());
    if (padding > 0) {
      exchange.padTo(padding);
    }
    request.response().closeHandler(v -> exchange.clientClosed());
    request.response().putHeader("X-Powered-By", "Express");
    log.add(record);
    if (request.response().closed()) {
      exchange.clientClosed();
      return;
    }
    if (!authorized(exchange)) {
      return;
    }
    Duration delay = env.script().routeDelay(request.path());
    if (delay.isZero()) {
      route(exchange, request.method(), request.path());
      return;
    }
    env.vertx().setTimer(Math.max(1, delay.toMillis()), t -> {
      if (!exchange.clientGone()) {
        route(exchange, request.method(), request.path());
      }
    });
  }

  private void route(Exchange exchange, HttpMethod method, String path) {
    boolean get = method.equals(HttpMethod.GET);
    boolean post = method.equals(HttpMethod.POST);
    boolean native1 = !env.options().legacy();
    boolean nativeCompat = env.options().nativeResponsesAndMessages();
    if (env.options().gateway()) {
      gatewayRoute(exchange, get, post, nativeCompat, path);
    } else if (get && path.equals("/lmstudio-greeting")) {
      exchange.sendJson(200, SimJson.object().put("lmstudio", true));
    } else if (get && path.equals("/v1/models")) {
      modelLists.openAiList(exchange);
    } else if (get && path.equals("/api/v0/models")) {
      modelLists.v0List(exchange);
    } else if (get && path.startsWith("/api/v0/models/")) {
      modelLists.v0One(exchange, path.substring("/api/v0/models/".length()));
    } else if (get && native1 && path.equals("/api/v1/models")) {
      nativeModels.list(exchange);
    } else if (post && native1 && path.equals("/api/v1/models/load")) {
      withJson(exchange, nativeModels::load);
    } else if (post && native1 && path.equals("/api/v1/models/unload")) {
      withJson(exchange, nativeModels::unload);
    } else if (post && native1 && path.equals("/api/v1/models/download")) {
      withJson(exchange, downloads::start);
    } else if (get && native1 && path.equals("/api/v1/models/download/status")) {
      downloads.list(exchange);
    } else if (get && native1 && path.startsWith("/api/v1/models/download/status/")) {
      downloads.status(exchange, path.substring("/api/v1/models/download/status/".length()));
    } else if (post && path.equals("/v1/chat/completions")) {
      inference(exchange, chatV1::handle);
    } else if (post && path.equals("/api/v0/chat/completions")) {
      inference(exchange, chatV0::handle);
    } else if (post && path.equals("/v1/completions")) {
      inference(exchange, completionV1::handle);
    } else if (post && path.equals("/api/v0/completions")) {
      inference(exchange, completionV0::handle);
    } else if (post && (path.equals("/v1/embeddings") || path.equals("/api/v0/embeddings"))) {
      inference(exchange, embeddings::handle);
    } else if (post && nativeCompat && path.equals("/v1/messages")) {
      inference(exchange, messages::handle);
    } else if (post && nativeCompat && path.equals("/v1/responses")) {
      inference(exchange, responses::handle);
    } else {
      unknown(exchange, method, path);
    }
  }

  /** The routes vLLM serves behind a gateway; FastAPI's 404 for the rest, LM Studio's {@code /api/*} included. */
  private void gatewayRoute(Exchange exchange, boolean get, boolean post, boolean nativeCompat, String path) {
    if (get && path.equals("/v1/models")) {
      modelLists.gatewayList(exchange);
    } else if (post && path.equals("/v1/chat/completions")) {
      inference(exchange, chatV1::handle);
    } else if (post && path.equals("/v1/completions")) {
      inference(exchange, completionV1::handle);
    } else if (post && path.equals("/v1/embeddings")) {
      inference(exchange, embeddings::handle);
    } else if (post && nativeCompat && path.equals("/v1/messages")) {
      inference(exchange, messages::handle);
    } else if (post && nativeCompat && path.equals("/v1/responses")) {
      inference(exchange, responses::handle);
    } else {
      exchange.sendJson(404, SimJson.object().put("detail", "Not Found"));
    }
  }

  private void unknown(Exchange exchange, HttpMethod method, String path) {
    String message = "Unexpected endpoint or method. (" + method.name() + " " + path + ")";
    boolean notFound = !env.options().legacy() && path.startsWith("/api/v1/");
    LOG.info("{}{}", message, notFound ? "" : ". Returning 200 anyway");
    exchange.sendJson(notFound ? 404 : 200, SimJson.object().put("error", message));
  }

  /**
   * Runs an inference route once its body parses. The scripted eviction and failure are taken here, before the
   * handler's own validation, so that only inference requests consume them: model lists and loads never use one up.
   */
  private void inference(Exchange exchange, Inference handler) {
    withJson(exchange, parsed -> {
      if (env.script().takeEviction()) {
        evictModelOf(SimJson.text(parsed.body, "model"));
      }
      ScriptSnapshot script = env.script().snapshot();
      if (env.script().closeAfterAnswer()) {
        parsed.closeAfterEnd();
      }
      SimulatorFailure failure = env.script().takeFailure();
      if (failure != null) {
        parsed.fail(failure);
        return;
      }
      handler.handle(parsed, script);
    });
  }

  /** Unloads every instance of the model a request names, as an eviction racing the request would have. */
  private void evictModelOf(String requested) {
    resolver.named(requested).ifPresent(model -> {
      LOG.info("Scripted eviction: unloading every instance of \"{}\" before this request", model.key());
      env.catalog().unloadInstancesOf(model.key());
    });
  }

  /** Parses the body (empty means {@code {}}, as Express's JSON parser does) and answers 400 on a syntax error. */
  private void withJson(Exchange exchange, Handler<Exchange> next) {
    String body = exchange.record.body();
    try {
      exchange.body = body.isBlank() ? SimJson.object() : SimJson.parse(body);
    } catch (JsonProcessingException e) {
      String message = invalidJson(e);
      LOG.warn("Received request for {} with invalid JSON: {}", exchange.record.pathOnly(), message);
      exchange.fail(SimulatorFailure.bare(400, message));
      return;
    }
    next.handle(exchange);
  }

  /** Words the error the way LM Studio's JSON.parse does: the problem, then its position, line and column. */
  private static String invalidJson(JsonProcessingException e) {
    JsonLocation at = e.getLocation();
    // Jackson appends "(for Array starting at [Source: ...])"; LM Studio's messages carry no such detail.
    String problem = e.getOriginalMessage().lines().findFirst().orElse("Invalid JSON")
        .replaceAll(" \\(for \\w+ starting at \\[Source: [^\\]]*\\]\\)", "");
    if (at == null) {
      return problem;
    }
    return problem + " in JSON at position " + Math.max(0, at.getCharOffset()) + " (line " + at.getLineNr()
        + " column " + at.getColumnNr() + ")";
  }

  private boolean authorized(Exchange exchange) {
    String token = env.options().requireAuthToken();
    String header = exchange.request.getHeader("Authorization");
    if (token == null) {
      if (header != null) {
        LOG.debug("A value was passed to the 'Authorization' header, but the server is not configured to "
            + "authenticate via API token. The 'Authorization' header will be ignored.");
      }
      return true;
    }
    // The liveness probe stays open so tools can find the server before they hold a token (assumed, §1).
    if (exchange.request.path().equals("/lmstudio-greeting") || ("Bearer " + token).equals(header)) {
      return true;
    }
    // Anthropic clients send their key as x-api-key, which LM Studio's Anthropic docs say it accepts there (0.4.1+).
    String apiKey = exchange.request.path().equals("/v1/messages") ? exchange.request.getHeader("x-api-key") : null;
    if (token.equals(apiKey)) {
      return true;
    }
    String message = header == null && apiKey == null ? AUTH_REQUIRED : "The provided LM Studio API token is invalid.";
    exchange.fail(SimulatorFailure.native1(401, "invalid_request", "invalid_api_key", message, null));
    return false;
  }

  /** An inference route's handler, given the script as it stood when the request arrived. */
  @FunctionalInterface
  private interface Inference {
    void handle(Exchange exchange, ScriptSnapshot script);
  }

  private static Map<String, List<String>> headers(HttpServerRequest request) {
    Map<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (String name : request.headers().names()) {
      copy.put(name, List.copyOf(request.headers().getAll(name)));
    }
    return Collections.unmodifiableMap(copy);
  }
}
