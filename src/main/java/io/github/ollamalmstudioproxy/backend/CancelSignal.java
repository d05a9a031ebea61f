package io.github.ollamalmstudioproxy.backend;

import java.util.Map;

/**
 * The cancellation of the request a backend call serves, seen from the backend side: the server's request scope
 * implements it, so the backend layer can stop its waits and reset its requests without knowing HTTP server types.
 */
public interface CancelSignal {
  /** True once the client went away. */
  boolean cancelled();

  /** Runs {@code action} when the client goes away; at once if it already has. */
  void onCancel(Runnable action);

  /**
   * True when the cancellation is the client's own hang-up; false while nothing is cancelled, and when the proxy gave
   * up on the request itself (a deadline passed), so resets are counted as hang-ups only when they are.
   */
  default boolean hungUp() {
    return cancelled();
  }

  /**
   * The headers a backend of the gateway profile gets from this request ({@link GatewayHeaders}); none by default,
   * and a backend of any other profile never asks.
   */
  default Map<String, String> forwardedHeaders() {
    return Map.of();
  }

  /** A signal that never fires, for work no client waits on (catalog refreshes, probes). */
  CancelSignal NEVER = new CancelSignal() {
    @Override
    public boolean cancelled() {
      return false;
    }

    @Override
    public void onCancel(Runnable action) {}
  };
}
