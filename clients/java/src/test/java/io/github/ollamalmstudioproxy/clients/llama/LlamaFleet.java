package io.github.ollamalmstudioproxy.clients.llama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.ollamalmstudioproxy.config.CommandLineConfig;
import io.github.ollamalmstudioproxy.config.ListenAddress;
import io.github.ollamalmstudioproxy.config.ProxyConfig;
import io.github.ollamalmstudioproxy.server.ProxyServer;
import io.github.ollamalmstudioproxy.simulator.LmStudioSimulator;
import io.github.ollamalmstudioproxy.simulator.SimulatorOptions;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The real proxy in front of LM Studio simulators and one real llama-server, everything on loopback: issue 15's
 * fleet with a backend that is not a simulator. The backends are given as {@code --backend} URLs, the way a user
 * gives them, simulators first and llama-server last. Closing it stops the proxy, the simulators and llama-server
 * (by its process id).
 */
final class LlamaFleet implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  private final List<LmStudioSimulator> simulators;
  private final Vertx vertx;
  private final ProxyServer proxy;
  private LlamaServer llama;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private LlamaFleet(List<LmStudioSimulator> simulators, LlamaServer llama, Vertx vertx, ProxyServer proxy) {
    this.simulators = simulators;
    this.llama = llama;
    this.vertx = vertx;
    this.proxy = proxy;
  }

  /** One simulator per options, llama-server (its tiny model made in {@code workDir}), and the proxy with {@code args}. */
  static LlamaFleet start(Path workDir, List<SimulatorOptions> simulatorOptions, String... args) throws Exception {
    List<LmStudioSimulator> simulators = new ArrayList<>();
    LlamaServer llama = null;
    Vertx vertx = null;
    try {
      List<String> command = new ArrayList<>();
      for (SimulatorOptions options : simulatorOptions) {
        LmStudioSimulator simulator = LmStudioSimulator.start(options);
        simulators.add(simulator);
        command.addAll(List.of("--backend", simulator.baseUrl()));
      }
      llama = LlamaServer.start(workDir);
      command.addAll(List.of("--backend", llama.baseUrl().toString()));
      command.addAll(List.of(args));
      ProxyConfig config = CommandLineConfig.parse(command.toArray(String[]::new), Map.of())
          .withListen(new ListenAddress("127.0.0.1", 0));
      vertx = Vertx.vertx();
      ProxyServer proxy = ProxyServer.start(vertx, config).await(10, TimeUnit.SECONDS);
      return new LlamaFleet(simulators, llama, vertx, proxy);
    } catch (Exception | Error e) {
      if (vertx != null) {
        vertx.close().await(10, TimeUnit.SECONDS);
      }
      simulators.forEach(LmStudioSimulator::close);
      if (llama != null) {
        llama.close();
      }
      throw e;
    }
  }

  LmStudioSimulator simulator(int index) {
    return simulators.get(index);
  }

  List<LmStudioSimulator> simulators() {
    return simulators;
  }

  LlamaServer llama() {
    return llama;
  }

  /** Starts llama-server again on its port after {@link LlamaServer#kill()}. */
  void restartLlama() throws Exception {
    llama = llama.restart();
  }

  int port() {
    return proxy.port();
  }

  /** The chat requests a simulator received ({@code /v1/chat/completions}), whose body contains {@code marker}. */
  static long chats(LmStudioSimulator simulator, String marker) {
    return simulator.log().byPath("/v1/chat/completions").stream().filter(r -> r.body().contains(marker)).count();
  }

  /** The entry of {@code GET /api/backends} whose URL is {@code url}. */
  JsonNode backend(URI url) throws Exception {
    String wanted = strip(url.toString());
    for (JsonNode backend : getJson("/api/backends").path("backends")) {
      if (strip(backend.path("url").asText()).equals(wanted)) {
        return backend;
      }
    }
    throw new AssertionError("no backend " + wanted + " in /api/backends: " + getJson("/api/backends"));
  }

  private static String strip(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  JsonNode getJson(String path) throws Exception {
    HttpResponse<String> response = get(path);
    if (response.statusCode() != 200) {
      throw new AssertionError("GET " + path + " answered " + response.statusCode() + ": " + response.body());
    }
    return JSON.readTree(response.body());
  }

  HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(url(path)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String path, String json) throws Exception {
    return postAsync(path, json).get(60, TimeUnit.SECONDS);
  }

  CompletableFuture<HttpResponse<String>> postAsync(String path, String json) {
    return http.sendAsync(HttpRequest.newBuilder(url(path)).timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private URI url(String path) {
    return URI.create("http://127.0.0.1:" + proxy.port() + path);
  }

  /** Polls {@code condition} every 50 ms until it holds; fails with {@code what} after {@code within}. */
  static void until(String what, Duration within, Callable<Boolean> condition) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.call()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + within.toMillis() + " ms: " + what);
      }
      Thread.sleep(50);
    }
  }

  @Override
  public void close() throws Exception {
    try {
      proxy.shutdown(Duration.ZERO).await(10, TimeUnit.SECONDS);
    } finally {
      try {
        vertx.close().await(10, TimeUnit.SECONDS);
      } finally {
        simulators.forEach(LmStudioSimulator::close);
        llama.close();
      }
    }
  }
}
