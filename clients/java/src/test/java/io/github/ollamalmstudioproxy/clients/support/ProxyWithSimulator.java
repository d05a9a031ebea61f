package io.github.ollamalmstudioproxy.clients.support;

import io.github.ollamalmstudioproxy.config.CommandLineConfig;
import io.github.ollamalmstudioproxy.config.ListenAddress;
import io.github.ollamalmstudioproxy.config.ProxyConfig;
import io.github.ollamalmstudioproxy.server.ProxyServer;
import io.github.ollamalmstudioproxy.simulator.LmStudioSimulator;
import io.github.ollamalmstudioproxy.simulator.RecordedRequest;
import io.github.ollamalmstudioproxy.simulator.SimulatorDownloads;
import io.github.ollamalmstudioproxy.simulator.SimulatorOptions;
import io.github.ollamalmstudioproxy.simulator.SimulatorScript;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real proxy in front of the LM Studio simulator, both in this JVM on free loopback ports. In-process so that a
 * test can script the simulator (tool calls, reasoning, slow streams) and read what reached it.
 */
public final class ProxyWithSimulator implements AutoCloseable {
  /** A loaded LLM with tools and reasoning in the simulator's default catalogue. */
  public static final String CHAT_MODEL = "qwen/qwen3-4b";
  /** The embedding model a fresh LM Studio ships. */
  public static final String EMBED_MODEL = "text-embedding-nomic-embed-text-v1.5";

  private final LmStudioSimulator simulator;
  private final Vertx vertx;
  private final ProxyServer proxy;

  private ProxyWithSimulator(LmStudioSimulator simulator, Vertx vertx, ProxyServer proxy) {
    this.simulator = simulator;
    this.vertx = vertx;
    this.proxy = proxy;
  }

  public static ProxyWithSimulator start() {
    LmStudioSimulator simulator = LmStudioSimulator.start(SimulatorOptions.defaults());
    ProxyConfig config = CommandLineConfig.parse(new String[0], Map.of())
        .withListen(new ListenAddress("127.0.0.1", 0))
        .withBackend(URI.create(simulator.baseUrl()));
    Vertx vertx = Vertx.vertx();
    try {
      return new ProxyWithSimulator(simulator, vertx, ProxyServer.start(vertx, config).await(10, TimeUnit.SECONDS));
    } catch (Exception e) {
      vertx.close();
      simulator.close();
      throw new IllegalStateException("proxy did not start", e);
    }
  }

  /** The proxy's base URL, as an Ollama client wants it: {@code http://127.0.0.1:PORT}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + proxy.port();
  }

  public SimulatorScript script() {
    return simulator.script();
  }

  /** What the simulated LM Studio can download, and its download jobs. */
  public SimulatorDownloads downloads() {
    return simulator.downloads();
  }

  /** Every request that reached the simulator, oldest first. */
  public List<RecordedRequest> backendRequests() {
    return simulator.log().all();
  }

  /** Back to the demo answer, fast, and an empty request log. */
  public void reset() {
    simulator.script().reset().tokenInterval(Duration.ofMillis(2));
    simulator.log().clear();
  }

  /** Requests that reached the simulator's chat endpoint, oldest first. */
  public List<RecordedRequest> chatCompletions() {
    return simulator.log().byPath("/v1/chat/completions");
  }

  public RecordedRequest awaitBackendRequest(String path) {
    return simulator.log().awaitRequest(path, Duration.ofSeconds(5));
  }

  /**
   * Waits until the backend saw {@code request}'s connection closed before its answer ended: the proof that a client
   * abort reached the model server.
   */
  public void awaitUpstreamClosed(RecordedRequest request) {
    simulator.log().awaitClientClose(request, Duration.ofSeconds(5));
  }

  @Override
  public void close() {
    try {
      proxy.shutdown(Duration.ZERO).await(10, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // Closing Vert.x releases whatever is left.
    }
    vertx.close();
    simulator.close();
  }
}
