package io.github.ollamalmstudioproxy.backend;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.streams.WriteStream;

/**
 * A backend response that is streaming: status 2xx with an event-stream body, paused until {@link #pump} starts
 * reading it.
 */
public final class UpstreamStream {
  private final BackendClient backend;
  private final HttpClientRequest request;
  private final HttpClientResponse response;
  private final long sentNanos;

  UpstreamStream(BackendClient backend, HttpClientRequest request, HttpClientResponse response, long sentNanos) {
    this.backend = backend;
    this.request = request;
    this.response = response;
    this.sentNanos = sentNanos;
  }

  /** {@link System#nanoTime()} when the request went out (prompt evaluation is timed from here). */
  public long sentNanos() {
    return sentNanos;
  }

  /**
   * A pump of the body into {@code sink}, with back-pressure from {@code client}; {@link BodyPump#start} starts it.
   * The body is an event stream, so the idle timeout counts complete events: the sink reports each one with
   * {@link BodyPump#progressed} ({@link BodyPump.Progress#REPORTED}).
   */
  public BodyPump pump(WriteStream<Buffer> client, CancelSignal cancel, BodyPump.Sink sink) {
    return backend.pump(request, response, client, cancel, sink, BodyPump.Progress.REPORTED);
  }

  /** Stops the backend at once (never drains it): a drained stream keeps the model generating for nobody. */
  public void abort() {
    request.reset();
  }
}
