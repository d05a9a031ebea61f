package io.github.ollamalmstudioproxy.server;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The heap that the request bodies being handled may take, all together ({@code --max-body-memory}). Handling a body
 * takes several times its size at once (the bytes, the JSON tree, the request built for the backend), so each is
 * charged {@link #COPIES} times its size: before a byte of it is read when its length is declared, chunk by chunk
 * otherwise. The charge is given back when the request ends. A body that does not fit now is refused with Ollama's
 * 503, so concurrent large bodies are served one after another instead of exhausting the heap together.
 */
final class BodyBudget {
  /**
   * How many times its size one body takes of the heap at its peak: while a large string (an image) is parsed, the
   * bytes (1), Jackson's characters (2, at two bytes each), the builder and the string they become (1 + 1), and
   * room for the collector. Measured with one image at a time and the serial collector: the smallest -Xmx that
   * serves a body of B bytes is about 20 MB + 5.5 B (16 MB: 110 MB; 42 MB: 250 MB).
   */
  static final int COPIES = 6;

  private final long max;
  private final AtomicLong held = new AtomicLong();

  BodyBudget(long max) {
    if (max < 1) {
      throw new IllegalArgumentException("a budget must be positive: " + max);
    }
    this.max = max;
  }

  /** The heap a body of {@code bytes} is charged. */
  static long cost(long bytes) {
    return bytes > Long.MAX_VALUE / COPIES ? Long.MAX_VALUE : bytes * COPIES;
  }

  /** Whether a body of {@code bytes} could fit at all, with nothing else held. */
  boolean couldFit(long bytes) {
    return cost(bytes) <= max;
  }

  /** Takes {@code cost} of the budget if it fits now. */
  boolean tryTake(long cost) {
    while (true) {
      long now = held.get();
      if (cost > max - now) {
        return false;
      }
      if (held.compareAndSet(now, now + cost)) {
        return true;
      }
    }
  }

  void release(long cost) {
    held.addAndGet(-cost);
  }

  long held() {
    return held.get();
  }

  long max() {
    return max;
  }
}
