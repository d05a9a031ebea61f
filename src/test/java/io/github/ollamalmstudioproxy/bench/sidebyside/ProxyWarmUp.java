package io.github.ollamalmstudioproxy.bench.sidebyside;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Warms a fresh proxy's JIT before section 9 measures it: rounds of streams whose tokens come at once (many chunks
 * per second, so the hot methods reach C2 quickly) on both {@code /api/chat} and {@code /v1}, then two small bursts
 * paced at 20 ms per token, the path the measured bursts take (one chunk per read, a flush per chunk).
 *
 * <p>The paced bursts are kept small (half a 0-ms round) so the heap they grow stays well below what the smallest
 * measured step needs, and RSS per additional stream still sees that step's streams.
 */
final class ProxyWarmUp {
  /**
   * Paced bursts after the 0-ms rounds: with one, the 200-stream burst that followed still cost up to 1.4× the one
   * after it (a run on 2026-12-02); the paced path's own methods need their share of invocations.
   */
  private static final int PACED_ROUNDS = 2;
  private static final long SETTLE_MILLIS = 1000;

  private final BenchRun run;

  ProxyWarmUp(BenchRun run) {
    this.run = run;
  }

  /**
   * Runs the warm-up; returns the proxy's CPU ms per 1,000 chunks of each 0-ms round, then of each paced burst, so
   * the report shows whether the cost had settled.
   */
  List<Double> run(ProxyProcess proxy, BenchRun.Route api, BenchRun.Route v1) {
    int tokens = run.options.sweepTokens();
    int streams = run.options.warmupStreams();
    List<Double> curve = new ArrayList<>();
    String fast = run.script(tokens, Duration.ZERO, Duration.ZERO);
    long timeout = StreamBurst.timeoutSeconds(tokens, SweepPhase.INTERVAL.toMillis());
    for (int round = 0; round < run.options.warmupRounds(); round++) {
      long t0 = proxy.stats().cpuTicks();
      int ok = 0;
      for (BenchRun.Route route : List.of(api, v1)) {
        StreamBurst.Outcome o = StreamBurst.run(run, route, streams, fast, timeout);
        StreamBurst.reportErrors(run.report, "warm-up " + route.label(), o);
        ok += o.ok();
      }
      curve.add(msPerThousand(proxy.stats().cpuTicks() - t0, ok * tokens));
    }
    String paced = run.script(tokens, SweepPhase.INTERVAL, Duration.ZERO);
    int pacedStreams = Math.max(1, streams / 2);
    for (int round = 0; round < PACED_ROUNDS; round++) {
      long t0 = proxy.stats().cpuTicks();
      StreamBurst.Outcome o = StreamBurst.run(run, api, pacedStreams, paced, timeout);
      StreamBurst.reportErrors(run.report, "warm-up paced " + api.label(), o);
      curve.add(msPerThousand(proxy.stats().cpuTicks() - t0, o.ok() * tokens));
      StreamBurst.reportErrors(run.report, "warm-up paced " + v1.label(),
          StreamBurst.run(run, v1, pacedStreams, paced, timeout));
    }
    // Lets the compiler threads finish what the last burst queued, so their CPU is not the next burst's.
    ProxyProcess.sleepMillis(SETTLE_MILLIS);
    return curve;
  }

  /** CPU milliseconds per 1,000 chunks, which is also CPU microseconds per chunk. */
  static double msPerThousand(long ticks, long chunks) {
    return chunks == 0 ? Double.NaN : ticks * (1000.0 / ProcStats.TICKS_PER_SECOND) * 1000.0 / chunks;
  }
}
