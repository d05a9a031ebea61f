package io.github.ollamalmstudioproxy.server;

import io.github.ollamalmstudioproxy.metrics.ProxyMetrics;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;

/**
 * Writes NDJSON lines to the client as they are produced: one write per line, so each line leaves at once.
 *
 * <p>Headers go out with the first line, not before, so that an error known before any output can still be answered
 * with its proper status. When the client reads slower than the backend writes, the backend stream is paused until
 * the client catches up, so nothing piles up in memory.
 */
final class NdjsonResponse {
  private static final byte[] ERROR_PREFIX = "{\"error\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private final RequestScope scope;
  private final HttpServerResponse response;
  private final HttpClientResponse upstream;
  private final ProxyMetrics metrics;
  private long lastWriteNanos;
  private boolean started;

  NdjsonResponse(RequestScope scope, HttpClientResponse upstream, ProxyMetrics metrics) {
    this.scope = scope;
    this.response = scope.response();
    this.upstream = upstream;
    this.metrics = metrics;
  }

  /** True once the first line went out: from then on errors can only be reported as a line. */
  boolean started() {
    return started;
  }

  /** True if {@code line} is an {@code {"error":...}} line rather than output. */
  static boolean isError(byte[] line) {
    return java.util.Arrays.equals(line, 0, ERROR_PREFIX.length, ERROR_PREFIX, 0, ERROR_PREFIX.length);
  }

  void write(byte[] line) {
    if (scope.cancelled() || response.ended() || response.closed()) {
      return;
    }
    long now = System.nanoTime();
    if (!started) {
      started = true;
      response.setStatusCode(200).setChunked(true)
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/x-ndjson");
      metrics.streamStarted();
      metrics.timeToFirstToken(now - scope.startNanos());
    } else {
      metrics.interTokenGap(now - lastWriteNanos);
    }
    lastWriteNanos = now;
    response.write(Buffer.buffer(line));
    if (response.writeQueueFull()) {
      upstream.pause();
      response.drainHandler(v -> upstream.resume());
    }
  }

  /** Ends the response once the last line was written. */
  void end() {
    if (started) {
      metrics.streamEnded();
    }
    if (!response.ended() && !response.closed()) {
      response.end();
    }
  }
}
