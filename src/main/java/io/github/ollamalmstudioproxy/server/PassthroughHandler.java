package io.github.ollamalmstudioproxy.server;

import io.github.ollamalmstudioproxy.backend.BackendClient;
import io.github.ollamalmstudioproxy.backend.HopByHopHeaders;
import io.github.ollamalmstudioproxy.backend.IdleWatch;
import io.github.ollamalmstudioproxy.metrics.ProxyMetrics;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.streams.Pipe;
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

  private final BackendClient backend;
  private final String prefix;
  private final Set<String> requestExcluded;
  private final BackendFailures failures;
  private final ProxyMetrics metrics;

  /**
   * @param inboundKeyInUse when the proxy checks its own API key, the client's Authorization header carries that
   *     key and must not reach the backend
   */
  PassthroughHandler(BackendClient backend, String prefix, boolean inboundKeyInUse, BackendFailures failures,
      ProxyMetrics metrics) {
    this.backend = backend;
    this.prefix = prefix;
    this.requestExcluded = inboundKeyInUse ? Set.of("authorization", "x-request-id") : Set.of("x-request-id");
    this.failures = failures;
    this.metrics = metrics;
  }

  @Override
  public void handle(RequestScope scope) {
    HttpServerRequest request = scope.request();
    if (!PathGuard.staysUnder(request.path(), prefix)) {
      log.info("{} rejected passthrough path outside {}: {}", scope.id(), prefix, request.path());
      ErrorResponses.openAi(scope.response(), 400, "invalid path: it must stay under " + prefix);
      return;
    }
    request.pause();
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    HopByHopHeaders.copy(request.headers(), headers, requestExcluded);
    String pathAndQuery = request.query() == null ? request.path() : request.path() + "?" + request.query();
    backend.open(request.method(), pathAndQuery, headers).onComplete(opened -> {
      if (opened.failed()) {
        failures.beforeResponse(scope, opened.cause(), ErrorResponses::openAi);
        return;
      }
      HttpClientRequest upstream = opened.result();
      scope.onCancel(() -> {
        upstream.reset();
        metrics.upstreamAbortedByHangUp();
      });
      if (scope.cancelled()) {
        return;
      }
      upstream.send(request).onComplete(sent -> {
        if (sent.failed()) {
          failures.beforeResponse(scope, sent.cause(), ErrorResponses::openAi);
        } else {
          relay(scope, upstream, sent.result());
        }
      });
    });
  }

  private void relay(RequestScope scope, HttpClientRequest upstream, HttpClientResponse answer) {
    HttpServerResponse response = scope.response();
    if (scope.cancelled()) {
      return;
    }
    IdleWatch idle = backend.streaming(upstream, answer);
    response.setStatusCode(answer.statusCode());
    HopByHopHeaders.copy(answer.headers(), response.headers(), RESPONSE_EXCLUDED);
    if (!answer.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
      response.setChunked(true);
    }
    Pipe<io.vertx.core.buffer.Buffer> pipe = new TouchingStream(answer, idle).pipe().endOnFailure(false);
    pipe.to(response).onFailure(e -> {
      if (!scope.cancelled()) {
        log.warn("{} backend response broke off: {}", scope.id(), e.toString());
        upstream.reset();
        response.reset();
      }
    });
  }
}
