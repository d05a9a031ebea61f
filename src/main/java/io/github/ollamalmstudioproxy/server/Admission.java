package io.github.ollamalmstudioproxy.server;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A cap on the requests the backend has in flight (the routes registered with {@link Routes.Trait#BACKEND}). Past it
 * a client gets Ollama's own 503 at once instead of queueing without bound behind a backend that is already
 * saturated.
 */
final class Admission {
  /** Ollama's text, two spaces included: clients that match on it keep working. */
  static final String BUSY = "server busy, please try again.  maximum pending requests exceeded";

  private final int max;
  private final AtomicInteger inFlight = new AtomicInteger();

  Admission(int max) {
    this.max = max;
  }

  boolean tryAcquire() {
    while (true) {
      int now = inFlight.get();
      if (now >= max) {
        return false;
      }
      if (inFlight.compareAndSet(now, now + 1)) {
        return true;
      }
    }
  }

  void release() {
    inFlight.decrementAndGet();
  }

  int inFlight() {
    return inFlight.get();
  }
}
