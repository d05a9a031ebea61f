package io.github.ollamalmstudioproxy.upstream;

import io.github.ollamalmstudioproxy.translate.ErrorClass;
import java.time.Duration;

/**
 * The bounded retry rules: load-then-replay for a model that is not loaded, at most {@code maxRetries} times; one
 * replay after a short pause for a transient engine failure; nothing else is retried (a request that is wrong stays
 * wrong, and an unknown model stays unknown).
 */
public final class RetryPolicy {
  /** Long enough for a crashed engine to be restarted by LM Studio, short enough to go unnoticed in a chat. */
  static final Duration TRANSIENT_PAUSE = Duration.ofMillis(500);

  private final int maxRetries;

  public RetryPolicy(int maxRetries) {
    this.maxRetries = maxRetries;
  }

  /**
   * @param retriesSoFar replays already made for this request
   * @param transientRetriesSoFar how many of those were for {@link ErrorClass#RETRY_ONCE}
   */
  public RetryDecision decide(ErrorClass errorClass, int retriesSoFar, int transientRetriesSoFar) {
    if (retriesSoFar >= maxRetries) {
      return RetryDecision.stop("retries exhausted (" + maxRetries + ")");
    }
    return switch (errorClass) {
      case RETRY_AFTER_LOAD -> RetryDecision.afterLoad();
      case RETRY_ONCE -> transientRetriesSoFar == 0
          ? RetryDecision.after(TRANSIENT_PAUSE, "transient engine failure")
          : RetryDecision.stop("transient failure repeated");
      case MODEL_NOT_FOUND, INVALID_REQUEST, OTHER -> RetryDecision.stop("not retryable: " + errorClass);
    };
  }
}
