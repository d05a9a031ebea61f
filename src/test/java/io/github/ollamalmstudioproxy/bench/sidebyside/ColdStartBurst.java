package io.github.ollamalmstudioproxy.bench.sidebyside;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Section 9's cold start: the first streams a proxy started by the launcher serves, against the same burst once
 * that process is warm. The first launcher start makes the class-data archive (as a user's first start would) and
 * is stopped; the measured start is the second, and a third runs with OLLAMA_PROXY_CDS=off.
 */
final class ColdStartBurst {
  static final String SECTION = "9 cold start";

  private final BenchRun run;
  private final LauncherCopy launcher;

  ColdStartBurst(BenchRun run, LauncherCopy launcher) {
    this.run = run;
    this.launcher = launcher;
  }

  /** CPU ms per 1,000 chunks of the first burst, of the same burst after the warm-up, and of it once more. */
  record Figures(String label, long startupNanos, double cold, double warm, double warmAgain, List<Double> warmUpCurve) {
    double ratio() {
      return cold / warm;
    }

    Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("startup_ms", startupNanos / 1e6);
      m.put("cold_cpu_ms_per_1000_chunks", cold);
      m.put("warm_cpu_ms_per_1000_chunks", warm);
      m.put("warm_again_cpu_ms_per_1000_chunks", warmAgain);
      m.put("cold_vs_warm", ratio());
      m.put("warmup_cpu_ms_per_1000_chunks", warmUpCurve);
      return m;
    }
  }

  void run() throws IOException {
    Map<String, Object> raw = new LinkedHashMap<>();
    long first;
    try (ProxyProcess proxy = launch(true)) {
      first = proxy.startupNanos();
    }
    boolean archive = launcher.archive() != null;
    raw.put("first_start_ms_with_archive_creation", first / 1e6);
    raw.put("archive", archive ? launcher.archive().getFileName().toString() : null);
    if (!archive) {
      run.report.note("the launcher's first start made no class-data archive; see " + launcher.trainingLog());
    }
    Figures with = measure(true, archive ? "launcher defaults, class-data archive" : "launcher defaults, NO archive");
    Figures without = measure(false, "OLLAMA_PROXY_CDS=off");
    raw.put(with.label(), with.toMap());
    raw.put(without.label(), without.toMap());
    run.report.raw("cold_start", raw);
    int n = run.options.coldStreams();
    for (Figures f : List.of(with, without)) {
      boolean targeted = f == with;
      run.report.row(SECTION, "first " + n + " /api/chat streams after start vs warm [" + f.label() + "]",
          String.format("%.2f× (%.1f vs %.1f ms per 1,000 chunks)", f.ratio(), f.cold(), f.warm()),
          targeted ? "≤ 1.5×" : null, targeted ? f.ratio() <= 1.5 : null,
          String.format("proxy CPU during the first %d streams (%d tokens at 20 ms), read from the first 200 on "
              + "GET / (start-up %.0f ms, not counted), vs the same burst after the warm-up; once more: %.1f ms",
              n, run.options.sweepTokens(), f.startupNanos() / 1e6, f.warmAgain()));
    }
    run.report.row(SECTION, "warm-up check: warm burst once more vs warm [" + with.label() + "]",
        String.format("%.2f×", with.warmAgain() / with.warm()), null, null,
        "near 1 when the warm-up is enough; 0-ms rounds then paced burst, CPU ms per 1,000 chunks: "
            + format(with.warmUpCurve()));
  }

  private ProxyProcess launch(boolean cds) throws IOException {
    return ProxyProcess.launch(launcher.launcher(), launcher.env(cds), run.sim.baseUrl(),
        run.tmp.resolve("proxy-sweep.log"), SweepPhase.PROXY_ARGS);
  }

  private Figures measure(boolean cds, String label) throws IOException {
    int n = run.options.coldStreams();
    int tokens = run.options.sweepTokens();
    long timeout = StreamBurst.timeoutSeconds(tokens, SweepPhase.INTERVAL.toMillis());
    try (ProxyProcess proxy = launch(cds)) {
      // The first reading right after the first 200 on GET /: the start-up's own CPU is not the burst's.
      BenchRun.Route api = SweepPhase.apiChat(proxy);
      double cold = burstCost(proxy, api, n, timeout, label + ", cold");
      List<Double> curve = new ArrayList<>(new ProxyWarmUp(run).run(proxy, api, SweepPhase.v1(proxy)));
      // One more burst of the measured size belongs to the warm-up here (no RSS is read in this part): after the
      // shared warm-up alone the next two bursts of 200 still differed by up to 1.4× in trial runs.
      curve.add(burstCost(proxy, api, n, timeout, label + ", warm-up"));
      double warm = burstCost(proxy, api, n, timeout, label + ", warm");
      double again = burstCost(proxy, api, n, timeout, label + ", warm again");
      return new Figures(label, proxy.startupNanos(), cold, warm, again, curve);
    }
  }

  /** The paced script must be set; returns the proxy's CPU ms per 1,000 chunks of one burst of {@code n}. */
  private double burstCost(ProxyProcess proxy, BenchRun.Route route, int n, long timeout, String who) {
    String paced = run.script(run.options.sweepTokens(), SweepPhase.INTERVAL, Duration.ZERO);
    long t0 = proxy.stats().cpuTicks();
    StreamBurst.Outcome o = StreamBurst.run(run, route, n, paced, timeout);
    long ticks = proxy.stats().cpuTicks() - t0;
    StreamBurst.reportErrors(run.report, "cold start " + who, o);
    return ProxyWarmUp.msPerThousand(ticks, (long) o.ok() * run.options.sweepTokens());
  }

  private static String format(List<Double> values) {
    return String.join(", ", values.stream().map(v -> String.format("%.1f", v)).toList());
  }
}
