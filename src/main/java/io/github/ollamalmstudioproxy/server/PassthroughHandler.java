package io.github.ollamalmstudioproxy.server;

import io.github.ollamalmstudioproxy.backend.BackendClient;
import io.github.ollamalmstudioproxy.backend.BodyPump;
import io.github.ollamalmstudioproxy.backend.HopByHopHeaders;
import io.github.ollamalmstudioproxy.backend.SseEventCounter;
import io.github.ollamalmstudioproxy.metrics.ProxyMetrics;
import io.github.ollamalmstudioproxy.upstream.Backend;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards {@code /v1/*} and LM Studio's own {@code /api/v0/*} and {@code /api/v1/*} to the backend unchanged: any
 * method, path and query; bodies streamed both ways as they arrive (SSE event by event, no batching); the backend's
 * status and body passed through untouched.
 *
 * <p>When the client leaves, the backend request is reset, never drained: a drained SSE stream keeps the model
 * generating for nobody. When the backend fails mid-body, the client connection is reset too, so a truncated body is
 * never mistaken for a complete one.
 */
final class PassthroughHandler implements RouteHandler {
  private static final Logger log = LoggerFactory.getLogger(PassthroughHandler.class);
  /** CORS is answered by the proxy's own policy; the backend's (llama-server sends an empty one) must not leak. */
  private static final Set<String> RESPONSE_EXCLUDED = Set.of("access-control-*");

  private final Backend backend;
  private final String prefix;
  private final Set<String> requestExcluded;
  private final ProxyMetrics metrics;

  /**
   * @param inboundKeyInUse when the proxy checks its own API key, the client's Authorization header carries that
   *     key and must not reach the backend
   */
  PassthroughHandler(Backend backend, String prefix, boolean inboundKeyInUse, ProxyMetrics metrics) {
    this.backend = backend;
    this.prefix = prefix;
    this.requestExcluded = inboundKeyInUse ? Set.of("authorization", "x-request-id") : Set.of("x-request-id");
    this.metrics = metrics;
  }

  @Override
  public void handle(RequestScope scope) {
    HttpServerRequest request = scope.request();
    if (!PathGuard.staysUnder(request.path(), prefix)) {
      log.info("{} rejected passthrough path outside {}: {}", scope.id(), prefix, request.path());
      Replies.error(scope, 400, "invalid path: it must stay under " + prefix);
      return;
    }
    request.pause();
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    HopByHopHeaders.copy(request.headers(), headers, requestExcluded);
    String pathAndQuery = request.query() == null ? request.path() : request.path() + "?" + request.query();
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    boolean bodiless = (request.method() == HttpMethod.GET || request.method() == HttpMethod.HEAD)
        && (length == null || length.equals("0")) && request.getHeader(HttpHeaders.TRANSFER_ENCODING) == null;
    if (bodiless) {
      request.resume();
    }
    send(scope, pathAndQuery, headers, bodiless ? 1 : 0);
  }

  /**
   * Opens the backend request and sends the client's body through it. A request without a body is sent again once if
   * a reused connection was closed under it (see {@link BackendClient#closedBeforeAnswer}); one with a streamed body
   * cannot be replayed.
   */
  private void send(RequestScope scope, String pathAndQuery, MultiMap headers, int replays) {
    HttpServerRequest request = scope.request();
    backend.http().open(request.method(), pathAndQuery, headers).onComplete(opened -> {
      if (opened.failed()) {
        Replies.fail(scope, backend.failure(opened.cause(), scope));
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
      Future<HttpClientResponse> sent = replays > 0 ? upstream.send() : upstream.send(request);
      sent.onComplete(answered -> {
        if (answered.succeeded()) {
          relay(scope, upstream, answered.result());
        } else if (replays > 0 && BackendClient.closedBeforeAnswer(answered.cause()) && !scope.cancelled()) {
          send(scope, pathAndQuery, headers, replays - 1);
        } else {
          Replies.fail(scope, backend.failure(answered.cause(), scope));
        }
      });
    });
  }

  private void relay(RequestScope scope, HttpClientRequest upstream, HttpClientResponse answer) {
    if (scope.cancelled()) {
      return;
    }
    HttpServerResponse response = scope.response();
    response.setStatusCode(answer.statusCode());
    HopByHopHeaders.copy(answer.headers(), response.headers(), RESPONSE_EXCLUDED);
    if (!answer.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
      response.setChunked(true);
    }
    scope.state().streaming();
    metrics.streamStarted();
    answer.pause();
    Body body = new Body(scope, isEventStream(answer) ? new SseEventCounter() : null);
    body.pump = backend.http().pump(upstream, answer, response, scope, body,
        body.events != null ? BodyPump.Progress.REPORTED : BodyPump.Progress.CHUNKS);
    body.pump.start();
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
    private final HttpServerResponse response;
    /** Counts the events of an event stream; null for any other body. */
    private final SseEventCounter events;
    private BodyPump pump;

    Body(RequestScope scope, SseEventCounter events) {
      this.scope = scope;
      this.response = scope.response();
      this.events = events;
    }

    @Override
    public void chunk(Buffer chunk) {
      response.write(chunk);
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
        response.end();
      }
    }

    /** The backend broke off mid-body: reset the client too, so a truncated body never looks complete. */
    @Override
    public void broken(Throwable cause) {
      log.warn("{} backend response broke off: {}", scope.id(), cause.toString());
      response.reset();
    }
  }
}
