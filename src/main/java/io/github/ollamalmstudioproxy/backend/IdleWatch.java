package io.github.ollamalmstudioproxy.backend;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * Fires once when a streaming response makes no progress for longer than the idle timeout: no data, or for event
 * streams no complete event (see {@link BodyPump.Progress}).
 *
 * <p>One timer per stream, re-armed only when it fires early: a chunk costs one field write, not a timer reset, which
 * keeps the per-token path cheap with a thousand concurrent streams. Used on the stream's event loop only.
 */
public final class IdleWatch {
  /** A stream that went silent past the idle timeout; its message is the proxy's own words. */
  public static final class Silence extends TimeoutException {
    Silence(String message) {
      super(message);
    }
  }

  private final Vertx vertx;
  private final long idleNanos;
  private final Runnable onIdle;
  private final String awaited;
  private long lastNanos;
  private long timer;
  private boolean stopped;
  private boolean held;

  IdleWatch(Vertx vertx, Duration idle, Runnable onIdle) {
    this(vertx, idle, "data", onIdle);
  }

  /** @param awaited what progress is, for the timeout's message ("data", "complete event") */
  IdleWatch(Vertx vertx, Duration idle, String awaited, Runnable onIdle) {
    this.awaited = awaited;
    this.vertx = vertx;
    this.idleNanos = idle.toNanos();
    this.onIdle = onIdle;
    this.lastNanos = System.nanoTime();
    this.timer = vertx.setTimer(Math.max(1, idle.toMillis()), t -> check());
  }

  /** Progress: data arrived, or (for event streams) an event completed. */
  public void touch() {
    lastNanos = System.nanoTime();
  }

  /**
   * The reader paused the stream because its client reads slowly: silence from now on is not the backend's, so the
   * watch does not fire until {@link #release}.
   */
  public void hold() {
    held = true;
  }

  /** Reading resumed: the backend's silence counts again, from now. */
  public void release() {
    held = false;
    lastNanos = System.nanoTime();
  }

  public void stop() {
    stopped = true;
    vertx.cancelTimer(timer);
  }

  /** The exception a silent stream ends with, so callers map it like any other timeout. */
  public TimeoutException timeout() {
    return new Silence("no " + awaited + " from the backend for " + idleNanos / 1_000_000 + " ms (--idle-timeout)");
  }

  private void check() {
    if (stopped) {
      return;
    }
    long silent = held ? 0 : System.nanoTime() - lastNanos;
    if (silent >= idleNanos) {
      stopped = true;
      onIdle.run();
    } else {
      timer = vertx.setTimer(Math.max(1, (idleNanos - silent) / 1_000_000), t -> check());
    }
  }
}
