package io.github.ollamalmstudioproxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ollamalmstudioproxy.support.ProxyHarness;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class ServerBasicsIT {
  @Test
  void rootAndVersionAnswerLikeOllama() {
    try (ProxyHarness harness = ProxyHarness.start()) {
      HttpResponse<String> root = harness.get("/");
      assertThat(root.statusCode()).isEqualTo(200);
      assertThat(root.body()).isEqualTo("Ollama is running");
      assertThat(root.headers().firstValue("content-type")).hasValue("text/plain; charset=utf-8");

      HttpResponse<String> head = harness.send(HttpRequest.newBuilder(harness.url("/"))
          .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
      assertThat(head.statusCode()).isEqualTo(200);
      assertThat(head.body()).isEmpty();

      HttpResponse<String> version = harness.get("/api/version");
      assertThat(version.body()).matches("\\{\"version\":\"\\d+\\.\\d+\\.\\d+\"}");
      assertThat(version.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
    }
  }

  @Test
  void everyResponseCarriesARequestIdAndKeepsASaneIncomingOne() {
    try (ProxyHarness harness = ProxyHarness.start()) {
      assertThat(harness.get("/").headers().firstValue("x-request-id")).hasValueSatisfying(id ->
          assertThat(id).matches("[0-9a-f]{16}"));
      HttpResponse<String> echoed = harness.send(HttpRequest.newBuilder(harness.url("/api/version"))
          .header("X-Request-Id", "abc-123").build());
      assertThat(echoed.headers().firstValue("x-request-id")).hasValue("abc-123");
    }
  }

  /**
   * The router's own answers, as Ollama's gin router gives them
   * ({@code ollama/ollama@v0.33.0-rc2:server/routes.go:1870} sets {@code HandleMethodNotAllowed}; gin v1.10.0 {@code gin.go:648-670} answers with {@code serveError}, which
   * writes {@code text/plain} and the bare text, and lists in {@code Allow} the methods whose trees hold the path, in
   * the order Ollama first registered them: HEAD, GET, POST, DELETE).
   */
  @Test
  void unknownRoutesAre404AndWrongMethods405InPlainTextAsGinAnswers() {
    try (ProxyHarness harness = ProxyHarness.start()) {
      HttpResponse<String> unknown = harness.get("/api/nope");
      assertThat(unknown.statusCode()).isEqualTo(404);
      assertThat(unknown.headers().firstValue("content-type")).hasValue("text/plain");
      assertThat(unknown.body()).isEqualTo("404 page not found");

      HttpResponse<String> wrongMethod = harness.post("/api/version", "{}");
      assertThat(wrongMethod.statusCode()).isEqualTo(405);
      assertThat(wrongMethod.headers().firstValue("content-type")).hasValue("text/plain");
      assertThat(wrongMethod.body()).isEqualTo("405 method not allowed");
      assertThat(wrongMethod.headers().firstValue("allow")).hasValue("HEAD, GET");

      assertThat(harness.get("/api/chat").headers().firstValue("allow")).hasValue("POST");
      HttpResponse<String> delete = harness.send(HttpRequest.newBuilder(harness.url("/api/tags")).DELETE().build());
      assertThat(delete.statusCode()).isEqualTo(405);
      assertThat(delete.headers().firstValue("allow")).hasValue("HEAD, GET");
    }
  }

  /**
   * The VS Code Ollama extension and {@code ollama launch} ask these first. The proxy answers as a local Ollama
   * with its cloud off ({@code OLLAMA_NO_CLOUD}: {@code ollama/ollama@v0.33.0-rc2:server/routes.go:2146-2153},
   * {@code envconfig/config.go:450-465}) and recommends nothing it could not serve ({@code api/types.go:802}).
   */
  @Test
  void statusSaysCloudIsOffAndThereAreNoRecommendations() {
    try (ProxyHarness harness = ProxyHarness.start()) {
      HttpResponse<String> status = harness.get("/api/status");
      assertThat(status.statusCode()).isEqualTo(200);
      assertThat(status.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
      assertThat(status.body()).isEqualTo("{\"cloud\":{\"disabled\":true,\"source\":\"env\"}}");

      HttpResponse<String> recs = harness.get("/api/experimental/model-recommendations");
      assertThat(recs.statusCode()).isEqualTo(200);
      assertThat(recs.body()).isEqualTo("{\"recommendations\":[]}");

      HttpResponse<String> head = harness.send(HttpRequest.newBuilder(harness.url("/api/status"))
          .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
      assertThat(head.statusCode()).as("GET only, as Ollama registers it").isEqualTo(405);
      assertThat(head.headers().firstValue("allow")).hasValue("GET");
      assertThat(harness.simulator().log().all()).isEmpty();
    }
  }

  @Test
  void corsPreflightFollowsOllamaDefaultsPlusConfiguredOrigins() {
    try (ProxyHarness harness = ProxyHarness.start("--origins", "https://ui.example.org")) {
      HttpResponse<String> obsidian = preflight(harness, "app://obsidian.md");
      assertThat(obsidian.statusCode()).isEqualTo(204);
      assertThat(obsidian.headers().firstValue("access-control-allow-origin")).hasValue("app://obsidian.md");
      assertThat(obsidian.headers().firstValue("access-control-allow-headers")).hasValueSatisfying(h ->
          assertThat(h).contains("Authorization", "Content-Type", "x-stainless-lang"));

      assertThat(preflight(harness, "https://ui.example.org").statusCode()).isEqualTo(204);

      HttpResponse<String> evil = preflight(harness, "https://evil.example");
      assertThat(evil.statusCode()).isEqualTo(403);
      assertThat(evil.headers().firstValue("access-control-allow-origin")).isEmpty();

      HttpResponse<String> simple = harness.send(HttpRequest.newBuilder(harness.url("/api/version"))
          .header("Origin", "http://localhost:3000").build());
      assertThat(simple.headers().firstValue("access-control-allow-origin")).hasValue("http://localhost:3000");
    }
  }

  @Test
  void apiKeyGuardsEverythingButRootVersionAndHealth() {
    try (ProxyHarness harness = ProxyHarness.start("--api-key", "s3cret")) {
      assertThat(harness.get("/").statusCode()).isEqualTo(200);
      assertThat(harness.get("/api/version").statusCode()).isEqualTo(200);
      assertThat(harness.get("/healthz").statusCode()).isEqualTo(200);
      HttpResponse<String> refused = harness.get("/v1/models");
      assertThat(refused.statusCode()).isEqualTo(401);
      assertThat(refused.body()).isEqualTo("{\"error\":\"unauthorized\"}");
      assertThat(bearer(harness, "/v1/models", "Bearer wrong").statusCode()).isEqualTo(401);
      assertThat(bearer(harness, "/v1/models", "Bearer s3cret").statusCode()).isEqualTo(200);
      // The proxy's own key must not travel to the backend.
      assertThat(harness.simulator().log().byPath("/v1/models"))
          .allSatisfy(r -> assertThat(r.header("authorization")).isNull());
    }
  }

  @Test
  void theBearerSchemeMatchesInAnyCase() {
    try (ProxyHarness harness = ProxyHarness.start("--api-key", "s3cret")) {
      for (String accepted : List.of("bearer s3cret", "BEARER s3cret", "Bearer   s3cret", "bEaReR\ts3cret ")) {
        assertThat(bearer(harness, "/api/tags", accepted).statusCode()).as(accepted).isEqualTo(200);
      }
      for (String refused : List.of("Basic s3cret", "s3cret", "Bearers3cret", "Bearer s3cret2", "Bearer", "bearer ")) {
        assertThat(bearer(harness, "/api/tags", refused).statusCode()).as(refused).isEqualTo(401);
      }
    }
  }

  @Test
  void withoutApiKeyAnEmptyBearerIsTolerated() {
    try (ProxyHarness harness = ProxyHarness.start()) {
      assertThat(bearer(harness, "/v1/models", "Bearer ").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void readinessFollowsTheBackend() {
    try (ProxyHarness harness = ProxyHarness.start()) {
      assertThat(harness.get("/readyz").statusCode()).isEqualTo(200);
      harness.simulator().close();
      // A probe's result is reused for a second (ReadinessProbe.CACHE_FOR).
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> harness.get("/readyz").statusCode() == 503);
      HttpResponse<String> down = harness.get("/readyz");
      assertThat(down.statusCode()).isEqualTo(503);
      assertThat(down.body()).contains("cannot reach LM Studio at", "lms server start");
      assertThat(harness.get("/healthz").statusCode()).isEqualTo(200);
    }
    try (ProxyHarness dead = ProxyHarness.withoutBackend(URI.create("http://127.0.0.1:9"))) {
      HttpResponse<String> passthrough = dead.get("/v1/models");
      assertThat(passthrough.statusCode()).isEqualTo(502);
      assertThat(passthrough.body()).contains("cannot reach LM Studio at http://127.0.0.1:9");
    }
  }

  private static HttpResponse<String> preflight(ProxyHarness harness, String origin) {
    return harness.send(HttpRequest.newBuilder(harness.url("/api/chat"))
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
        .header("Origin", origin)
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "content-type").build());
  }

  private static HttpResponse<String> bearer(ProxyHarness harness, String path, String authorization) {
    return harness.send(HttpRequest.newBuilder(harness.url(path)).header("Authorization", authorization).build());
  }
}
