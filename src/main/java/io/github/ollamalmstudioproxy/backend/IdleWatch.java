package io.github.ollamalmstudioproxy.backend;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientRequest;
import java.util.concurrent.TimeoutException;

/**
 * The between-chunks timeout of one backend response: resets the request when no data came for the idle timeout,
 * and stops for good when the response ends.
 *
 * <p>Why not {@link HttpClientRequest#idleTimeout(long)}: once the response has started, Vert.x (5.0.7) offers no way to
 * cancel that timer, and each armed timer keeps its finished request, response and handlers reachable until it fires.
 * With the 5 min default the proxy held every backend exchange of the last five minutes; the side-by-side benchmark
 * ran a 256 MB heap out of memory after about 130,000 requests. This watch re-arms itself only while the response is
 * open, and {@link #touch()} costs one field write per chunk.
 *
 * <p>All methods run on the request's event loop.
 */
public final class IdleWatch {
  private final Vertx vertx;
  private final HttpClientRequest request;
  private final long timeoutMillis;
  private long lastDataNanos = System.nanoTime();
  private long timerId;
  private boolean stopped;

  IdleWatch(Vertx vertx, HttpClientRequest request, long timeoutMillis) {
    this.vertx = vertx;
    this.request = request;
    this.timeoutMillis = timeoutMillis;
    this.timerId = vertx.setTimer(timeoutMillis, this::check);
  }

  /** Data arrived. */
  public void touch() {
    lastDataNanos = System.nanoTime();
  }

  /** The response ended or failed: no more timeouts, and nothing left that keeps it reachable. */
  public void stop() {
    if (!stopped) {
      stopped = true;
      vertx.cancelTimer(timerId);
    }
  }

  private void check(long id) {
    if (stopped) {
      return;
    }
    long idleMillis = (System.nanoTime() - lastDataNanos) / 1_000_000;
    if (idleMillis >= timeoutMillis) {
      stopped = true;
      request.reset(0, new TimeoutException("the backend sent no data for " + timeoutMillis + " ms"));
    } else {
      timerId = vertx.setTimer(Math.max(1, timeoutMillis - idleMillis), this::check);
    }
  }
}
