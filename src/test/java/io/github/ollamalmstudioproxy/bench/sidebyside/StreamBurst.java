package io.github.ollamalmstudioproxy.bench.sidebyside;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * N simultaneous streams over one route, all sent at once, each checked for the exact content and its end marker:
 * the burst sections 3 and 9 measure.
 */
final class StreamBurst {
  /** How many failed streams a report quotes. */
  private static final int ERRORS_KEPT = 3;

  private StreamBurst() {}

  /**
   * What a burst gave: streams that were correct, the time until the last one ended, the mean time from sending a
   * request to its last content chunk (correct streams only) and the first few errors.
   */
  record Outcome(int n, int ok, long wallNanos, double meanStreamMs, List<String> errors) {
    boolean allCorrect() {
      return ok == n;
    }
  }

  /** Sends {@code n} requests at once and waits for every answer, at most {@code timeoutSeconds} each. */
  static Outcome run(BenchRun run, BenchRun.Route route, int n, String expected, long timeoutSeconds) {
    run.sim.log().clear();
    long start = System.nanoTime();
    List<Future<StreamResult>> futures = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      futures.add(run.client.stream(route.port(), route.path(), route.body(), route.sse(), 0));
    }
    int ok = 0;
    double totalMs = 0;
    List<String> errors = new ArrayList<>();
    for (Future<StreamResult> f : futures) {
      StreamResult r;
      try {
        r = BenchClient.await(f, timeoutSeconds);
      } catch (IllegalStateException e) {
        if (errors.size() < ERRORS_KEPT) {
          errors.add(e.getMessage());
        }
        continue;
      }
      if (r.correct(expected)) {
        ok++;
        totalMs += (r.arrivals.get(r.arrivals.size() - 1) - r.sendNanos) / 1e6;
      } else if (errors.size() < ERRORS_KEPT) {
        errors.add(r.describe(expected));
      }
    }
    run.sim.log().clear();
    return new Outcome(n, ok, System.nanoTime() - start, ok == 0 ? 0 : totalMs / ok, errors);
  }

  /** A generous bound for one stream of {@code tokens} tokens {@code intervalMillis} apart under load. */
  static long timeoutSeconds(int tokens, long intervalMillis) {
    return 60 + tokens * intervalMillis * 10 / 1000;
  }

  /** Every stream that failed is a failure of the run. */
  static void reportErrors(Report report, String who, Outcome outcome) {
    if (!outcome.allCorrect()) {
      report.failure(who + ": " + (outcome.n() - outcome.ok()) + " of " + outcome.n() + " streams failed, e.g. "
          + outcome.errors());
    }
  }
}
