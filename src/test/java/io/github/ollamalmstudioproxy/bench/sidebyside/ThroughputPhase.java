package io.github.ollamalmstudioproxy.bench.sidebyside;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Sections 4 and 7 (throughput part): non-streaming requests per second at concurrency 64, each proxied route next to
 * its direct equivalent, in interleaved rounds; the median round is reported.
 */
final class ThroughputPhase {
  static final int CONCURRENCY = 64;

  private final BenchRun run;

  ThroughputPhase(BenchRun run) {
    this.run = run;
  }

  /** One load; {@code cpuTicks} reads the CPU time of the hop in between (null when the client goes direct). */
  private record Scenario(String name, Supplier<Future<Boolean>> call, LongSupplier cpuTicks) {
    Scenario(String name, Supplier<Future<Boolean>> call) {
      this(name, call, null);
    }
  }

  void run() {
    String expected = run.script(5, Duration.ZERO, Duration.ZERO);
    BenchClient c = run.client;
    int sim = run.sim.port();
    int proxy = run.proxy.port();
    Buffer apiChat = BenchRun.apiChat(false);
    Buffer v1Chat = BenchRun.v1Chat(false);
    LongSupplier proxyCpu = () -> run.proxy.stats().cpuTicks();
    List<Scenario> scenarios = new ArrayList<>(List.of(
        new Scenario("GET / (proxy)", () -> c.call(proxy, HttpMethod.GET, "/", null, "Ollama is running"), proxyCpu),
        new Scenario("/api/tags (proxy)", () -> c.call(proxy, HttpMethod.GET, "/api/tags", null, "\"models\""),
            proxyCpu),
        new Scenario("/api/v1/models (direct)", () -> c.call(sim, HttpMethod.GET, "/api/v1/models", null, "qwen")),
        new Scenario("/api/chat stream:false (proxy)",
            () -> c.call(proxy, HttpMethod.POST, "/api/chat", apiChat, expected), proxyCpu),
        new Scenario("/v1/chat stream:false (direct)",
            () -> c.call(sim, HttpMethod.POST, "/v1/chat/completions", v1Chat, expected)),
        new Scenario("/v1/chat stream:false (proxy)",
            () -> c.call(proxy, HttpMethod.POST, "/v1/chat/completions", v1Chat, expected), proxyCpu),
        new Scenario("/v1/models (direct)", () -> c.call(sim, HttpMethod.GET, "/v1/models", null, "qwen")),
        new Scenario("/v1/models (proxy)", () -> c.call(proxy, HttpMethod.GET, "/v1/models", null, "qwen"),
            proxyCpu)));
    if (run.nginx != null) {
      int nginx = run.nginx.port();
      LongSupplier nginxCpu = run.nginx::cpuTicks;
      scenarios.add(new Scenario("/v1/models (nginx)", () -> c.call(nginx, HttpMethod.GET, "/v1/models", null, "qwen"),
          nginxCpu));
      scenarios.add(new Scenario("/v1/chat stream:false (nginx)",
          () -> c.call(nginx, HttpMethod.POST, "/v1/chat/completions", v1Chat, expected), nginxCpu));
    }
    long warmup = Math.min(run.options.throughputNanos(), 1_000_000_000L);
    for (Scenario s : scenarios) {
      ClosedLoop.run(run.client.vertx(), CONCURRENCY, warmup, s.call());
    }
    Map<String, double[]> rates = new LinkedHashMap<>();
    Map<String, double[]> cpu = new LinkedHashMap<>();
    int rounds = run.options.throughputRounds();
    for (int round = 0; round < rounds; round++) {
      for (int k = 0; k < scenarios.size(); k++) {
        Scenario s = scenarios.get((round + k) % scenarios.size());
        long ticksBefore = s.cpuTicks() == null ? 0 : s.cpuTicks().getAsLong();
        ClosedLoop.Result r = ClosedLoop.run(run.client.vertx(), CONCURRENCY, run.options.throughputNanos(), s.call());
        if (s.cpuTicks() != null && r.ok() > 0) {
          double micros = (s.cpuTicks().getAsLong() - ticksBefore) * 1e6 / ProcStats.TICKS_PER_SECOND / r.ok();
          cpu.computeIfAbsent(s.name(), n -> new double[rounds])[round] = micros;
        }
        if (r.errors() > 0) {
          run.report.failure("throughput " + s.name() + ": " + r.errors() + " errors, e.g. " + r.firstErrors());
        }
        rates.computeIfAbsent(s.name(), n -> new double[rounds])[round] = r.perSecond();
      }
      run.sim.log().clear();
    }
    Map<String, Object> raw = new LinkedHashMap<>();
    rates.forEach((k, v) -> raw.put(k, Arrays.stream(v).map(Math::round).boxed().toList()));
    run.report.raw("throughput_rps_per_round", raw);
    Map<String, Object> rawCpu = new LinkedHashMap<>();
    cpu.forEach((k, v) -> rawCpu.put(k, Arrays.stream(v).map(x -> Math.round(x * 10) / 10.0).boxed().toList()));
    run.report.raw("cpu_us_per_request_per_round", rawCpu);
    String how = "closed loop, concurrency " + CONCURRENCY + ", median of " + rounds + " interleaved rounds of "
        + run.options.throughputNanos() / 1_000_000 + " ms";
    compare("4 throughput", "/api/tags (cached) vs GET / on the proxy", rates, "/api/tags (proxy)", "GET / (proxy)",
        null, how);
    compare("4 throughput", "/api/tags (cached) vs /api/v1/models direct", rates, "/api/tags (proxy)",
        "/api/v1/models (direct)", null, how);
    compare("4 throughput", "/api/chat stream:false vs /v1 direct", rates, "/api/chat stream:false (proxy)",
        "/v1/chat stream:false (direct)", null, how);
    compare("4 throughput", "/v1/models passthrough vs direct", rates, "/v1/models (proxy)", "/v1/models (direct)",
        null, how);
    compare("4 throughput", "/v1/chat stream:false passthrough vs direct", rates, "/v1/chat stream:false (proxy)",
        "/v1/chat stream:false (direct)", null, how);
    if (run.nginx != null) {
      compare("7 nginx", "/v1/models passthrough vs nginx", rates, "/v1/models (proxy)", "/v1/models (nginx)", 0.8,
          how);
      compare("7 nginx", "/v1/chat stream:false passthrough vs nginx", rates, "/v1/chat stream:false (proxy)",
          "/v1/chat stream:false (nginx)", 0.8, how);
      for (String path : List.of("/v1/models", "/v1/chat stream:false")) {
        run.report.row("7 nginx", "CPU per request, " + path + ": proxy vs nginx",
            String.format("%.1f vs %.1f µs", median(cpu.get(path + " (proxy)")), median(cpu.get(path + " (nginx)"))),
            null, null, "utime+stime of the proxy JVM / of nginx's master and workers, per completed request");
      }
    }
    translatedVsPassthrough(cpu, rounds);
    for (String name : List.of("GET / (proxy)", "/api/tags (proxy)", "/api/chat stream:false (proxy)")) {
      run.report.row("4 throughput", "proxy CPU per request, " + name.replace(" (proxy)", ""),
          String.format("%.1f µs", median(cpu.get(name))), null, null, "utime+stime of the proxy JVM per request");
    }
  }

