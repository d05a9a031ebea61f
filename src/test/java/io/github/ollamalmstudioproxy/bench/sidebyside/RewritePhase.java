package io.github.ollamalmstudioproxy.bench.sidebyside;

import io.github.ollamalmstudioproxy.simulator.RecordedRequest;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Section 10: what resolving a {@code /v1} body's {@code model} costs. The proxy reads a {@code /v1} JSON body whole
 * and puts the backend's id in place of the client's name; a client naming the model by its {@code /api/tags} name
 * ({@code google/gemma-3-4b:latest}) needs the name changed, one naming the backend's own id does not. Each body
 * (a small chat, and one user message carrying a 10 MB base64 image as a data URI, as Copilot and Open WebUI send
 * it) goes non-streaming to {@code /v1/chat/completions} four ways in interleaved rounds: (a) the proxy with the tags
 * name, (b) the proxy with the backend's id, (c) nginx and (d) the simulator directly, both with the backend's id.
 *
 * <p>Gemma is the simulator's vision model (an image sent to a model without vision is refused). {@code model} comes
 * last, after {@code messages}, as the OpenAI SDKs write it, so the proxy's scan for it crosses the whole body. Both
 * (a) and (b) go the same way through the proxy (read whole, scanned, parsed into a tree because the catalogue says
 * Gemma lacks tools, sent as slices around the id); they differ only in the name to resolve.
 */
final class RewritePhase {
  static final String SECTION = "10 /v1 model rewrite";
  private static final String BACKEND_ID = "google/gemma-3-4b";
  private static final String TAGS_NAME = "google/gemma-3-4b:latest";
  private static final int IMAGE_BASE64_CHARS = 10_000_000;
  private static final int SMALL_CONCURRENCY = 16;

  private final BenchRun run;

  RewritePhase(BenchRun run) {
    this.run = run;
  }

  /** One way to send a body: where to, with which name, and whose CPU the hop costs (null when direct). */
  private record Way(String label, int port, String model, LongSupplier cpuTicks) {}

  /** The figures of one way over all rounds. */
  private static final class Figures {
    final Stats.Samples latency = new Stats.Samples();
    final List<Double> cpuMicros = new ArrayList<>();
  }

  void run() {
    String expected = run.script(5, Duration.ZERO, Duration.ZERO);
    List<Way> ways = new ArrayList<>(List.of(
        new Way("(a) proxy, tags name", run.proxy.port(), TAGS_NAME, () -> run.proxy.stats().cpuTicks()),
        new Way("(b) proxy, backend id", run.proxy.port(), BACKEND_ID, () -> run.proxy.stats().cpuTicks())));
    if (run.nginx != null) {
      ways.add(new Way("(c) nginx", run.nginx.port(), BACKEND_ID, run.nginx::cpuTicks));
    }
    ways.add(new Way("(d) direct", run.sim.port(), BACKEND_ID, null));
    measure("small chat", smallContent(), SMALL_CONCURRENCY, run.options.rewriteSmallNanos(), false, ways, expected);
    int large = run.options.quick() ? 2 : 4;
    measure("10 MB image", imageContent(), large, run.options.rewriteLargeNanos(), true, ways, expected);
  }

