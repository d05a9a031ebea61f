package io.github.ollamalmstudioproxy.server;

import io.github.ollamalmstudioproxy.backend.ReadinessProbe;
import io.vertx.core.http.HttpHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The handshake routes clients call before anything else, and the health routes for supervisors. */
final class BasicRoutes {
  private static final Logger log = LoggerFactory.getLogger(BasicRoutes.class);

  private final String versionBody;
  private final ReadinessProbe probe;
  private final BackendFailures failures;

  BasicRoutes(String ollamaVersion, ReadinessProbe probe, BackendFailures failures) {
    this.versionBody = "{\"version\":\"" + ollamaVersion + "\"}";
    this.probe = probe;
    this.failures = failures;
  }

  void register(Routes routes) {
    routes.get("/", this::root).open("/")
        .get("/api/version", this::version).open("/api/version")
        .get("/healthz", this::alive).open("/healthz")
        .get("/readyz", this::ready).open("/readyz");
  }

  /** n8n, Enchanted and scripts compare this exact text. */
  private void root(RequestScope scope) {
    send(scope, 200, "text/plain; charset=utf-8", "Ollama is running");
  }

  private void version(RequestScope scope) {
    json(scope, 200, versionBody);
  }

  private void alive(RequestScope scope) {
    json(scope, 200, "{\"status\":\"alive\"}");
  }

  private void ready(RequestScope scope) {
    probe.check().onComplete(result -> {
      if (scope.cancelled()) {
        return;
      }
      if (result.succeeded()) {
        json(scope, 200, "{\"status\":\"ready\"}");
      } else {
        Throwable cause = result.cause();
        String reason = cause instanceof IllegalStateException ? cause.getMessage() : failures.message(cause);
        log.info("{} not ready: {}", scope.id(), reason);
        ErrorResponses.ollama(scope.response(), 503, "not ready: " + reason);
      }
    });
  }

  static void json(RequestScope scope, int status, String body) {
    send(scope, status, "application/json; charset=utf-8", body);
  }

  /** Sends a complete body; a HEAD request gets the same headers, Content-Length included, and no body. */
  static void send(RequestScope scope, int status, String contentType, String body) {
    var response = scope.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, contentType);
    if (scope.request().method() == io.vertx.core.http.HttpMethod.HEAD) {
      byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      response.putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(bytes.length)).end();
    } else {
      response.end(body);
    }
  }
}
