package io.github.ollamalmstudioproxy.clients.llama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.ollamalmstudioproxy.config.CommandLineConfig;
import io.github.ollamalmstudioproxy.config.ListenAddress;
import io.github.ollamalmstudioproxy.config.ProxyConfig;
import io.github.ollamalmstudioproxy.server.ProxyServer;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proxy in front of a real llama-server in router mode ({@code --models-dir}): {@code /api/ps} shows what the
 * router has loaded, with the context it loaded, and {@code keep_alive:0} unloads it through {@code /models/unload}.
 * Skipped like {@link LlamaServerBackendTest} when the server is not built, failed when {@code REQUIRE_LLAMA_SERVER=1}.
 */
class LlamaRouterBackendTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MODEL = LlamaServer.MODEL_ID;
  private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  @TempDir
  static Path work;
  private static LlamaServer router;
  private static Vertx vertx;
  private static ProxyServer proxy;

  @BeforeAll
  static void start() throws Exception {
    LlamaServer.requireOrSkip();
    router = LlamaServer.startRouter(work);
    ProxyConfig config = CommandLineConfig.parse(new String[0], Map.of())
        .withListen(new ListenAddress("127.0.0.1", 0)).withBackend(router.baseUrl());
    vertx = Vertx.vertx();
    proxy = ProxyServer.start(vertx, config).await(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (proxy != null) {
      proxy.shutdown(Duration.ZERO).await(10, TimeUnit.SECONDS);
    }
    if (vertx != null) {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
    if (router != null) {
      router.close();
    }
  }

  @Test
  void psShowsWhatTheRouterLoadedAndKeepAliveZeroUnloadsIt() throws Exception {
    assertThat(ps().size()).as("the router loads nothing at start").isZero();

    HttpResponse<String> chat = post("/api/chat", "{\"model\":\"" + MODEL + "\",\"stream\":false,"
        + "\"options\":{\"temperature\":0,\"seed\":7,\"num_predict\":2},"
        + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}");
    assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);

    // The catalog is cached for 5 s, and the chat loaded the model behind it (the router's autoload).
    JsonNode loaded = awaitPs(1, Duration.ofSeconds(15));
    assertThat(loaded.path(0).path("name").asText()).isEqualTo(MODEL + ":latest");
    assertThat(loaded.path(0).path("context_length").asInt()).as("the router's n_ctx (-c 4096)").isEqualTo(4096);

    HttpResponse<String> unload = post("/api/generate", "{\"model\":\"" + MODEL + "\",\"keep_alive\":0}");

    assertThat(unload.statusCode()).as(unload.body()).isEqualTo(200);
    assertThat(JSON.readTree(unload.body()).path("done_reason").asText()).isEqualTo("unload");
    assertThat(ps().size()).as("/api/ps right after the unload").isZero();
    JsonNode direct = JSON.readTree(get(router.baseUrl().resolve("/v1/models")).body());
    assertThat(direct.path("data").path(0).path("status").path("value").asText())
        .as(router.logTail()).isEqualTo("unloaded");
  }

  private static JsonNode awaitPs(int size, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode models = ps();
    while (models.size() != size && System.nanoTime() < deadline) {
      Thread.sleep(250);
      models = ps();
    }
    assertThat(models.size()).as(models.toString()).isEqualTo(size);
    return models;
  }

  private static JsonNode ps() throws Exception {
    HttpResponse<String> response = get(URI.create("http://127.0.0.1:" + proxy.port() + "/api/ps"));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body()).path("models");
  }

  private static HttpResponse<String> get(URI uri) throws Exception {
    return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(String path, String json) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + path))
        .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
