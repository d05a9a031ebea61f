package io.github.ollamalmstudioproxy.bench.sidebyside;

import io.github.ollamalmstudioproxy.simulator.LmStudioSimulator;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What every phase shares: the options, the report, the simulator (in this JVM, so its close instants and the
 * client's hang-up instants come from the same clock), the load client, the proxy process and nginx.
 */
final class BenchRun {
  static final String MODEL = "qwen/qwen3-4b";
  static final String V1_CHAT = "/v1/chat/completions";
  static final String API_CHAT = "/api/chat";

  final BenchOptions options;
  final Report report;
  final LmStudioSimulator sim;
  final BenchClient client;
  final Path tmp;
  ProxyProcess proxy;
  NginxProcess nginx;

  BenchRun(BenchOptions options, Report report, LmStudioSimulator sim, BenchClient client, Path tmp) {
    this.options = options;
    this.report = report;
    this.sim = sim;
    this.client = client;
    this.tmp = tmp;
  }

  /** A fixed answer of {@code count} tokens, {@code interval} apart, after {@code prefill} of silence. */
  String script(int count, Duration interval, Duration prefill) {
    List<String> tokens = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      tokens.add(" t" + i);
    }
    sim.script().reset().tokens(tokens).tokenInterval(interval).prefillDelay(prefill);
    sim.log().clear();
    return String.join("", tokens);
  }

  static Buffer v1Chat(boolean stream) {
    return Buffer.buffer("{\"model\":\"" + MODEL + "\",\"stream\":" + stream
        + ",\"messages\":[{\"role\":\"user\",\"content\":\"Say something.\"}]}");
  }

  static Buffer apiChat(boolean stream) {
    return Buffer.buffer("{\"model\":\"" + MODEL + "\",\"stream\":" + stream
        + ",\"messages\":[{\"role\":\"user\",\"content\":\"Say something.\"}]}");
  }

  /** One way to reach a streaming chat: a port, a path, a body and the framing of the answer. */
  record Route(String label, int port, String path, Buffer body, boolean sse) {}

  Route direct() {
    return new Route("direct", sim.port(), V1_CHAT, v1Chat(true), true);
  }

  Route proxyV1() {
    return new Route("proxy /v1", proxy.port(), V1_CHAT, v1Chat(true), true);
  }

  Route proxyApi() {
    return new Route("proxy /api/chat", proxy.port(), API_CHAT, apiChat(true), false);
  }

  Route nginxV1() {
    return nginx == null ? null : new Route("nginx /v1", nginx.port(), V1_CHAT, v1Chat(true), true);
  }

  StreamResult stream(Route route, int hangUpAfter, long timeoutSeconds) {
    return BenchClient.await(client.stream(route.port(), route.path(), route.body(), route.sse(), hangUpAfter),
        timeoutSeconds);
  }
}
