package io.github.ollamalmstudioproxy.bench.sidebyside;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * One step of section 9's sweep on one route: N streams of the paced script at once, after N short unmeasured
 * streams that open the N connections (client → route → simulator), so the measured bursts stream over open
 * connections on every route alike. Repeated until at least {@code --sweep-min-chunks} chunks were counted, so the
 * 10 ms resolution of /proc CPU time stays small next to the figure.
 */
final class SweepStep {
  /** Tokens of a priming stream: enough for a complete answer, too few to cost anything. */
  private static final int PRIME_TOKENS = 2;

  /**
   * What one route cost at one step. {@code cpuSeconds} is NaN where the route has no process of its own (direct);
   * the RSS figures are 0 where they were not measured.
   */
  record Figures(String route, int n, int streams, int ok, long chunks, double cpuSeconds, double meanStreamMs,
      long rssBeforeKb, long peakRssKb) {
    /** CPU milliseconds per 1,000 chunks (= microseconds per chunk). */
    double cpuMsPerThousand() {
      return cpuSeconds * 1e6 / chunks;
    }

    /** (peak RSS during the step − RSS just before it) / N, in KB. */
    double rssPerStreamKb() {
      return (peakRssKb - rssBeforeKb) / (double) n;
    }

    boolean memory() {
      return peakRssKb > 0;
    }

    Map<String, Object> toMap(Figures direct) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("route", route);
      m.put("n", n);
      m.put("streams", streams);
      m.put("correct", ok);
      m.put("chunks", chunks);
      m.put("cpu_seconds", Double.isNaN(cpuSeconds) ? null : cpuSeconds);
      m.put("cpu_ms_per_1000_chunks", Double.isNaN(cpuSeconds) ? null : cpuMsPerThousand());
      m.put("mean_stream_ms", meanStreamMs);
      m.put("mean_stream_vs_direct", direct == null ? null : meanStreamMs / direct.meanStreamMs());
      if (memory()) {
        m.put("rss_before_mb", rssBeforeKb / 1024.0);
        m.put("peak_rss_mb", peakRssKb / 1024.0);
        m.put("rss_per_additional_stream_kb", rssPerStreamKb());
      }
      return m;
    }
  }

  private final BenchRun run;

  SweepStep(BenchRun run) {
    this.run = run;
  }

  /**
   * Measures {@code route} at {@code n} streams. {@code cpu} reads the route's CPU ticks (null: not measured);
   * {@code memoryOf}, when not null, is the proxy whose peak RSS belongs to this step: its VmHWM is reset and its
   * RSS read just before the priming streams, and VmRSS is sampled every 50 ms until the last burst ends.
   */
  Figures measure(BenchRun.Route route, int n, LongSupplier cpu, ProxyProcess memoryOf) {
    int tokens = run.options.sweepTokens();
    long timeout = StreamBurst.timeoutSeconds(tokens, SweepPhase.INTERVAL.toMillis());
    int rounds = (int) Math.max(1, Math.ceil(run.options.sweepMinChunks() / ((double) n * tokens)));
    long rssBefore = 0;
    long peak = 0;
    ProcStats.PeakSampler sampler = null;
    if (memoryOf != null) {
      if (!memoryOf.resetPeak()) {
        run.report.note("could not reset VmHWM of the proxy (/proc/<pid>/clear_refs): its peak RSS may predate the step");
      }
      rssBefore = memoryOf.stats().rssKb();
      sampler = new ProcStats.PeakSampler(memoryOf.pid(), 50);
    }
    try {
      String prime = run.script(PRIME_TOKENS, Duration.ZERO, Duration.ZERO);
      StreamBurst.reportErrors(run.report, "sweep " + n + " priming " + route.label(),
          StreamBurst.run(run, route, n, prime, timeout));
      String paced = run.script(tokens, SweepPhase.INTERVAL, Duration.ZERO);
      long t0 = cpu == null ? 0 : cpu.getAsLong();
      int ok = 0;
      double totalMs = 0;
      for (int r = 0; r < rounds; r++) {
        StreamBurst.Outcome o = StreamBurst.run(run, route, n, paced, timeout);
        StreamBurst.reportErrors(run.report, "sweep " + n + " " + route.label(), o);
        ok += o.ok();
        totalMs += o.meanStreamMs() * o.ok();
      }
      long t1 = cpu == null ? 0 : cpu.getAsLong();
      // nginx's reading is -1 when a worker could not be read.
      double cpuSeconds = cpu == null || t0 < 0 || t1 < 0 ? Double.NaN
          : (t1 - t0) / (double) ProcStats.TICKS_PER_SECOND;
      if (memoryOf != null) {
        peak = Math.max(sampler.peakKb(), memoryOf.stats().peakRssKb());
      }
      return new Figures(route.label(), n, n * rounds, ok, (long) ok * tokens, cpuSeconds, ok == 0 ? 0 : totalMs / ok,
          rssBefore, peak);
    } finally {
      if (sampler != null) {
        sampler.close();
      }
    }
  }
}
