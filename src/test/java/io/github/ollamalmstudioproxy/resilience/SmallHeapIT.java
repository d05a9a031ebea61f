package io.github.ollamalmstudioproxy.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ollamalmstudioproxy.simulator.LmStudioSimulator;
import io.github.ollamalmstudioproxy.simulator.SimulatorOptions;
import io.github.ollamalmstudioproxy.support.LauncherProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The limit the README promises holds under concurrency: the proxy runs as the launcher starts it, in its own JVM with
 * a 160 MB heap and the default body budget, and eight chats with two 6 MiB images each (17 MB of JSON) arrive at once, several times
 * what that heap can parse together. Every one is served or refused with Ollama's 503; none fails, none is left
 * unanswered, and the proxy goes on serving. (Before the budget they ran the heap out: 500s and requests never
 * answered.) The backend is this JVM's simulator, so only the proxy's own memory is at stake.
 */
class SmallHeapIT {
  private static final int REQUESTS = 8;
  private static final Duration BOUND = Duration.ofSeconds(60);

  @Test
  void concurrentLargeBodiesAreServedOrRefusedWith503AndNeverRunTheHeapOut() throws Exception {
    try (LmStudioSimulator backend = LmStudioSimulator.start(SimulatorOptions.defaults());
        LauncherProcess proxy = LauncherProcess.start(
            Map.of("OLLAMA_PROXY_JAVA_OPTS", "-XX:+UseSerialGC -Xms16m -Xmx160m"),
            "--backend", backend.baseUrl(), "--listen", "127.0.0.1:0")) {
      int port = proxy.awaitPort();
      String image = Base64.getEncoder().encodeToString(new byte[6 * 1024 * 1024]);
      String body = "{\"model\":\"google/gemma-3-4b\",\"stream\":false,\"messages\":[{\"role\":\"user\","
          + "\"content\":\"compare these\",\"images\":[\"" + image + "\",\"" + image + "\"]}]}";
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

      List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
      for (int i = 0; i < REQUESTS; i++) {
        answers.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/chat"))
            .timeout(BOUND).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString()));
      }
      List<Integer> statuses = new ArrayList<>();
      for (CompletableFuture<HttpResponse<String>> answer : answers) {
        HttpResponse<String> response = answer.get(BOUND.toSeconds(), TimeUnit.SECONDS);
        statuses.add(response.statusCode());
        if (response.statusCode() == 503) {
          assertThat(response.body()).contains("server busy");
        }
      }

      assertThat(statuses).as("proxy output:%n%s", proxy.output()).allMatch(s -> s == 200 || s == 503).contains(200);
      assertThat(proxy.output()).doesNotContain("OutOfMemoryError");
      HttpResponse<String> version = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port + "/api/version")).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(version.statusCode()).isEqualTo(200);
      assertThat(proxy.process().isAlive()).isTrue();
    }
  }
}
