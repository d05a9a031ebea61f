package io.github.ollamalmstudioproxy.bench.sidebyside;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Section 11: added time to first token through the proxy in front of a Node.js backend (LM Studio's server is
 * Express on Node.js), next to the same in front of the proxy's Java simulator, from one interleaved run. It runs
 * {@code bench/node-ttft.sh} (which starts both backends, a proxy in front of each, and {@code ttft-client.js}, and
 * stops them by pid) and reads its JSON, so that the measurement lives in one place; skipped without {@code node}.
 */
final class NodeTtftPhase {
  static final String SECTION = "11 Node.js TTFT";

  private final BenchRun run;

  NodeTtftPhase(BenchRun run) {
    this.run = run;
  }

  void run() throws IOException, InterruptedException {
    for (String tool : List.of("node", "curl", "python3")) {
      if (!onPath(tool)) {
        run.report.note(tool + " is not installed: section 11 (TTFT in front of Node.js) skipped");
        return;
      }
    }
    Path json = run.tmp.resolve("node-ttft.json");
    Path log = run.tmp.resolve("node-ttft.log");
    int warmup = run.options.nodeWarmup();
    int samples = run.options.nodeSamples();
    ProcessBuilder builder = new ProcessBuilder("bash", run.options.root().resolve("bench/node-ttft.sh").toString(),
        "--warmup", Integer.toString(warmup), "--samples", Integer.toString(samples), "--json", json.toString(),
        "--proxy-java-opts", String.join(" ", run.options.proxyJavaOpts()))
        .directory(run.options.root().toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().put("JAVA", run.options.java17().toString());
    builder.environment().keySet().removeIf(k -> k.startsWith("OLLAMA_"));
    Process script = Children.start(builder);
    // Six routes, one request at a time, a few ms each, plus four processes to start.
    long bound = 60 + (warmup + samples) * 6L * 20 / 1000;
    if (!script.waitFor(bound, TimeUnit.SECONDS)) {
      Children.stop(script, 10);
      run.report.failure(SECTION + ": bench/node-ttft.sh did not finish within " + bound + " s; " + tail(log));
      return;
    }
    if (script.exitValue() != 0 || !Files.isRegularFile(json)) {
      run.report.failure(SECTION + ": bench/node-ttft.sh exited " + script.exitValue() + "; " + tail(log));
      return;
    }
    JsonNode routes = new ObjectMapper().readTree(json.toFile());
    run.report.raw("node_ttft", routes);
    routes.fields().forEachRemaining(route -> {
      if (route.getValue().path("failures").asInt() > 0 || route.getValue().path("n").asInt() != samples) {
        run.report.failure(SECTION + " " + route.getKey() + ": " + route.getValue().path("failures").asInt()
            + " failed requests, " + route.getValue().path("n").asInt() + " of " + samples + " measured; " + tail(log));
      }
    });
    String how = "bench/node-ttft.sh: sequential keep-alive requests over six routes, rotated, " + samples
        + " samples each after " + warmup + " warm-up rounds; 3 tokens at 0 ms; to the first content byte";
    for (List<String> via : List.of(List.of("/v1/chat/completions (passthrough)", "/v1"),
        List.of("/api/chat (translated)", "/api/chat"))) {
      // The targets of section 1, whose backend is the simulator in the benchmark's JVM.
      added(routes, via.get(0), via.get(1), "p50", "< 1 ms", 1.0, how);
      added(routes, via.get(0), via.get(1), "p99", "< 5 ms", 5.0, how);
    }
  }

  /** Node's added figure with its target, the Java simulator's from the same run next to it. */
  private void added(JsonNode routes, String what, String path, String pct, String target, double limitMs,
      String how) {
    String key = pct + "_ms";
    double node = routes.path("node via proxy " + path).path(key).asDouble()
        - routes.path("node direct").path(key).asDouble();
    double java = routes.path("java-sim via proxy " + path).path(key).asDouble()
        - routes.path("java-sim direct").path(key).asDouble();
    run.report.row(SECTION, "added TTFT " + pct + ", " + what + ", Node.js backend", String.format("%.3f ms", node),
        target, node < limitMs, String.format("%s %.3f ms via the proxy vs %.3f ms direct; against the Java simulator"
            + " in the same run: %+.3f ms (%.3f vs %.3f); %s", pct, routes.path("node via proxy " + path).path(key)
            .asDouble(), routes.path("node direct").path(key).asDouble(), java,
            routes.path("java-sim via proxy " + path).path(key).asDouble(),
            routes.path("java-sim direct").path(key).asDouble(), how));
  }

  private static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return "last lines of its log: " + String.join(" / ", lines.subList(Math.max(0, lines.size() - 5),
          lines.size()));
    } catch (IOException e) {
      return "no log";
    }
  }
}
