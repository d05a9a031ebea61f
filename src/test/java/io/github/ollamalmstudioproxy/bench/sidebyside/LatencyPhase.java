package io.github.ollamalmstudioproxy.bench.sidebyside;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sections 1, 2 and 7 (TTFT part): time to first token and the gaps between chunks, direct and proxied, interleaved.
 *
 * <p>TTFT runs one request at a time, rotating through direct, proxy {@code /v1}, proxy {@code /api/chat} and nginx so
 * drifting machine load hits all alike. The simulator answers at once (no prefill, no token interval), so what is
 * left is the cost of the hop. Gaps run the routes side by side at a fixed token rate.
 */
final class LatencyPhase {
  private final BenchRun run;

  LatencyPhase(BenchRun run) {
    this.run = run;
  }

  void ttft() {
    String expected = run.script(5, Duration.ZERO, Duration.ZERO);
    List<BenchRun.Route> routes = new ArrayList<>(List.of(run.direct(), run.proxyV1(), run.proxyApi()));
    if (run.nginxV1() != null) {
      routes.add(run.nginxV1());
    }
    Map<String, Stats.Samples> ttft = new LinkedHashMap<>();
    routes.forEach(r -> ttft.put(r.label(), new Stats.Samples()));
    int failed = 0;
    int total = run.options.ttftWarmup() + run.options.ttftSamples();
    for (int i = 0; i < total; i++) {
      for (int k = 0; k < routes.size(); k++) {
        BenchRun.Route route = routes.get((i + k) % routes.size());
        StreamResult result = run.stream(route, 0, 30);
        if (!result.correct(expected)) {
          failed++;
          if (failed <= 5) {
            run.report.failure("TTFT " + route.label() + ": " + result.describe(expected));
          }
        } else if (i >= run.options.ttftWarmup()) {
          ttft.get(route.label()).add(result.firstTokenNanos());
        }
      }
    }
    if (failed > 5) {
      run.report.failure("TTFT: " + failed + " requests failed in all");
    }
    Stats direct = ttft.get("direct").stats();
    Map<String, Object> raw = new LinkedHashMap<>();
    ttft.forEach((k, v) -> raw.put(k, v.stats().toMillis()));
    run.report.raw("ttft", raw);
    String how = "sequential, " + run.options.ttftSamples() + " samples per route after " + run.options.ttftWarmup()
        + " warm-up rounds; 5 tokens, no prefill, no token interval";
    added("1 TTFT", "/v1/chat/completions (passthrough)", ttft.get("proxy /v1").stats(), direct, how);
    added("1 TTFT", "/api/chat (translated)", ttft.get("proxy /api/chat").stats(), direct, how);
    if (ttft.containsKey("nginx /v1")) {
      added("7 nginx", "/v1/chat/completions via nginx", ttft.get("nginx /v1").stats(), direct, how);
    }
  }

  private void added(String section, String what, Stats via, Stats direct, String how) {
    long p50 = via.p50() - direct.p50();
    long p99 = via.p99() - direct.p99();
    boolean nginx = section.startsWith("7");
    run.report.row(section, "added TTFT p50, " + what, String.format("%.3f ms", Stats.ms(p50)),
        nginx ? null : "< 1 ms", nginx ? null : p50 < 1_000_000,
        String.format("p50 %.3f ms vs direct %.3f ms; %s", Stats.ms(via.p50()), Stats.ms(direct.p50()), how));
    run.report.row(section, "added TTFT p99, " + what, String.format("%.3f ms", Stats.ms(p99)),
        nginx ? null : "< 5 ms", nginx ? null : p99 < 5_000_000,
        String.format("p99 %.3f ms vs direct %.3f ms", Stats.ms(via.p99()), Stats.ms(direct.p99())));
  }

  void gaps() {
    int tokens = run.options.gapTokens();
    String expected = run.script(tokens, Duration.ofMillis(10), Duration.ZERO);
    List<BenchRun.Route> routes = List.of(run.direct(), run.proxyV1(), run.proxyApi());
    Map<String, Stats.Samples> gaps = new LinkedHashMap<>();
    routes.forEach(r -> gaps.put(r.label(), new Stats.Samples()));
    for (int s = 0; s < run.options.gapStreams(); s++) {
      // The three routes stream at the same time, so they see the same machine.
      var futures = routes.stream()
          .map(r -> run.client.stream(r.port(), r.path(), r.body(), r.sse(), 0)).toList();
      for (int k = 0; k < routes.size(); k++) {
        StreamResult result = BenchClient.await(futures.get(k), 60);
        if (!result.correct(expected)) {
          run.report.failure("gaps " + routes.get(k).label() + ": " + result.describe(expected));
          continue;
        }
        Stats.Samples target = gaps.get(routes.get(k).label());
        for (int i = 1; i < result.arrivals.size(); i++) {
          target.add(result.arrivals.get(i) - result.arrivals.get(i - 1));
        }
      }
    }
    Map<String, Object> raw = new LinkedHashMap<>();
    gaps.forEach((k, v) -> raw.put(k, v.stats().toMillis()));
    run.report.raw("inter_token_gaps", raw);
    Stats direct = gaps.get("direct").stats();
    for (String via : List.of("proxy /v1", "proxy /api/chat")) {
      Stats s = gaps.get(via).stats();
      double addedMean = s.mean() - direct.mean();
      run.report.row("2 per chunk", "added delay per chunk, " + via + " (mean gap)",
          String.format("%.1f µs", Stats.us(addedMean)), "< 50 µs", addedMean < 50_000,
          String.format("mean gap %.3f ms vs direct %.3f ms; p50 %+.1f µs, p99 %+.1f µs; %d streams side by side, "
              + "%d tokens at 10 ms", Stats.ms((long) s.mean()), Stats.ms((long) direct.mean()),
              Stats.us(s.p50() - direct.p50()), Stats.us(s.p99() - direct.p99()), run.options.gapStreams(), tokens));
    }
  }
}
