package io.github.ollamalmstudioproxy.bench.sidebyside;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Section 9: streaming cost with concurrency. For each step N of the sweep, N simultaneous streams of the section 3
 * script over four routes in one run — direct, nginx's SSE passthrough, the proxy's {@code /v1} passthrough and its
 * translated {@code /api/chat} — on a fresh proxy per step started by the launcher, after a warm-up; and, before the
 * sweep, the first streams after a cold start ({@link ColdStartBurst}).
 */
final class SweepPhase {
  static final String SECTION = "9 sweep";
  static final Duration INTERVAL = Duration.ofMillis(20);
  /**
   * Every stream of the sweep must be admitted. With the defaults (512 in flight per backend, a queue of 512) the
   * proxy takes 1,024 streams at once and refuses the rest with 503 by design; 2,048 in flight sends all 2,000 to
   * the backend at once, as nginx does, and puts the proxy's own bound ({@code Fleet.totalAdmission}: every
   * backend's max in flight plus the queue length, 2,560) above 2,000. Its backend pool holds 2,048 connections.
   */
  static final List<String> PROXY_ARGS = List.of("--max-in-flight", "2048");

  private static final long IDLE_SAMPLE_MILLIS = 2000;

  private final BenchRun run;

  SweepPhase(BenchRun run) {
    this.run = run;
  }

  static BenchRun.Route apiChat(ProxyProcess proxy) {
    return new BenchRun.Route("proxy /api/chat", proxy.port(), BenchRun.API_CHAT, BenchRun.apiChat(true), false);
  }

  static BenchRun.Route v1(ProxyProcess proxy) {
    return new BenchRun.Route("proxy /v1", proxy.port(), BenchRun.V1_CHAT, BenchRun.v1Chat(true), true);
  }

  void run() throws IOException {
    LauncherCopy launcher = LauncherCopy.create(run.options, run.tmp.resolve("launcher"));
    try {
      new ColdStartBurst(run, launcher).run();
    } catch (IOException | RuntimeException | AssertionError e) {
      run.report.failure("section 9 cold start broke off: " + e);
    }
    Path nginxBinary = NginxProcess.find();
    NginxProcess nginx = null;
    if (run.options.nginx() && nginxBinary != null) {
      nginx = NginxProcess.start(nginxBinary, run.tmp.resolve("nginx-sweep"), run.sim.port());
    } else {
      run.report.note("section 9 runs without its nginx reference (" + (run.options.nginx() ? "not installed"
          : "--no-nginx") + ")");
    }
    try {
      List<SweepReport.Step> steps = new ArrayList<>();
      for (int n : run.options.sweepSteps()) {
        System.out.printf("   %d streams...%n", n);
        steps.add(step(launcher, nginx, n));
      }
      new SweepReport(run.report, run.options.sweepTokens()).write(steps, nginx != null);
    } finally {
      if (nginx != null) {
        nginx.close();
      }
    }
  }

  /** One step: a fresh proxy (its peak RSS is this step's), warmed up, then each route in turn at N streams. */
  private SweepReport.Step step(LauncherCopy launcher, NginxProcess nginx, int n) throws IOException {
    SweepStep step = new SweepStep(run);
    try (ProxyProcess proxy = ProxyProcess.launch(launcher.launcher(), launcher.env(true), run.sim.baseUrl(),
        run.tmp.resolve("proxy-sweep.log"), PROXY_ARGS)) {
      List<Double> curve = new ProxyWarmUp(run).run(proxy, apiChat(proxy), v1(proxy));
      LongSupplier proxyCpu = () -> proxy.stats().cpuTicks();
      // The proxy's CPU with no request at all (timers, probes, late JIT work): a cost per second, not per chunk,
      // which weighs more per chunk at small steps, where fewer chunks pass per second.
      long idle0 = proxyCpu.getAsLong();
      ProxyProcess.sleepMillis(IDLE_SAMPLE_MILLIS);
      double idleMsPerSecond = (proxyCpu.getAsLong() - idle0) * (1000.0 / ProcStats.TICKS_PER_SECOND)
          / (IDLE_SAMPLE_MILLIS / 1000.0);
      SweepStep.Figures direct = step.measure(run.direct(), n, null, null);
      SweepStep.Figures viaNginx = nginx == null ? null
          : step.measure(new BenchRun.Route("nginx /v1", nginx.port(), BenchRun.V1_CHAT, BenchRun.v1Chat(true), true),
              n, nginx::cpuTicks, null);
      // /api/chat first after the warm-up: the proxy's heap has not yet grown for N streams, so the RSS it adds
      // for them is measured.
      SweepStep.Figures api = step.measure(apiChat(proxy), n, proxyCpu, proxy);
      SweepStep.Figures passthrough = step.measure(v1(proxy), n, proxyCpu, null);
      return new SweepReport.Step(n, direct, viaNginx, passthrough, api, curve, idleMsPerSecond);
    }
  }
}
