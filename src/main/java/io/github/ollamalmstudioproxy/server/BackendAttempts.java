package io.github.ollamalmstudioproxy.server;

import io.github.ollamalmstudioproxy.api.OllamaError;
import io.github.ollamalmstudioproxy.backend.BackendHttpError;
import io.github.ollamalmstudioproxy.backend.ErrorClass;
import io.github.ollamalmstudioproxy.backend.ErrorClassifier;
import io.github.ollamalmstudioproxy.backend.RetryDecision;
import io.github.ollamalmstudioproxy.backend.RetryPolicy;
import io.github.ollamalmstudioproxy.catalog.ResolvedModel;
import io.github.ollamalmstudioproxy.metrics.ProxyMetrics;
import io.github.ollamalmstudioproxy.translate.BackendErrors;
import io.vertx.core.Future;
import java.time.Duration;
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

  /** A successful call and the time spent waiting for model loads on the way. */
  record Outcome<T>(T value, long loadNanos) {}

  private final RetryPolicy policy;
  private final ModelLoads loads;
  private final Duration loadTimeout;
  private final ProxyMetrics metrics;

  BackendAttempts(RetryPolicy policy, ModelLoads loads, Duration loadTimeout, ProxyMetrics metrics) {
    this.policy = policy;
    this.loads = loads;
    this.loadTimeout = loadTimeout;
    this.metrics = metrics;
  }

  <T> Future<Outcome<T>> run(RequestScope scope, ResolvedModel model, long loadNanosSoFar, Supplier<Future<T>> call) {
    long deadline = System.nanoTime() + loadTimeout.toNanos();
    return attempt(scope, model, call, new Tally(loadNanosSoFar, 0, 0), deadline);
  }

  private record Tally(long loadNanos, int retries, int transientRetries) {}

  private <T> Future<Outcome<T>> attempt(RequestScope scope, ResolvedModel model, Supplier<Future<T>> call,
      Tally tally, long deadline) {
    return call.get().map(value -> new Outcome<>(value, tally.loadNanos())).recover(failure -> {
      if (!(failure instanceof BackendHttpError error) || scope.cancelled()) {
        return Future.failedFuture(failure);
      }
      String message = BackendErrors.message(error.body());
      ErrorClass errorClass = ErrorClassifier.classify(error.status(), message, error.body());
      metrics.backendError(errorClass.name());
      RetryDecision decision = policy.decide(errorClass, tally.retries(), tally.transientRetries());
      if (!decision.retry()) {
        return Future.failedFuture(toOllama(errorClass, error, message, scope));
      }
      log.info("{} backend said '{}': {}; replaying (retry {})", scope.id(), abbreviate(message), decision.reason(),
          tally.retries() + 1);
      Future<Long> wait = decision.loadFirst()
          ? loads.awaitLoaded(model, scope, deadline)
          : loads.pause(decision.delay().toMillis(), scope).map(v -> 0L);
      int transientRetries = tally.transientRetries() + (errorClass == ErrorClass.RETRY_ONCE ? 1 : 0);
      return wait.compose(waited -> attempt(scope, model, call,
          new Tally(tally.loadNanos() + (decision.loadFirst() ? waited : 0), tally.retries() + 1, transientRetries),
          deadline));
    });
  }

  private static OllamaError toOllama(ErrorClass errorClass, BackendHttpError error, String message,
      RequestScope scope) {
    return switch (errorClass) {
      case MODEL_NOT_FOUND -> OllamaError.modelNotFound(scope.model() == null ? "" : scope.model());
      case INVALID_REQUEST -> OllamaError.badRequest(message);
      default -> BackendErrors.toOllamaError(error.status(), error.body());
    };
  }

  private static String abbreviate(String message) {
    return message.length() > 160 ? message.substring(0, 160) + "…" : message;
  }
}