  /**
   * Issue 16's target: a translated non-streaming {@code /api/chat} costs the proxy at most twice the CPU of the same
   * chat sent to {@code /v1} (passthrough with the model resolved), both from this run's rounds; nginx's CPU for the
   * {@code /v1} request is the floor for a hop that only forwards.
   */
  private void translatedVsPassthrough(Map<String, double[]> cpu, int rounds) {
    double api = median(cpu.get("/api/chat stream:false (proxy)"));
    double v1 = median(cpu.get("/v1/chat stream:false (proxy)"));
    double ratio = v1 == 0 ? 0 : api / v1;
    double[] nginx = cpu.get("/v1/chat stream:false (nginx)");
    run.report.row("4 throughput", "proxy CPU per request, /api/chat stream:false vs /v1 stream:false passthrough",
        String.format("%.1f vs %.1f µs = %.2f×", api, v1, ratio), "≤ 2×", v1 > 0 && ratio <= 2.0,
        String.format("utime+stime of the proxy JVM per completed request, median of %d rounds at concurrency %d; "
            + "nginx, same /v1 request: %s", rounds, CONCURRENCY,
            nginx == null ? "not run" : String.format("%.1f µs", median(nginx))));
  }

  private void compare(String section, String figure, Map<String, double[]> rates, String subject, String reference,
      Double target, String how) {
    double a = median(rates.get(subject));
    double b = median(rates.get(reference));
    double ratio = b == 0 ? 0 : a / b;
    run.report.row(section, figure, String.format("%.0f vs %.0f req/s = %.2f×", a, b, ratio),
        target == null ? null : "≥ " + target + "×", target == null ? null : ratio >= target, how);
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
