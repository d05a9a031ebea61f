import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.ollamalmstudioproxy.config.CommandLineConfig;
import io.github.ollamalmstudioproxy.config.ListenAddress;
import io.github.ollamalmstudioproxy.config.ProxyConfig;
import io.github.ollamalmstudioproxy.server.ProxyServer;
import io.github.ollamalmstudioproxy.simulator.LmStudioSimulator;
import io.github.ollamalmstudioproxy.simulator.RecordedRequest;
import io.github.ollamalmstudioproxy.simulator.SimulatorOptions;
import io.github.ollamalmstudioproxy.simulator.SimulatorModel;
import io.github.ollamalmstudioproxy.simulator.SimulatorScript;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Test support for the Node client tests: the real proxy in front of the LM Studio simulator (both on free loopback
 * ports), plus a small loopback control API so a test in another language can script the simulator and read what
 * reached it. Not part of the product; run with the proxy's jar on the class path (Java's source launcher):
 *
 * <pre>java -cp target/ollama-lmstudio-proxy.jar clients/node/support/ScriptedProxy.java [proxy arguments]</pre>
 *
 * <p>With {@code --simulator-without-messages-and-responses} the simulator plays an LM Studio that lacks
 * {@code /v1/messages} and {@code /v1/responses}.
 *
 * <p>Prints one line {@code READY proxy=http://127.0.0.1:P control=http://127.0.0.1:C} and runs until its standard
 * input closes (so it never outlives the test run that started it).
 *
 * <p>Control API (JSON):
 * <ul>
 *   <li>{@code POST /reset} — default demo answer, 2 ms per token, empty request log;</li>
 *   <li>{@code POST /script} — {@code {"tokens":[..], "reasoning":[..], "tokenIntervalMs":n, "loadDelayMs":n,
 *       "toolCalls":[{"name":..,"arguments":"{json}"}]}}, each field optional; {@code toolCalls: []} clears them;
 *       {@code loadDelayMs} is how long a model load takes;</li>
 *   <li>{@code GET /requests} — every request the simulator saw: method, path, body, clientClosed, completed,
 *       tokensEmitted;</li>
 *   <li>{@code POST /downloads} — {@code {"model":..,"quantization":..,"key":..,"totalBytes":n,"bytesPerSecond":n}}:
 *       the simulator can download {@code model} (with {@code quantization}, optional), which becomes the LLM
 *       {@code key} once {@code totalBytes} arrived at {@code bytesPerSecond}.</li>
 *   <li>{@code POST /shutdown} — {@code {"drainMs":n}}: the proxy's graceful shutdown with that drain time (the
 *       proxy is gone afterwards; start a new one).</li>
 * </ul>
 */
public final class ScriptedProxy {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The one argument of its own (the rest are the proxy's). */
  private static final String WITHOUT_MESSAGES_AND_RESPONSES = "--simulator-without-messages-and-responses";

  public static void main(String[] args) throws Exception {
    List<String> proxyArgs = new ArrayList<>(List.of(args));
    // Played as an LM Studio older than 0.3.29 / 0.4.1: /v1/responses and /v1/messages answer "Unexpected endpoint".
    boolean nativeRoutes = !proxyArgs.remove(WITHOUT_MESSAGES_AND_RESPONSES);
    LmStudioSimulator simulator = LmStudioSimulator.start(
        SimulatorOptions.builder().nativeResponsesAndMessages(nativeRoutes).build());
    ProxyConfig config = CommandLineConfig.parse(proxyArgs.toArray(String[]::new), Map.of())
        .withListen(new ListenAddress("127.0.0.1", 0))
        .withBackend(URI.create(simulator.baseUrl()));
    Vertx vertx = Vertx.vertx();
    ProxyServer proxy = ProxyServer.start(vertx, config).await(10, TimeUnit.SECONDS);
    reset(simulator);

    HttpServer control = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    control.createContext("/reset", exchange -> {
      reset(simulator);
      reply(exchange, JSON.createObjectNode().put("ok", true));
    });
    control.createContext("/script", exchange -> {
      try {
        script(simulator.script(), JSON.readTree(exchange.getRequestBody()));
        reply(exchange, JSON.createObjectNode().put("ok", true));
      } catch (RuntimeException e) {
        exchange.sendResponseHeaders(400, -1);
        exchange.close();
      }
    });
    control.createContext("/downloads", exchange -> {
      try {
        JsonNode offer = JSON.readTree(exchange.getRequestBody());
        long total = offer.get("totalBytes").asLong();
        simulator.downloads().offer(offer.get("model").asText(),
            offer.hasNonNull("quantization") ? offer.get("quantization").asText() : null,
            SimulatorModel.llm(offer.get("key").asText(), total), total, offer.get("bytesPerSecond").asLong());
        reply(exchange, JSON.createObjectNode().put("ok", true));
      } catch (RuntimeException e) {
        exchange.sendResponseHeaders(400, -1);
        exchange.close();
      }
    });
    control.createContext("/requests", exchange -> reply(exchange, requests(simulator.log().all())));
    control.createContext("/shutdown", exchange -> {
      // A graceful shutdown as SIGTERM starts it (Main), with the drain time asked for; answered at once, so the
      // test can watch its streams end while the drain runs.
      long drainMs = JSON.readTree(exchange.getRequestBody()).path("drainMs").asLong(0);
      proxy.shutdown(Duration.ofMillis(drainMs));
      reply(exchange, JSON.createObjectNode().put("ok", true));
    });
    control.start();

    System.out.println("READY proxy=http://127.0.0.1:" + proxy.port() + " control=http://127.0.0.1:"
        + control.getAddress().getPort());
    System.out.flush();

    // Stop when the parent closes our standard input (or dies).
    while (System.in.read() >= 0) {
      // keep reading
    }
    control.stop(0);
    proxy.shutdown(Duration.ZERO).await(5, TimeUnit.SECONDS);
    vertx.close().await(5, TimeUnit.SECONDS);
    simulator.close();
    System.exit(0);
  }

  private static void reset(LmStudioSimulator simulator) {
    simulator.script().reset().tokenInterval(Duration.ofMillis(2));
    simulator.downloads().reset();
    simulator.log().clear();
  }

  private static void script(SimulatorScript script, JsonNode body) {
    if (body.has("tokens")) {
      script.tokens(strings(body.get("tokens")));
    }
    if (body.has("reasoning")) {
      script.reasoning(strings(body.get("reasoning")));
    }
    if (body.has("tokenIntervalMs")) {
      script.tokenInterval(Duration.ofMillis(body.get("tokenIntervalMs").asLong()));
    }
    if (body.has("loadDelayMs")) {
      script.loadDelay(Duration.ofMillis(body.get("loadDelayMs").asLong()));
    }
    if (body.has("toolCalls")) {
      script.clearToolCalls();
      for (JsonNode call : body.get("toolCalls")) {
        script.toolCall(call.get("name").asText(), call.get("arguments").asText());
      }
    }
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static ArrayNode requests(List<RecordedRequest> all) {
    ArrayNode out = JSON.createArrayNode();
    for (RecordedRequest r : all) {
      ObjectNode node = out.addObject();
      node.put("method", r.method()).put("path", r.pathOnly()).put("body", r.body())
          .put("clientClosed", r.clientClosedNanos() != null).put("completed", r.completed())
          .put("tokensEmitted", r.tokensEmitted());
    }
    return out;
  }

  private static void reply(HttpExchange exchange, JsonNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }
}
