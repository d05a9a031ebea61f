package io.github.ollamalmstudioproxy.backend;

import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;

/**
 * A backend response that is streaming: status 2xx with an event-stream body, paused until the caller sets its
 * handlers and resumes it.
 *
 * @param sentNanos {@link System#nanoTime()} when the request went out (prompt evaluation is timed from here)
 */
public record UpstreamStream(HttpClientRequest request, HttpClientResponse response, long sentNanos) {
  /** Stops the backend at once (never drains it): a drained stream keeps the model generating for nobody. */
  public void abort() {
    request.reset();
  }
}
