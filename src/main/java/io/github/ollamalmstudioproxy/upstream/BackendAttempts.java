package io.github.ollamalmstudioproxy.upstream;

import io.github.ollamalmstudioproxy.backend.BackendHttpError;
import io.github.ollamalmstudioproxy.catalog.ResolvedModel;
import io.github.ollamalmstudioproxy.metrics.ProxyMetrics;
import io.github.ollamalmstudioproxy.translate.BackendError;
import io.github.ollamalmstudioproxy.translate.BackendErrors;
import io.github.ollamalmstudioproxy.translate.ErrorClass;
import io.vertx.core.Future;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a backend call with LM Studio's rough edges absorbed: "No models loaded" loads the model and replays the
 * request, a transient engine failure replays it once, and everything else becomes the Ollama error a client
 * expects, with the backend's own reason. Replays happen only before any byte went to the client, which holds by
 * construction: the calls retried here fail before their response starts.
 */
final class BackendAttempts {
  private static final Logger log = LoggerFactory.getLogger(BackendAttempts.class);

  private final RetryPolicy policy;
  private final ModelLoads loads;
  private final ProxyMetrics metrics;

  BackendAttempts(RetryPolicy policy, ModelLoads loads, ProxyMetrics metrics) {
    this.policy = policy;
    this.loads = loads;
    this.metrics = metrics;
  }

  /** Runs {@code call}, replaying it as the policy decides. */
  <T> Future<Sent<T>> run(Caller caller, ResolvedModel model, Supplier<Future<T>> call) {
    return attempt(caller, model, call, new Tally(0, 0));
  }

  private record Tally(int retries, int transientRetries) {}

  private <T> Future<Sent<T>> attempt(Caller caller, ResolvedModel model, Supplier<Future<T>> call, Tally tally) {
    long sentNanos = System.nanoTime();
    return call.get().map(value -> new Sent<>(value, sentNanos)).recover(failure -> {
      if (!(failure instanceof BackendHttpError answer) || caller.cancelled()) {
        return Future.failedFuture(failure);
      }
      BackendError error = BackendErrors.classify(answer.status(), answer.body());
      metrics.backendError(error.kind().name());
      RetryDecision decision = policy.decide(error.kind(), tally.retries(), tally.transientRetries());
      if (!decision.retry()) {
        return Future.failedFuture(error.toOllamaError(caller.model()));
      }
      log.info("{} backend said '{}': {}; replaying (retry {})", caller.id(), abbreviate(error.message()),
          decision.reason(), tally.retries() + 1);
      Future<Long> wait = decision.loadFirst()
          ? loads.awaitLoaded(model, caller)
          : loads.pause(decision.delay().toMillis(), caller).map(v -> 0L);
      int transientRetries = tally.transientRetries() + (error.kind() == ErrorClass.RETRY_ONCE ? 1 : 0);
      return wait.compose(waited -> attempt(caller, model, call, new Tally(tally.retries() + 1, transientRetries)));
    });
  }

  private static String abbreviate(String message) {
    return message.length() > 160 ? message.substring(0, 160) + "…" : message;
  }
}
