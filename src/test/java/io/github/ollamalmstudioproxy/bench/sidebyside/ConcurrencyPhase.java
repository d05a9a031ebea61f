package io.github.ollamalmstudioproxy.bench.sidebyside;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Section 3: N simultaneous {@code /api/chat} streams of M tokens at 20 ms per token, on a fresh proxy process per JVM
 * flag set (so peak RSS belongs to this load alone), after the same streams went direct once as a baseline.
 */
final class ConcurrencyPhase {
  private static final Duration INTERVAL = Duration.ofMillis(20);
  /**
   * The proxy refuses more than {@code --max-in-flight} backend requests (default 512, Ollama's own queue limit) with
   * 503 by design; this phase asks for 1,000 at once, so it raises the cap.
   */
  private static final List<String> PROXY_ARGS = List.of("--max-in-flight", "2048");

  private final BenchRun run;

  ConcurrencyPhase(BenchRun run) {
    this.run = run;
  }

  void run(Map<String, List<String>> flagSets) throws IOException {
    int n = run.options.concurrentStreams();
    int tokens = run.options.concurrentTokens();
    String expected = run.script(tokens, INTERVAL, Duration.ZERO);
    StreamBurst.Outcome direct = burst(run.direct(), n, expected);
    reportErrors("direct", direct);
    String ideal = String.format("ideal stream %d ms", tokens * INTERVAL.toMillis());
    run.report.row("3 concurrency", n + " direct streams (baseline)", direct.ok() + "/" + n + " correct", null, null,
        String.format("all done in %.2f s, mean stream %.0f ms (%s)", direct.wallNanos() / 1e9, direct.meanStreamMs(),
            ideal));
    Map<String, Object> raw = new LinkedHashMap<>();
    for (int repeat = 0; repeat < run.options.concurrentRepeats(); repeat++) {
      for (Map.Entry<String, List<String>> set : flagSets.entrySet()) {
        run.script(tokens, INTERVAL, Duration.ZERO);
        try (ProxyProcess proxy = ProxyProcess.start(run.options.java17(), set.getValue(), run.options.jar(),
            run.sim.baseUrl(), run.tmp.resolve("proxy-concurrency.log"), PROXY_ARGS)) {
          BenchRun.Route route = new BenchRun.Route("proxy /api/chat", proxy.port(), BenchRun.API_CHAT,
              BenchRun.apiChat(true), false);
          burst(route, Math.min(n, 100), expected);
          ProcStats before = proxy.stats();
          StreamBurst.Outcome outcome;
          long peak;
          try (ProcStats.PeakSampler sampler = new ProcStats.PeakSampler(proxy.pid(), 50)) {
            outcome = burst(route, n, expected);
            peak = sampler.peakKb();
          }
          ProcStats after = proxy.stats();
          peak = Math.max(peak, after.peakRssKb());
          reportErrors("proxy [" + set.getKey() + "]", outcome);
          double cpu = after.cpuSecondsSince(before);
          double perThousand = cpu / (outcome.ok() * (double) tokens / 1000.0);
          String label = set.getKey() + (run.options.concurrentRepeats() > 1 ? ", run " + (repeat + 1) : "");
          Map<String, Object> figures = new LinkedHashMap<>();
          figures.put("ok", outcome.ok());
          figures.put("cpu_seconds", cpu);
          figures.put("cpu_seconds_per_1000_chunks", perThousand);
          figures.put("peak_rss_mb", peak / 1024.0);
          figures.put("wall_seconds", outcome.wallNanos() / 1e9);
          figures.put("mean_stream_ms", outcome.meanStreamMs());
          raw.put(label, figures);
          run.report.row("3 concurrency", n + " /api/chat streams, zero errors [" + label + "]",
              outcome.ok() + "/" + n + " correct", "all", outcome.ok() == n,
              String.format("all done in %.2f s, mean stream %.0f ms (%s); proxy started with %s",
                  outcome.wallNanos() / 1e9, outcome.meanStreamMs(), ideal, String.join(" ", PROXY_ARGS)));
          run.report.row("3 concurrency", "proxy CPU per 1,000 chunks [" + label + "]",
              String.format("%.3f CPU s", perThousand), null, null,
              String.format("%.2f CPU s for %d chunks (utime+stime from /proc)", cpu, outcome.ok() * tokens));
          run.report.row("3 concurrency", "proxy peak RSS [" + label + "]", String.format("%.0f MB", peak / 1024.0),
              "< 256 MB", peak < 256 * 1024, "VmRSS sampled every 50 ms and VmHWM, fresh process");
        }
      }
    }
    run.report.raw("concurrency", raw);
  }

  private void reportErrors(String who, StreamBurst.Outcome outcome) {
    StreamBurst.reportErrors(run.report, "concurrency " + who, outcome);
  }

  private StreamBurst.Outcome burst(BenchRun.Route route, int n, String expected) {
    return StreamBurst.run(run, route, n, expected,
        StreamBurst.timeoutSeconds(run.options.concurrentTokens(), INTERVAL.toMillis()));
  }
}
