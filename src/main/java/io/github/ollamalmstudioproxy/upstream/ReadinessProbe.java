package io.github.ollamalmstudioproxy.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ollamalmstudioproxy.backend.BackendClient;
import io.github.ollamalmstudioproxy.backend.TransportFailures;
import io.github.ollamalmstudioproxy.ollama.Json;
import io.vertx.core.Future;
import java.io.IOException;
import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the backend whether it can serve: {@code GET /v1/models} must answer 200 with a model list.
 *
 * <p>The status alone proves nothing: LM Studio answers unknown routes with HTTP 200 and an {@code error} body, so
 * the body is checked for a {@code data} array and the absence of {@code error}. {@code /v1/models} is the one
 * route every OpenAI-compatible server has, so the probe works for llama-server and vLLM too.
 *
 * <p>{@code /readyz} is public, so one client may call it in a loop: concurrent checks share one probe in flight,
 * and its result, good or bad, answers every check for {@link #CACHE_FOR} after it. The probe runs on the backend
 * client's metadata connections within their deadline ({@link BackendClient#getMetadata}), never on those inference
 * needs; a client that hangs up stops only its own wait.
 */
final class ReadinessProbe {
  private static final Logger log = LoggerFactory.getLogger(ReadinessProbe.class);
  /** How long one probe's result answers every readiness check. */
  static final Duration CACHE_FOR = Duration.ofSeconds(1);
  static final String PATH = "/v1/models";

  /** Why the backend cannot serve, in words for {@code /readyz}. */
  static final class NotReady extends RuntimeException {
    NotReady(String reason) {
      super(reason, null, false, false);
    }

    NotReady(String reason, Throwable cause) {
      super(reason, cause, false, false);
    }
  }

  private final Supplier<Future<BackendClient.Reply>> fetch;
  private final TransportFailures failures;
  private final LongSupplier nanoTime;
  private Future<Void> inFlight;
  private Future<Void> last;
  private long lastNanos;

  ReadinessProbe(BackendClient backend, TransportFailures failures) {
    this(() -> backend.getMetadata(PATH, CatalogService.modelListLimit(PATH)), failures, System::nanoTime);
  }

  /** @param fetch GETs {@code /v1/models}; @param nanoTime {@code System::nanoTime} in production */
  ReadinessProbe(Supplier<Future<BackendClient.Reply>> fetch, TransportFailures failures, LongSupplier nanoTime) {
    this.fetch = fetch;
    this.failures = failures;
    this.nanoTime = nanoTime;
  }

  /**
   * Succeeds when the backend is ready; fails with a {@link NotReady} that says what is wrong. The future is shared
   * with the other checks of the moment: it may complete on any thread.
   */
  synchronized Future<Void> check() {
    if (last != null && nanoTime.getAsLong() - lastNanos < CACHE_FOR.toNanos()) {
      return last;
    }
    if (inFlight == null) {
      Future<Void> probe = probe();
      inFlight = probe;
      probe.onComplete(result -> settled(probe));
    }
    return inFlight == null ? last : inFlight;
  }

  private synchronized void settled(Future<Void> probe) {
    if (probe.failed()) {
      Throwable underneath = probe.cause().getCause();
      log.info("backend not ready: {}{}", probe.cause().getMessage(),
          underneath == null ? "" : " (" + underneath + ")");
    }
    if (inFlight == probe) {
      inFlight = null;
    }
    last = probe;
    lastNanos = nanoTime.getAsLong();
  }

  private Future<Void> probe() {
    Future<BackendClient.Reply> fetched;
    try {
      fetched = fetch.get();
    } catch (RuntimeException e) {
      fetched = Future.failedFuture(e);
    }
    return fetched.map(answer -> {
      if (answer.status() != 200) {
        throw new NotReady("backend answered HTTP " + answer.status() + " on /v1/models");
      }
      checkBody(answer.body().toString());
      return (Void) null;
    }).recover(e -> Future.failedFuture(e instanceof NotReady ? e : new NotReady(failures.message(e), e)));
  }

  static void checkBody(String body) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(body);
    } catch (IOException e) {
      throw new NotReady("backend answered /v1/models with a body that is not JSON");
    }
    if (root == null || !root.isObject() || root.has("error") || !root.path("data").isArray()) {
      throw new NotReady("backend answered /v1/models without a model list: " + abbreviate(body));
    }
  }

  private static String abbreviate(String body) {
    return body.length() > 200 ? body.substring(0, 200) + "…" : body;
  }
}
