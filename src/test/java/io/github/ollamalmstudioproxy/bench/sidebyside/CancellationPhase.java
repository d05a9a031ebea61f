package io.github.ollamalmstudioproxy.bench.sidebyside;

import io.github.ollamalmstudioproxy.simulator.RecordedRequest;
import io.vertx.core.http.HttpClientRequest;
import java.time.Duration;
import java.util.List;

/**
 * Section 5: from the client's hang-up to the instant the simulator sees its own connection close, during a silent
 * prefill (nothing sent yet) and mid-stream (after three tokens). Direct runs give the floor: the same close seen
 * without a proxy in between.
 */
final class CancellationPhase {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final BenchRun run;

  CancellationPhase(BenchRun run) {
    this.run = run;
  }

  void run() {
    List<BenchRun.Route> routes = List.of(run.direct(), run.proxyV1(), run.proxyApi());
    Stats.Samples[] prefill = samples(routes.size());
    Stats.Samples[] midStream = samples(routes.size());
    run.script(5, Duration.ZERO, Duration.ofSeconds(60));
    for (int t = 0; t < run.options.cancelTrials(); t++) {
      for (int k = 0; k < routes.size(); k++) {
        BenchRun.Route route = routes.get(k);
        run.sim.log().clear();
        HttpClientRequest request = BenchClient.await(run.client.open(route.port(), route.path(), route.body()), 10);
        RecordedRequest upstream = run.sim.log().awaitRequest(BenchRun.V1_CHAT, WAIT);
        long hungUp = BenchClient.hangUp(request);
        prefill[k].add(run.sim.log().awaitClientClose(upstream, WAIT) - hungUp);
      }
    }
    run.script(200, Duration.ofMillis(20), Duration.ZERO);
    for (int t = 0; t < run.options.cancelTrials(); t++) {
      for (int k = 0; k < routes.size(); k++) {
        BenchRun.Route route = routes.get(k);
        run.sim.log().clear();
        StreamResult result = run.stream(route, 3, 30);
        if (result.hangUpNanos == 0) {
          run.report.failure("cancellation " + route.label() + ": stream ended before the hang-up: "
              + result.describe("?"));
          continue;
        }
        RecordedRequest upstream = run.sim.log().awaitRequest(BenchRun.V1_CHAT, WAIT);
        midStream[k].add(run.sim.log().awaitClientClose(upstream, WAIT) - result.hangUpNanos);
      }
    }
    run.sim.script().reset();
    String how = run.options.cancelTrials() + " trials each; client closes its connection, the simulator records "
        + "the close of the connection it serves";
    for (int k = 0; k < routes.size(); k++) {
      run.report.raw("cancel_prefill " + routes.get(k).label(), prefill[k].stats().toMillis());
      run.report.raw("cancel_midstream " + routes.get(k).label(), midStream[k].stats().toMillis());
    }
    for (int k = 1; k < routes.size(); k++) {
      row("during prefill, " + routes.get(k).label(), prefill[k].stats(), prefill[0].stats(), how);
      row("mid-stream, " + routes.get(k).label(), midStream[k].stats(), midStream[0].stats(), how);
    }
  }

  private void row(String what, Stats s, Stats direct, String how) {
    run.report.row("5 cancellation", "hang-up → backend close, " + what,
        String.format("p50 %.2f ms, p99 %.2f ms", Stats.ms(s.p50()), Stats.ms(s.p99())), "p99 < 20 ms",
        s.p99() < 20_000_000, String.format("direct p50 %.2f ms, p99 %.2f ms; %s", Stats.ms(direct.p50()),
            Stats.ms(direct.p99()), how));
  }

  private static Stats.Samples[] samples(int n) {
    Stats.Samples[] s = new Stats.Samples[n];
    for (int i = 0; i < n; i++) {
      s[i] = new Stats.Samples();
    }
    return s;
  }
}