  private void measure(String bodyLabel, String content, int concurrency, long nanos, boolean large, List<Way> ways,
      String expected) {
    Map<String, String> bodies = Map.of(TAGS_NAME, body(content, TAGS_NAME), BACKEND_ID, body(content, BACKEND_ID));
    Map<String, Buffer> buffers = Map.of(TAGS_NAME, Buffer.buffer(bodies.get(TAGS_NAME)), BACKEND_ID,
        Buffer.buffer(bodies.get(BACKEND_ID)));
    int bytes = buffers.get(BACKEND_ID).length();
    Map<String, Figures> figures = new LinkedHashMap<>();
    for (Way way : ways) {
      figures.put(way.label(), new Figures());
      checkBackendSaw(way, buffers.get(way.model()), bodies.get(BACKEND_ID), expected, bodyLabel);
      // Warm-up (the JIT load of the vision model happened in the check above): the proxy's heap grows to hold
      // several 10 MB bodies and the JIT compiles the scans before anything is measured.
      ClosedLoop.run(run.client.vertx(), concurrency, Math.min(nanos, large ? 1_000_000_000L : 500_000_000L),
          timed(way, buffers.get(way.model()), expected, large, null));
    }
    int rounds = run.options.rewriteRounds();
    for (int round = 0; round < rounds; round++) {
      for (int k = 0; k < ways.size(); k++) {
        Way way = ways.get((round + k) % ways.size());
        Figures f = figures.get(way.label());
        long before = way.cpuTicks() == null ? 0 : way.cpuTicks().getAsLong();
        ClosedLoop.Result r = ClosedLoop.run(run.client.vertx(), concurrency, nanos,
            timed(way, buffers.get(way.model()), expected, large, f.latency));
        if (way.cpuTicks() != null && r.ok() > 0) {
          f.cpuMicros.add((way.cpuTicks().getAsLong() - before) * 1e6 / ProcStats.TICKS_PER_SECOND / r.ok());
        }
        if (r.errors() > 0) {
          run.report.failure(SECTION + " " + bodyLabel + " " + way.label() + ": " + r.errors() + " errors, e.g. "
              + r.firstErrors());
        }
      }
      run.sim.log().clear();
    }
    report(bodyLabel, bytes, concurrency, nanos, rounds, figures);
  }

  private void report(String bodyLabel, int bytes, int concurrency, long nanos, int rounds,
      Map<String, Figures> figures) {
    Map<String, Object> raw = new LinkedHashMap<>();
    figures.forEach((k, v) -> {
      Map<String, Object> one = new LinkedHashMap<>(v.latency.stats().toMillis());
      one.put("cpu_us_per_request_per_round", v.cpuMicros.stream().map(x -> Math.round(x * 10) / 10.0).toList());
      raw.put(k, one);
    });
    run.report.raw("rewrite " + bodyLabel, raw);
    double megabytes = bytes / 1e6;
    String how = String.format("%s body of %,d bytes, model last; non-streaming /v1/chat/completions, 5 tokens; "
            + "closed loop at concurrency %d, %d interleaved round(s) of %s; CPU = utime+stime per completed "
            + "request, median round", bodyLabel, bytes, concurrency, rounds,
        nanos < 1_000_000 ? "one request per worker" : nanos / 1_000_000 + " ms");
    double a = median(figures.get("(a) proxy, tags name").cpuMicros);
    double b = median(figures.get("(b) proxy, backend id").cpuMicros);
    Figures nginx = figures.get("(c) nginx");
    double c = nginx == null ? Double.NaN : median(nginx.cpuMicros);
    run.report.row(SECTION, "CPU per request, " + bodyLabel + ": (a) tags name · (b) backend id · (c) nginx",
        String.format("%s · %s · %s", cpu(a), cpu(b), nginx == null ? "not run" : cpu(c)), null, null,
        "(a) the proxy with model " + TAGS_NAME + " (rewritten to " + BACKEND_ID + "), (b) the proxy with "
            + BACKEND_ID + " (nothing to change), (c) nginx passing the body of (b); " + how);
    String added = cpu(a - b) + " per request" + (bytes > 1_000_000
        ? String.format(", %s per MB", cpu((a - b) / megabytes)) : "");
    run.report.row(SECTION, "added by the rewrite, " + bodyLabel + ": (a) − (b)", added, null, null,
        "the same body through the same proxy, differing only in whether the name needs changing; " + how);
    if (nginx != null && bytes > 1_000_000) {
      run.report.row(SECTION, "proxy CPU beyond nginx's, " + bodyLabel + ": (b) − (c)",
          String.format("%s per request, %s per MB", cpu(b - c), cpu((b - c) / megabytes)), null, null,
          "holding, scanning and resolving the body vs streaming it through; the catalogue says this model lacks"
              + " tools, so the proxy also parses the body into a tree to look for tools (OpenAiRoutes.capable),"
              + " as it does for every model lacking tools or vision; " + how);
    }
    StringBuilder latency = new StringBuilder();
    figures.forEach((k, v) -> {
      Stats s = v.latency.stats();
      latency.append(latency.length() == 0 ? "" : " · ").append(k.substring(0, 3))
          .append(String.format(" %.2f / %.2f", Stats.ms(s.p50()), Stats.ms(s.p99())));
    });
    run.report.row(SECTION, "latency p50 / p99, " + bodyLabel + ": (a) · (b) · (c) nginx · (d) direct",
        latency + " ms", null, null, "request written → answer read whole and checked; " + how);
  }

