package io.github.ollamalmstudioproxy.server;

import io.github.ollamalmstudioproxy.metrics.ProxyMetrics;
import io.github.ollamalmstudioproxy.server.ResponseState.Phase;
import io.github.ollamalmstudioproxy.translate.LoadProgressLines;
import io.github.ollamalmstudioproxy.upstream.LoadListener;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;

/**
 * Tells a streaming Ollama client that its model is loading ({@code --load-progress}): a line when the wait begins,
 * one every interval, and one when the model is loaded, after which the answer's own lines follow. The first line
 * starts the stream (status 200 and headers), so a failure after it is an {@code {"error"}} line, as after any first
 * byte. Load callbacks come from the backend's threads and ticks from a timer, hence the lock.
 */
final class LoadProgress implements LoadListener {
  private final RequestScope scope;
  private final ProxyMetrics metrics;
  private final LoadProgressLines lines;
  private final Duration interval;
  private final Vertx vertx;
  private boolean waiting;
  private long startedNanos;
  private long timer = -1;

  LoadProgress(RequestScope scope, ProxyMetrics metrics, LoadProgressLines lines, Duration interval) {
    this.scope = scope;
    this.metrics = metrics;
    this.lines = lines;
    this.interval = interval;
    this.vertx = scope.context().owner();
    // A client that hangs up stops the ticks at once, not at the next one.
    scope.onCancel(() -> ended(false));
  }

  @Override
  public synchronized void started() {
    if (waiting || gone()) {
      return;
    }
    waiting = true;
    startedNanos = System.nanoTime();
    write(lines.started());
    timer = vertx.setPeriodic(Math.max(1, interval.toMillis()), t -> tick());
  }

  @Override
  public synchronized void ended(boolean loaded) {
    if (!waiting) {
      return;
    }
    waiting = false;
    vertx.cancelTimer(timer);
    if (loaded && !gone()) {
      write(lines.loaded(waited()));
    }
  }

  private synchronized void tick() {
    if (waiting && !gone()) {
      write(lines.waiting(waited()));
    }
  }

  private Duration waited() {
    return Duration.ofNanos(System.nanoTime() - startedNanos);
  }

  /** Nothing more may be written: the client left, or the answer is over. */
  private boolean gone() {
    return scope.cancelled() || scope.response().closed() || scope.state().phase() == Phase.ENDED;
  }

  private void write(byte[] line) {
    if (scope.state().notStarted()) {
      LineResponse.open(scope, metrics, AnswerFormat.OLLAMA.streamContentType());
    }
    scope.response().write(Buffer.buffer(line));
  }
}
