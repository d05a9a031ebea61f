package io.github.ollamalmstudioproxy.upstream;

import java.time.Duration;

/**
 * When a request stops waiting for its model to load: {@code --load-timeout} after its first wait began, whatever
 * happens after. A request can wait more than once (the load before its first attempt, then again when the backend
 * answers "No models loaded" because the model dropped out in between); every wait ends at the same instant, so the
 * whole request never waits longer than the limit the README promises.
 */
public final class LoadDeadline {
  private long atNanos;
  private boolean fixed;

  /** The deadline, fixed by the first call at {@code nowNanos + budget}; later calls return the same instant. */
  synchronized long fix(long nowNanos, Duration budget) {
    if (!fixed) {
      atNanos = nowNanos + budget.toNanos();
      fixed = true;
    }
    return atNanos;
  }
}
