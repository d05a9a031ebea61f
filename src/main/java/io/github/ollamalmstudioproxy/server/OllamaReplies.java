package io.github.ollamalmstudioproxy.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.ollamalmstudioproxy.api.OllamaError;
import io.github.ollamalmstudioproxy.backend.BackendHttpError;
import io.github.ollamalmstudioproxy.backend.ClientGoneException;
import io.github.ollamalmstudioproxy.translate.BackendErrors;
import io.vertx.core.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Answers on Ollama routes: a JSON body, or any failure as Ollama's {@code {"error":"..."}} with its status. */
final class OllamaReplies {
  private static final Logger log = LoggerFactory.getLogger(OllamaReplies.class);

  private final ObjectMapper json;
  private final BackendFailures failures;

  OllamaReplies(ObjectMapper json, BackendFailures failures) {
    this.json = json;
    this.failures = failures;
  }

  void json(RequestScope scope, Object body) {
    if (scope.cancelled()) {
      return;
    }
    try {
      BasicRoutes.send(scope, 200, "application/json; charset=utf-8", json.writeValueAsString(body));
    } catch (JsonProcessingException e) {
      fail(scope, e);
    }
  }

  void json(RequestScope scope, Buffer body) {
    if (scope.cancelled() || scope.response().ended()) {
      return;
    }
    var response = scope.response().putHeader("Content-Type", "application/json; charset=utf-8");
    if (scope.request().method() == io.vertx.core.http.HttpMethod.HEAD) {
      response.putHeader("Content-Length", Integer.toString(body.length())).end();
    } else {
      response.end(body);
    }
  }

  /** Any failure before the first byte: the status and message a client of Ollama would get. */
  void fail(RequestScope scope, Throwable cause) {
    if (scope.cancelled() || cause instanceof ClientGoneException) {
      return;
    }
    if (cause instanceof OllamaError e) {
      log.info("{} {} {}: {}", scope.id(), scope.request().path(), e.status(), e.getMessage());
      ErrorResponses.ollama(scope.response(), e.status(), e.getMessage());
    } else if (cause instanceof BackendHttpError e) {
      OllamaError mapped = BackendErrors.toOllamaError(e.status(), e.body());
      log.info("{} backend answered {} -> {}: {}", scope.id(), e.status(), mapped.status(), mapped.getMessage());
      ErrorResponses.ollama(scope.response(), mapped.status(), mapped.getMessage());
    } else if (cause instanceof RuntimeException && !(cause instanceof io.vertx.core.VertxException)
        && !(cause instanceof io.vertx.core.http.HttpClosedException)) {
      log.error("{} unexpected failure", scope.id(), cause);
      ErrorResponses.ollama(scope.response(), 500, "internal error: " + cause);
    } else {
      failures.beforeResponse(scope, cause, ErrorResponses::ollama);
    }
  }
}
