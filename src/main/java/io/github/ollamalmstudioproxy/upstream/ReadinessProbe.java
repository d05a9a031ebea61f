package io.github.ollamalmstudioproxy.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ollamalmstudioproxy.backend.BackendClient;
import io.github.ollamalmstudioproxy.backend.TransportFailures;
import io.github.ollamalmstudioproxy.ollama.Json;
import io.vertx.core.Future;
import java.io.IOException;

/**
 * Asks the backend whether it can serve: {@code GET /v1/models} must answer 200 with a model list.
 *
 * <p>The status alone proves nothing: LM Studio answers unknown routes with HTTP 200 and an {@code error} body, so
 * the body is checked for a {@code data} array and the absence of {@code error}. {@code /v1/models} is the one
 * route every OpenAI-compatible server has, so the probe works for llama-server and vLLM too.
 */
final class ReadinessProbe {
  private static final String PATH = "/v1/models";

  /** Why the backend cannot serve, in words for {@code /readyz}. */
  static final class NotReady extends RuntimeException {
    NotReady(String reason) {
      super(reason, null, false, false);
    }
  }

  private final BackendClient backend;
  private final TransportFailures failures;

  ReadinessProbe(BackendClient backend, TransportFailures failures) {
    this.backend = backend;
    this.failures = failures;
  }

  /** Succeeds when the backend is ready; fails with a {@link NotReady} that says what is wrong. */
  Future<Void> check() {
    return backend.get(PATH, CatalogService.modelListLimit(PATH))
        .map(reply -> {
          if (reply.status() != 200) {
            throw new NotReady("backend answered HTTP " + reply.status() + " on /v1/models");
          }
          checkBody(reply.body().toString());
          return (Void) null;
        })
        .recover(e -> Future.failedFuture(e instanceof NotReady ? e : new NotReady(failures.message(e))));
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
