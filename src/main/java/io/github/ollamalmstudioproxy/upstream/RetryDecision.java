package io.github.ollamalmstudioproxy.upstream;

import java.time.Duration;

/**
 * Whether to replay a failed backend request, and how: a value, so the loop that acts on it stays trivial and the
 * policy is tested without a network.
 *
 * @param retry replay the request
 * @param loadFirst make sure the model is loaded before replaying
 * @param delay wait this long first (only when not loading: a load is awaited by polling instead)
 */
public record RetryDecision(boolean retry, boolean loadFirst, Duration delay, String reason) {
  public static RetryDecision stop(String reason) {
    return new RetryDecision(false, false, Duration.ZERO, reason);
  }

  public static RetryDecision afterLoad() {
    return new RetryDecision(true, true, Duration.ZERO, "the model is not loaded");
  }

  public static RetryDecision after(Duration delay, String reason) {
    return new RetryDecision(true, false, delay, reason);
  }
}