  /**
   * One request through {@code way} and its check: 200 and the scripted answer. A large body's record is dropped
   * from the simulator's log as soon as it is answered, so the log never holds more than a few 10 MB bodies.
   */
  private Supplier<Future<Boolean>> timed(Way way, Buffer body, String expected, boolean large,
      Stats.Samples latency) {
    return () -> {
      long t0 = System.nanoTime();
      return run.client.call(way.port(), HttpMethod.POST, BenchRun.V1_CHAT, body, expected).map(ok -> {
        if (ok && latency != null) {
          latency.addSync(System.nanoTime() - t0);
        }
        if (large) {
          run.sim.log().clear();
        }
        return ok;
      });
    };
  }

  /** One request, checked end to end: the backend got the body with the backend's id and every other byte as sent. */
  private void checkBackendSaw(Way way, Buffer body, String asTheBackendMustSeeIt, String expected, String bodyLabel) {
    run.sim.log().clear();
    boolean answered = BenchClient.await(run.client.call(way.port(), HttpMethod.POST, BenchRun.V1_CHAT, body,
        expected), 60);
    List<RecordedRequest> seen = run.sim.log().byPath(BenchRun.V1_CHAT);
    run.sim.log().clear();
    if (!answered) {
      run.report.failure(SECTION + " " + bodyLabel + " " + way.label() + ": no correct answer");
    } else if (seen.size() != 1 || !seen.get(0).body().equals(asTheBackendMustSeeIt)) {
      run.report.failure(SECTION + " " + bodyLabel + " " + way.label() + ": the backend got "
          + (seen.size() == 1 ? "a body of " + seen.get(0).body().length() + " chars, not the expected "
              + asTheBackendMustSeeIt.length() : seen.size() + " requests"));
    }
  }

  private static String body(String content, String model) {
    return "{\"messages\":[{\"role\":\"system\",\"content\":\"You are terse.\"},{\"role\":\"user\",\"content\":"
        + content + "}],\"stream\":false,\"temperature\":0.1,\"model\":\"" + model + "\"}";
  }

  private static String smallContent() {
    return "\"Say something.\"";
  }

  /** A text part and an image part whose URL is a data URI of {@link #IMAGE_BASE64_CHARS} base64 characters. */
  private static String imageContent() {
    byte[] image = new byte[IMAGE_BASE64_CHARS / 4 * 3];
    new Random(16).nextBytes(image);
    return "[{\"type\":\"text\",\"text\":\"What is in this picture?\"},{\"type\":\"image_url\",\"image_url\":"
        + "{\"url\":\"data:image/png;base64," + Base64.getEncoder().encodeToString(image) + "\"}}]";
  }

  /** Microseconds below 10 ms, milliseconds above. */
  private static String cpu(double micros) {
    return Math.abs(micros) < 10_000 ? String.format("%.1f µs", micros) : String.format("%.2f ms", micros / 1000);
  }

  private static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
