package io.github.ollamalmstudioproxy.server;

import io.github.ollamalmstudioproxy.metrics.ProxyMetrics;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;

/**
 * Writes NDJSON lines to the client as they are produced: one write per line, so each line leaves at once.
 *
 * <p>Headers go out with the first line, not before, so that an error known before any output can still be answered
 * with its proper status (see {@link Replies#error}). Back-pressure is the body pump's job: it pauses the backend
 * while this response's write queue is full.
 */
final class LineResponse {
  private final RequestScope scope;
  private final HttpServerResponse response;
  private final ProxyMetrics metrics;
  private final String contentType;
  private long lastWriteNanos;
  private boolean answering;

  /** @param contentType {@code application/x-ndjson} for Ollama, {@code text/event-stream} for SSE APIs */
  LineResponse(RequestScope scope, ProxyMetrics metrics, String contentType) {
    this.scope = scope;
    this.response = scope.response();
    this.metrics = metrics;
    this.contentType = contentType;
  }

  void write(byte[] line) {
    if (scope.cancelled() || response.closed()) {
      return;
    }
    long now = System.nanoTime();
    if (!answering) {
      answering = true;
      // The stream may have begun with load progress lines; those are not tokens.
      if (scope.state().notStarted()) {
        open(scope, metrics, contentType);
      }
      // Every line is a token or the end: from here the client watches the answer grow, and --request-timeout is off.
      scope.tokensFlowing();
      metrics.timeToFirstToken(now - scope.startNanos());
    } else {
      metrics.interTokenGap(now - lastWriteNanos);
    }
    lastWriteNanos = now;
    response.write(Buffer.buffer(line));
  }

  /** Sends the status and headers of a stream whose lines follow. */
  static void open(RequestScope scope, ProxyMetrics metrics, String contentType) {
    scope.state().streaming();
    scope.response().setStatusCode(200).setChunked(true).putHeader(HttpHeaders.CONTENT_TYPE, contentType);
    metrics.streamStarted();
  }

  /** Ends the stream after its final line; with {@code last}, that line first (a failure after the first byte). */
  void end(byte[] last) {
    if (!scope.cancelled() && !response.closed()) {
      scope.state().ended();
      response.end(Buffer.buffer(last));
    }
  }

  /** Ends the stream after its final line. */
  void end() {
    if (!scope.cancelled() && !response.closed()) {
      scope.state().ended();
      response.end();
    }
  }
}
