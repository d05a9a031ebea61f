package io.github.ollamalmstudioproxy.bench.sidebyside;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Section 9's figures: the target rows (at 1,000 streams, or the nearest step the sweep has), the whole sweep as a
 * table in latest.md and as {@code raw.sweep} in latest.json.
 */
final class SweepReport {
  /** One step of the sweep; {@code nginx} is null when nginx was not run. */
  record Step(int n, SweepStep.Figures direct, SweepStep.Figures nginx, SweepStep.Figures v1,
      SweepStep.Figures api, List<Double> warmUpCurve, double idleCpuMsPerSecond) {
    List<SweepStep.Figures> routes() {
      List<SweepStep.Figures> all = new ArrayList<>();
      all.add(direct);
      if (nginx != null) {
        all.add(nginx);
      }
      all.add(v1);
      all.add(api);
      return all;
    }
  }

  private static final String SECTION = SweepPhase.SECTION;
  private final Report report;
  private final int tokens;

  SweepReport(Report report, int tokens) {
    this.report = report;
    this.tokens = tokens;
  }

  void write(List<Step> steps, boolean withNginx) {
    if (steps.isEmpty()) {
      return;
    }
    Step low = steps.get(0);
    Step high = steps.get(steps.size() - 1);
    // The targets are set at 1,000 streams; a shorter sweep (--quick, --sweep) reports them at its largest step.
    Step m = steps.stream().filter(s -> s.n() == 1000).findFirst().orElse(high);
    raw(steps);
    table(steps);
    correct(steps);
    report.row(SECTION, "translated /api/chat CPU per chunk at " + m.n() + " streams",
        us(m.api().cpuMsPerThousand()), "≤ 25 µs", m.api().cpuMsPerThousand() <= 25,
        "same step: proxy /v1 " + us(m.v1().cpuMsPerThousand()) + (withNginx ? ", nginx /v1 "
            + us(m.nginx().cpuMsPerThousand()) : "") + "; proxy CPU (utime+stime) during the bursts / content chunks");
    if (withNginx) {
      double ratio = m.v1().cpuMsPerThousand() / m.nginx().cpuMsPerThousand();
      report.row(SECTION, "/v1 passthrough CPU per chunk vs nginx at " + m.n() + " streams",
          String.format("%.2f× (%s vs %s)", ratio, us(m.v1().cpuMsPerThousand()), us(m.nginx().cpuMsPerThousand())),
          "≤ 1.2×", ratio <= 1.2, "nginx: master and workers' CPU from /proc, proxy_buffering off, same run");
    } else {
      report.row(SECTION, "/v1 passthrough CPU per chunk vs nginx at " + m.n() + " streams", "no nginx", "≤ 1.2×",
          null, "nginx not run");
    }
    double apiGrowth = high.api().cpuMsPerThousand() / low.api().cpuMsPerThousand();
    report.row(SECTION, "/api/chat CPU per chunk, " + high.n() + " vs " + low.n() + " streams",
        String.format("%.2f× (%s vs %s)", apiGrowth, us(high.api().cpuMsPerThousand()),
            us(low.api().cpuMsPerThousand())), "≤ 1.2×", apiGrowth <= 1.2,
        String.format("translated; every step on a fresh, warmed-up proxy; its idle CPU before the bursts: %.1f "
            + "ms/s at %d, %.1f ms/s at %d", low.idleCpuMsPerSecond(), low.n(), high.idleCpuMsPerSecond(), high.n()));
    double v1Growth = high.v1().cpuMsPerThousand() / low.v1().cpuMsPerThousand();
    report.row(SECTION, "/v1 passthrough CPU per chunk, " + high.n() + " vs " + low.n() + " streams",
        String.format("%.2f× (%s vs %s)", v1Growth, us(high.v1().cpuMsPerThousand()),
            us(low.v1().cpuMsPerThousand())), null, null, withNginx ? String.format("nginx: %.2f× (%s vs %s)",
            high.nginx().cpuMsPerThousand() / low.nginx().cpuMsPerThousand(), us(high.nginx().cpuMsPerThousand()),
            us(low.nginx().cpuMsPerThousand())) : "no nginx");
    for (Step s : steps) {
      SweepStep.Figures api = s.api();
      report.row(SECTION, "/api/chat RSS per additional stream at " + s.n() + " streams",
          String.format("%.1f KB", api.rssPerStreamKb()), "≤ 64 KB", api.rssPerStreamKb() <= 64,
          String.format("(peak %.1f MB − %.1f MB just before) / %d; fresh proxy, after the warm-up", mb(api.peakRssKb()),
              mb(api.rssBeforeKb()), s.n()));
    }
    report.row(SECTION, "/api/chat peak RSS at " + m.n() + " streams", String.format("%.0f MB", mb(m.api().peakRssKb())),
        "≤ 135 MB", mb(m.api().peakRssKb()) <= 135, String.format("VmRSS sampled every 50 ms and VmHWM (reset just "
            + "before the step); %.0f MB just before", mb(m.api().rssBeforeKb())));
    boolean proxyAll = high.api().ok() == high.api().streams() && high.v1().ok() == high.v1().streams();
    report.row(SECTION, high.n() + " streams with zero errors [proxy /api/chat and /v1]",
        String.format("%d/%d and %d/%d correct", high.api().ok(), high.api().streams(), high.v1().ok(),
            high.v1().streams()), "all", proxyAll, "same step: " + counts(high.direct())
            + (withNginx ? ", " + counts(high.nginx()) : ""));
    report.row(SECTION, "/api/chat mean stream time at " + m.n() + " streams vs direct",
        String.format("%.2f× (%.0f vs %.0f ms)", vsDirect(m, m.api()), m.api().meanStreamMs(),
            m.direct().meanStreamMs()), "≤ 1.15×", vsDirect(m, m.api()) <= 1.15,
        String.format("same step: proxy /v1 %.2f×%s; ideal stream %d ms", vsDirect(m, m.v1()),
            withNginx ? String.format(", nginx /v1 %.2f×", vsDirect(m, m.nginx())) : "",
            tokens * SweepPhase.INTERVAL.toMillis()));
  }

