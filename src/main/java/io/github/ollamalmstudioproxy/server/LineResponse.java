package io.github.ollamalmstudioproxy.server;

import io.github.ollamalmstudioproxy.backend.Buffers;
import io.github.ollamalmstudioproxy.metrics.ProxyMetrics;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;

/**
 * Writes NDJSON lines to the client as they are produced: one write per line, so each line leaves at once. A line
 * is handed to Vert.x as it is (wrapped, not copied: the translator's array belongs to the caller).
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
    if (starting(line)) {
      response.write(Buffers.wrap(line));
    }
  }

  /**
   * Writes the stream's final line and ends it in one write: the line and the chunked body's terminator leave
   * together, one system call and one flush where {@link #write} then {@link #end()} took two.
   */
  void writeLastAndEnd(byte[] line) {
    if (starting(line)) {
      scope.state().ended();
      response.end(Buffers.wrap(line));
    }
  }

  /** The bookkeeping of a line about to go out; false when nobody is left to read it. */
  private boolean starting(byte[] line) {
    if (scope.cancelled() || response.closed()) {
      return false;
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
    return true;
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
      response.end(Buffers.wrap(last));
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
