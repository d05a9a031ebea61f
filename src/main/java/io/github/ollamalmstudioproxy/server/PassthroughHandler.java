package io.github.ollamalmstudioproxy.server;

import io.github.ollamalmstudioproxy.backend.BackendClient;
import io.github.ollamalmstudioproxy.backend.BodyPump;
import io.github.ollamalmstudioproxy.backend.ClientGoneException;
import io.github.ollamalmstudioproxy.backend.GatewayHeaders;
import io.github.ollamalmstudioproxy.backend.HopByHopHeaders;
import io.github.ollamalmstudioproxy.backend.BoundedBody;
import io.github.ollamalmstudioproxy.backend.SseEventCounter;
import io.github.ollamalmstudioproxy.backend.Upload;
import io.github.ollamalmstudioproxy.backend.UploadPump;
import io.github.ollamalmstudioproxy.translate.openai.OllamaReasoning;
import io.github.ollamalmstudioproxy.translate.openai.SseReasoningRewriter;
import io.github.ollamalmstudioproxy.metrics.ProxyMetrics;
import io.github.ollamalmstudioproxy.upstream.Backend;
import io.github.ollamalmstudioproxy.upstream.Fleet;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards {@code /v1/*} and LM Studio's own {@code /api/v0/*} and {@code /api/v1/*} to the backend unchanged: the
 * method, path and query; bodies streamed both ways as they arrive (SSE event by event, no batching), the client's
 * counted against {@code --max-body-size} (see {@link UploadPump}); the backend's status and body passed through
 * untouched.
 *
 * <p>When the client leaves, the backend request is reset, never drained: a drained SSE stream keeps the model
 * generating for nobody. When the backend fails mid-body, the client connection is reset too, so a truncated body is
 * never mistaken for a complete one.
 */
final class PassthroughHandler implements RouteHandler {
  private static final Logger log = LoggerFactory.getLogger(PassthroughHandler.class);
  /** CORS is answered by the proxy's own policy; the backend's (llama-server sends an empty one) must not leak. */
  private static final Set<String> RESPONSE_EXCLUDED = Set.of("access-control-*");
  /**
   * How much of a request body is held until the backend answers, so that a request sent on a pooled connection the
   * backend had just closed can be sent again; chat requests are mostly smaller. A longer body that meets such a
   * connection fails with 502 as before.
   */
  static final long REPLAY_HOLD_BYTES = 64 * 1024;
  /** A JSON answer the proxy reads whole to change or check it (a chat completion; an unknown-route answer). */
  private static final BoundedBody.Limit WHOLE_ANSWER =
      new BoundedBody.Limit(8L * 1024 * 1024, "JSON answer", "ask with \"stream\":true");

  private final Fleet fleet;
  private final String prefix;
  private final Set<String> requestExcluded;
  private final BodyGate bodies;
  private final ProxyMetrics metrics;

  /**
   * @param inboundKeyInUse when the proxy checks its own API key, the client's Authorization header carries that
   *     key and must not reach the backend
   */
  PassthroughHandler(Fleet fleet, String prefix, boolean inboundKeyInUse, BodyGate bodies, ProxyMetrics metrics) {
    this.fleet = fleet;
    this.prefix = prefix;
    // The proxy answers Expect: 100-continue itself (BodyGate), once its own checks passed.
    this.requestExcluded = inboundKeyInUse ? Set.of("authorization", "x-request-id", "expect")
        : Set.of("x-request-id", "expect");
    this.bodies = bodies;
    this.metrics = metrics;
  }

  @Override
  public void handle(RequestScope scope) {
    HttpServerRequest request = scope.request();
    if (!PathGuard.staysUnder(request.path(), prefix)) {
      log.info("{} rejected passthrough path outside {}: {}", scope.id(), prefix, LogText.quote(request.path()));
      Replies.error(scope, 400, "invalid path: it must stay under " + prefix);
      return;
    }
    request.pause();
    // No model to route by: the first backend that is not out of routing.
    Backend backend = fleet.primary();
    if (BodyGate.hasBody(request)) {
      forward(scope, backend, new UploadPump(request, bodies.maxBytes(), REPLAY_HOLD_BYTES), Answer.AS_IS, null);
    } else {
      request.resume();
      forward(scope, backend, null, Answer.AS_IS, null);
    }
  }

  /**
   * Another backend for a request that failed before the backend answered at all (it could not be reached, or broke
   * the connection): true when the request was sent there instead, false to answer the failure.
   */
  interface Failover {
    boolean movedOn(Throwable failure);
  }

  /**
   * What happens to the backend's answer on its way: passed as it is, or with reasoning in Ollama's field (chat
   * completions on {@code /v1}), and whether the route's support must be checked first.
   *
   * @param ollamaReasoning add {@code reasoning} next to the backend's {@code reasoning_content}
   * @param nativeCheck for a route the backend may lack ({@code /v1/messages}, {@code /v1/responses}): told whether
   *     the backend has it, and answers the request itself when it does not; null when nothing is checked
   */
  record Answer(boolean ollamaReasoning, NativeCheck nativeCheck) {
    static final Answer AS_IS = new Answer(false, null);
  }

  /** A route the backend may lack; LM Studio answers one it lacks with HTTP 200 and an error body. */
  interface NativeCheck {
    /** True when an earlier answer already showed the backend has the route. */
    boolean known();

    /** The backend served the route. */
    void served();

    /** The backend has no such route: the request is answered some other way; nothing reached the client yet. */
    void lacking(RequestScope scope);
  }

  /**
   * Sends the request to {@code backend}, with {@code body} (null for none), and relays the answer as {@code answer}
   * says; a held body that could not be delivered may go elsewhere through {@code failover} (null: nowhere).
   */
  void forward(RequestScope scope, Backend backend, Upload body, Answer answer, Failover failover) {
    HttpServerRequest request = scope.request();
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    HopByHopHeaders.copy(request.headers(), headers, requestExcluded);
    if (backend.gateway()) {
      // The client's routing headers came along with the rest; the id is the one the proxy logs under.
      headers.set(GatewayHeaders.REQUEST_ID, scope.id());
    }
    if (!(body instanceof UploadPump) && body != null) {
      // A body the proxy holds whole goes out with its own length (Upload.of sets it).
      headers.remove(HttpHeaders.CONTENT_LENGTH);
    }
    String pathAndQuery = request.query() == null ? request.path() : request.path() + "?" + request.query();
    send(scope, new Target(backend, failover), pathAndQuery, headers, body, 1, answer);
  }

  private record Target(Backend backend, Failover failover) {}

  /**
   * Opens the backend request and sends the client's body through it. A request is sent again, once, on a fresh
   * connection if a reused one was closed under it before any answer (see {@link BackendClient#closedBeforeAnswer})
   * and its body can still be replayed: it has none, or every byte of it sent so far is still held
   * ({@link UploadPump#replayable}).
   */
  private void send(RequestScope scope, Target target, String pathAndQuery, MultiMap headers, Upload body,
      int replays, Answer answer) {
    HttpServerRequest request = scope.request();
    Backend backend = target.backend();
    backend.http().open(request.method(), pathAndQuery, headers).onComplete(opened -> {
      if (opened.failed()) {
        if (body != null) {
          body.detach();
        }
        failed(scope, target, body, opened.cause());
        return;
      }
      HttpClientRequest upstream = opened.result();
      scope.onCancel(() -> {
        upstream.reset();
        if (scope.hungUp()) {
          metrics.upstreamAbortedByHangUp();
        }
      });
      if (scope.cancelled()) {
        return;
      }
      Future<HttpClientResponse> sent = body == null ? upstream.send() : body.sendThrough(upstream);
      sent.onComplete(answered -> {
        if (answered.succeeded()) {
          relay(scope, backend, upstream, answered.result(), answer);
          return;
        }
        Throwable cause = answered.cause();
        if (body != null) {
          body.detach();
        }
        if (scope.cancelled() || cause instanceof ClientGoneException) {
          return;
        }
        if (cause instanceof UploadPump.TooLarge) {
          log.info("{} refused: streamed body over --max-body-size {}", scope.id(), bodies.maxBytes());
          if (scope.state().notStarted()) {
            bodies.tooLarge(scope);
          } else {
            scope.response().reset();
          }
        } else if (replays > 0 && BackendClient.closedBeforeAnswer(cause) && (body == null || body.replayable())) {
          log.debug("{} backend closed a reused connection before answering; sending again", scope.id());
          send(scope, target, pathAndQuery, headers, body, replays - 1, answer);
        } else {
          failed(scope, target, body, cause);
        }
      });
    });
  }

  /** No answer from the backend: it is told (its breaker counts it), and the request moves on or gets the error. */
  private void failed(RequestScope scope, Target target, Upload body, Throwable cause) {
    Throwable failure = target.backend().failed(cause, scope);
    boolean movable = target.failover() != null && (body == null || body.replayable()) && !scope.cancelled();
    if (!movable || !target.failover().movedOn(failure)) {
      Replies.fail(scope, failure);
    }
  }

  private void relay(RequestScope scope, Backend backend, HttpClientRequest upstream, HttpClientResponse answer,
      Answer treatment) {
    backend.answeredWith(answer.statusCode());
    if (scope.cancelled()) {
      return;
    }
    NativeCheck check = treatment.nativeCheck();
    if (check != null && !check.known()) {
      int status = answer.statusCode();
      if (status == 404 || status == 405 || status == 501) {
        upstream.reset();
        check.lacking(scope);
        return;
      }
      if (status == 200 && isJson(answer)) {
        // LM Studio's answer to a route it lacks is a 200 with an error body: read it (a real answer is small too).
        BoundedBody.collect(upstream, answer, WHOLE_ANSWER).onComplete(read -> {
          if (read.failed()) {
            Replies.fail(scope, backend.failure(read.cause(), scope));
          } else if (isUnknownRoute(read.result())) {
            check.lacking(scope);
          } else {
            check.served();
            relayWhole(scope, answer, read.result(), treatment);
          }
        });
        return;
      }
      if (status / 100 == 2) {
        check.served();
      }
    }
    if (treatment.ollamaReasoning() && answer.statusCode() == 200 && isJson(answer)) {
      BoundedBody.collect(upstream, answer, WHOLE_ANSWER).onComplete(read -> {
        if (read.failed()) {
          Replies.fail(scope, backend.failure(read.cause(), scope));
        } else {
          relayWhole(scope, answer, read.result(), treatment);
        }
      });
      return;
    }
    HttpServerResponse response = scope.response();
    response.setStatusCode(answer.statusCode());
    HopByHopHeaders.copy(answer.headers(), response.headers(), RESPONSE_EXCLUDED);
    // Framed by what was copied, not by what the backend sent: a body without a length goes out chunked.
    if (!response.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
      response.setChunked(true);
    }
    scope.state().streaming();
    metrics.streamStarted();
    answer.pause();
    boolean events = isEventStream(answer);
    Body body = new Body(scope, backend, events ? new SseEventCounter() : null,
        events && treatment.ollamaReasoning() ? new SseReasoningRewriter() : null);
    body.pump = backend.http().pump(upstream, answer, response, scope, body,
        body.events != null ? BodyPump.Progress.REPORTED : BodyPump.Progress.CHUNKS);
    body.pump.start();
  }

  /** An answer read whole (a JSON body), relayed with its own length. */
  private static void relayWhole(RequestScope scope, HttpClientResponse answer, Buffer read, Answer treatment) {
    if (scope.cancelled()) {
      return;
    }
    Buffer body = treatment.ollamaReasoning() ? Buffer.buffer(OllamaReasoning.withOllamaField(read.getBytes())) : read;
    HttpServerResponse response = scope.response();
    response.setStatusCode(answer.statusCode());
    HopByHopHeaders.copy(answer.headers(), response.headers(), RESPONSE_EXCLUDED);
    response.headers().remove(HttpHeaders.CONTENT_LENGTH);
    Replies.send(scope, answer.statusCode(), null, body);
  }

  private static boolean isUnknownRoute(Buffer body) {
    String head = body.getString(0, Math.min(body.length(), 256));
    return head.contains("\"error\"") && head.contains("Unexpected endpoint or method");
  }

  private static boolean isJson(HttpClientResponse answer) {
    String type = answer.getHeader(HttpHeaders.CONTENT_TYPE);
    return type != null && type.toLowerCase(Locale.ROOT).contains("json");
  }

  private static boolean isEventStream(HttpClientResponse answer) {
    String type = answer.getHeader(HttpHeaders.CONTENT_TYPE);
    return type != null && type.regionMatches(true, 0, "text/event-stream", 0, "text/event-stream".length());
  }

  /**
   * The backend's body on its way to the client, unchanged. An event stream makes progress by whole events, so
   * {@code --idle-timeout} cuts a backend that drips bytes without ever finishing one; any other body makes progress
   * by its bytes (it has no smaller unit the proxy could see without parsing it), and stays under
   * {@code --request-timeout} to its end, as an event stream does until its first event.
   */
  private static final class Body implements BodyPump.Sink {
    private final RequestScope scope;
    private final Backend backend;
    private final HttpServerResponse response;
    /** Counts the events of an event stream; null for any other body. */
    private final SseEventCounter events;
    /** Puts reasoning in Ollama's field; null when the stream passes unchanged. */
    private final SseReasoningRewriter reasoning;
    private BodyPump pump;

    Body(RequestScope scope, Backend backend, SseEventCounter events, SseReasoningRewriter reasoning) {
      this.scope = scope;
      this.backend = backend;
      this.response = scope.response();
      this.events = events;
      this.reasoning = reasoning;
    }

    @Override
    public void chunk(Buffer chunk) {
      if (reasoning == null) {
        response.write(chunk);
      } else {
        byte[] bytes = chunk.getBytes();
        byte[] out = reasoning.feed(bytes, 0, bytes.length);
        if (out.length > 0) {
          response.write(Buffer.buffer(out));
        }
      }
      if (events != null && events.feed(chunk) > 0) {
        pump.progressed();
        // An event stream that produces events is a token stream: --request-timeout no longer applies.
        scope.tokensFlowing();
      }
    }

    @Override
    public void end() {
      if (!response.closed()) {
        scope.state().ended();
        byte[] rest = reasoning == null ? new byte[0] : reasoning.end();
        if (rest.length > 0) {
          response.end(Buffer.buffer(rest));
        } else {
          response.end();
        }
      }
    }

    /** The backend broke off mid-body: reset the client too, so a truncated body never looks complete. */
    @Override
    public void broken(Throwable cause) {
      log.warn("{} backend response broke off: {}", scope.id(), cause.toString());
      backend.streamBroke(cause);
      response.reset();
    }
  }
}