  private void correct(List<Step> steps) {
    int ok = 0;
    int all = 0;
    for (Step s : steps) {
      for (SweepStep.Figures f : s.routes()) {
        ok += f.ok();
        all += f.streams();
      }
    }
    report.row(SECTION, "streams correct, every step and route", ok + "/" + all, "all", ok == all,
        "steps " + String.join(", ", steps.stream().map(s -> Integer.toString(s.n())).toList())
            + "; the priming and warm-up streams are checked too (a failure fails the run)");
  }

  private void raw(List<Step> steps) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Step s : steps) {
      for (SweepStep.Figures f : s.routes()) {
        rows.add(f.toMap(s.direct()));
      }
    }
    Map<String, Object> warmUp = new LinkedHashMap<>();
    steps.forEach(s -> warmUp.put(Integer.toString(s.n()), s.warmUpCurve()));
    report.raw("sweep", rows);
    report.raw("sweep_warmup_cpu_ms_per_1000_chunks", warmUp);
    Map<String, Object> idle = new LinkedHashMap<>();
    steps.forEach(s -> idle.put(Integer.toString(s.n()), s.idleCpuMsPerSecond()));
    report.raw("sweep_proxy_idle_cpu_ms_per_second", idle);
  }

  private void table(List<Step> steps) {
    List<List<String>> rows = new ArrayList<>();
    for (Step s : steps) {
      for (SweepStep.Figures f : s.routes()) {
        rows.add(List.of(Integer.toString(s.n()), f.route(), f.ok() + "/" + f.streams(),
            Double.isNaN(f.cpuSeconds()) ? "–" : String.format("%.1f", f.cpuMsPerThousand()),
            String.format("%.0f", f.meanStreamMs()), String.format("%.2f×", vsDirect(s, f)),
            f.memory() ? String.format("%.0f → %.0f", mb(f.rssBeforeKb()), mb(f.peakRssKb())) : "–",
            f.memory() ? String.format("%.1f", f.rssPerStreamKb()) : "–"));
      }
    }
    report.table("Section 9: streaming cost with concurrency (CPU ms per 1,000 chunks = µs per chunk)",
        List.of("Streams", "Route", "Correct", "CPU ms / 1,000 chunks", "Mean stream ms", "× direct",
            "RSS before → peak MB", "KB per added stream"), rows);
  }

  private static double vsDirect(Step s, SweepStep.Figures f) {
    return f.meanStreamMs() / s.direct().meanStreamMs();
  }

  private static String counts(SweepStep.Figures f) {
    return f.route() + " " + f.ok() + "/" + f.streams();
  }

  private static String us(double msPerThousand) {
    return String.format("%.1f µs", msPerThousand);
  }

  private static double mb(long kb) {
    return kb / 1024.0;
  }
}
