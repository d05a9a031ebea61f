package io.github.ollamalmstudioproxy.backend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import java.io.IOException;

/**
 * Asks the backend whether it can serve: {@code GET /v1/models} must answer 200 with a model list.
 *
 * <p>The status alone proves nothing: LM Studio answers unknown routes with HTTP 200 and an {@code error} body, so
 * the body is checked for a {@code data} array and the absence of {@code error}. {@code /v1/models} is the one
 * route every OpenAI-compatible server has, so the probe works for llama-server and vLLM too.
 */
public final class ReadinessProbe {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final BackendClient backend;

  public ReadinessProbe(BackendClient backend) {
    this.backend = backend;
  }

  /** Succeeds when the backend is ready; fails with a message that says what is wrong. */
  public Future<Void> check() {
    return backend.open(HttpMethod.GET, "/v1/models", null)
        .compose(request -> request.send())
        .compose(response -> response.body().map(body -> {
          if (response.statusCode() != 200) {
            throw new IllegalStateException("backend answered HTTP " + response.statusCode() + " on /v1/models");
          }
          checkBody(body.toString());
          return null;
        }));
  }

  static void checkBody(String body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      throw new IllegalStateException("backend answered /v1/models with a body that is not JSON");
    }
    if (root == null || !root.isObject() || root.has("error") || !root.path("data").isArray()) {
      throw new IllegalStateException("backend answered /v1/models without a model list: "
          + abbreviate(body));
    }
  }

  private static String abbreviate(String body) {
    return body.length() > 200 ? body.substring(0, 200) + "…" : body;
  }
}
