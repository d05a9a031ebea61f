package io.github.ollamalmstudioproxy.bench.sidebyside;

import io.github.ollamalmstudioproxy.simulator.LmStudioSimulator;
import io.github.ollamalmstudioproxy.simulator.RecordedRequest;
import io.github.ollamalmstudioproxy.simulator.SimulatorOptions;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Section 8, several backends behind one endpoint: N simultaneous {@code /api/chat} streams, each its own
 * conversation, through a proxy with three {@code --backend}s (three simulators), through a proxy whose only backend
 * is the first of them, and straight to that simulator, in turns, in one run.
 *
 * <p>Each simulator counts the streams it served (its own request log), so the shares come from the backends, not
 * from the proxy. The decision's time is the proxy's own measurement, {@code ollama_proxy_routing_decision} read off
 * {@code /metrics}. Every simulator reports N parallel predictions, so no backend is ever full and each stream goes
 * where its conversation's hash sends it (affinity): with LM Studio's default of 4, all but a few streams per
 * backend would go to the least busy.
 */
final class FleetPhase {
  static final String SECTION = "8 several backends";
  private static final Duration INTERVAL = Duration.ofMillis(20);
  private static final int BACKENDS = 3;
  /** As in section 3: the default cap of 512 requests in flight per backend refuses the rest of 1,000 with 503. */
  private static final List<String> PROXY_ARGS = List.of("--max-in-flight", "2048");
  private static final String DECISION = "ollama_proxy_routing_decision_seconds";
  private static final String ROUTED = "ollama_proxy_routed_requests_total";
  private static final String TTFT = "ollama_proxy_time_to_first_token_seconds";
  private static final Pattern CONVERSATION = Pattern.compile("Conversation (\\d+):");

  private final BenchRun run;
  private final long started = System.nanoTime();
  private int conversations;

  FleetPhase(BenchRun run) {
    this.run = run;
  }

  /**
   * One way to reach the simulators: a proxy with this many backends (null and 0 for direct), its port, the path
   * and the answer's framing.
   */
  private record Setup(String label, ProxyProcess proxy, int backends, int port, String path, boolean sse) {}

  /**
   * What one burst gave: streams that completed correctly, their times, when each correct one was sent (by its
   * conversation number), and a few examples of what went wrong.
   */
  private record Burst(int ok, long wallNanos, Stats ttft, Stats stream, Map<Integer, Long> sent,
      List<String> errors) {}

  /**
   * What the simulators saw of a burst: the streams each served; from a stream's sending to its arrival at a
   * simulator (the simulators share the client's clock), i.e. what the proxy spent before the backend had the
   * request; and the other requests they got meanwhile (the proxy's model-list fetches and probes).
   */
  private record Served(int[] streams, Stats toBackend, int otherRequests) {}

  void run() throws IOException {
    int n = run.options.fleetStreams();
    int tokens = run.options.fleetTokens();
    List<LmStudioSimulator> sims = new ArrayList<>();
    try {
      String expected = null;
      for (int i = 0; i < BACKENDS; i++) {
        LmStudioSimulator sim = LmStudioSimulator.start(SimulatorOptions.defaults());
        sims.add(sim);
        expected = script(sim, tokens, n);
      }
      List<String> fleetArgs = new ArrayList<>();
      for (LmStudioSimulator sim : sims.subList(1, BACKENDS)) {
        fleetArgs.addAll(List.of("--backend", sim.baseUrl()));
      }
      fleetArgs.addAll(PROXY_ARGS);
      try (ProxyProcess single = start(sims.get(0), PROXY_ARGS, "proxy-fleet-1.log");
          ProxyProcess fleet = start(sims.get(0), fleetArgs, "proxy-fleet-3.log")) {
        measure(sims, expected, List.of(
            new Setup("simulator direct", null, 0, sims.get(0).port(), BenchRun.V1_CHAT, true),
            new Setup("proxy, 1 backend", single, 1, single.port(), BenchRun.API_CHAT, false),
            new Setup("proxy, " + BACKENDS + " backends", fleet, BACKENDS, fleet.port(), BenchRun.API_CHAT, false)));
      }
    } finally {
      sims.forEach(LmStudioSimulator::close);
    }
  }

  private void measure(List<LmStudioSimulator> sims, String expected, List<Setup> setups) throws IOException {
    int n = run.options.fleetStreams();
    for (Setup setup : setups) {
      if (setup.proxy() != null) {
        burst(setup, Math.min(n, 100), expected); // JIT, connections to every backend, every catalog fetched
      }
    }
    served(sims, Map.of());
    Map<String, MetricsScrape> before = new LinkedHashMap<>();
    for (Setup setup : setups) {
      if (setup.proxy() != null) {
        before.put(setup.label(), MetricsScrape.of(setup.port()));
      }
    }
    Map<String, Object> raw = new LinkedHashMap<>();
    for (int round = 1; round <= run.options.fleetRounds(); round++) {
      // Bounded: a further round only while the section is within its budget (a busy machine slows every burst).
      long budgetSeconds = run.options.quick() ? 30 : 60;
      if (round > 1 && System.nanoTime() - started > budgetSeconds * 1_000_000_000L) {
        run.report.note("section 8: round " + round + " and later skipped, the section was past its "
            + budgetSeconds + " s budget");
        break;
      }
      Map<String, Burst> bursts = new LinkedHashMap<>();
      // Odd rounds direct, 1 backend, 3 backends; even rounds the other way round, so neither proxy always goes first.
      List<Setup> order = new ArrayList<>(setups);
      if (round % 2 == 0) {
        Collections.reverse(order);
      }
      for (Setup setup : order) {
        bursts.put(setup.label(), measured(setup, setup.label() + ", round " + round, sims, expected, raw));
      }
      Burst one = bursts.get(setups.get(1).label());
      Burst three = bursts.get(setups.get(2).label());
      run.report.row(SECTION, "3 backends minus 1 backend, round " + round,
          String.format("TTFT p50 %+.2f ms, p99 %+.2f ms", (three.ttft().p50() - one.ttft().p50()) / 1e6,
              (three.ttft().p99() - one.ttft().p99()) / 1e6), null, null,
          String.format("mean stream %+.0f ms", (three.stream().mean() - one.stream().mean()) / 1e6));
    }
    for (Setup setup : setups) {
      if (setup.proxy() != null) {
        MetricsScrape after = MetricsScrape.of(setup.port());
        raw.put("routing " + setup.label(), decision(setup, before.get(setup.label()), after));
      }
    }
    run.report.raw("several_backends", raw);
  }

  /** One measured burst through {@code setup}: its rows in the report and its figures in {@code raw}. */
  private Burst measured(Setup setup, String label, List<LmStudioSimulator> sims, String expected,
      Map<String, Object> raw) throws IOException {
    int n = run.options.fleetStreams();
    int tokens = run.options.fleetTokens();
    ProcStats cpuBefore = setup.proxy() == null ? null : setup.proxy().stats();
    MetricsScrape metricsBefore = setup.proxy() == null ? null : MetricsScrape.of(setup.port());
    Burst burst = burst(setup, n, expected);
    Served served = served(sims, burst.sent());
    Map<String, Object> figures = figures(burst, served);
    if (burst.ok() != n) {
      run.report.failure("several backends, " + label + ": " + (n - burst.ok()) + " of " + n
          + " streams failed, e.g. " + burst.errors());
    }
    String proxyFigures = "";
    if (cpuBefore != null) {
      double seconds = setup.proxy().stats().cpuSecondsSince(cpuBefore);
      double perThousand = seconds / (burst.ok() * (double) tokens / 1000.0);
      MetricsScrape metricsAfter = MetricsScrape.of(setup.port());
      double proxyTtft = mean(metricsBefore, metricsAfter, TTFT);
      double decisionMean = mean(metricsBefore, metricsAfter, DECISION);
      figures.put("cpu_seconds_per_1000_chunks", perThousand);
      figures.put("proxy_ttft_mean_ms", proxyTtft * 1e3);
      figures.put("routing_decision_mean_us", decisionMean * 1e6);
      proxyFigures = String.format("; the proxy's own TTFT (request in → first token out) mean %.2f ms, its routing"
          + " decision mean %.1f µs; proxy CPU %.3f s per 1,000 chunks (%.2f s for %d chunks)", proxyTtft * 1e3,
          decisionMean * 1e6, perThousand, seconds, burst.ok() * tokens);
    }
    run.report.row(SECTION, String.format("%d streams, %s", n, label),
        String.format("TTFT p50 %.2f ms, p99 %.2f ms", burst.ttft().p50() / 1e6, burst.ttft().p99() / 1e6),
        setup.proxy() == null ? null : "all correct", setup.proxy() == null ? null : burst.ok() == n,
        String.format("%d/%d correct; mean stream %.0f ms (ideal %d ms), all done in %.2f s; sent → at the backend"
            + " p50 %.2f ms, p99 %.2f ms%s; %d other requests reached the simulators meanwhile", burst.ok(), n,
            burst.stream().mean() / 1e6, tokens * INTERVAL.toMillis(), burst.wallNanos() / 1e9,
            served.toBackend().p50() / 1e6, served.toBackend().p99() / 1e6, proxyFigures, served.otherRequests()));
    if (setup.backends() > 1) {
      run.report.row(SECTION, "share of each backend, " + label, shares(served.streams()), null, null,
          "streams each simulator served, from its own request log");
    }
    raw.put(label, figures);
    return burst;
  }

  /** The proxy's own figures for its routing decisions, and (with several backends) the reasons it gave. */
  private Map<String, Object> decision(Setup setup, MetricsScrape before, MetricsScrape after) {
    double p50 = after.value(DECISION, "quantile", "0.5") * 1e6;
    double p99 = after.value(DECISION, "quantile", "0.99") * 1e6;
    double count = after.value(DECISION + "_count") - before.value(DECISION + "_count");
    double sum = after.value(DECISION + "_sum") - before.value(DECISION + "_sum");
    Map<String, Double> reasons = new TreeMap<>();
    for (MetricsScrape.Sample s : after.all(ROUTED)) {
      String reason = s.labels().get("reason");
      double earlier = 0;
      for (MetricsScrape.Sample b : before.all(ROUTED)) {
        if (b.labels().equals(s.labels())) {
          earlier = b.value();
        }
      }
      reasons.merge(reason, s.value() - earlier, Double::sum);
    }
    StringBuilder why = new StringBuilder();
    reasons.forEach((reason, c) -> why.append(why.length() == 0 ? "" : ", ").append(reason).append(' ')
        .append(Math.round(c)));
    run.report.row(SECTION, "routing decision, " + setup.label(), String.format("p50 %.1f µs, p99 %.1f µs", p50, p99),
        null, null, String.format("the proxy's own ollama_proxy_routing_decision quantiles from /metrics (its last"
            + " ~2 min: warm-up and every round), catalog lookup included; mean over the measured bursts %.1f µs"
            + " (%d decisions; reasons: %s)", count == 0 ? 0 : sum / count * 1e6, Math.round(count), why));
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("p50_us", p50);
    figures.put("p99_us", p99);
    figures.put("measured_decisions", Math.round(count));
    figures.put("mean_us", count == 0 ? 0 : sum / count * 1e6);
    figures.put("reasons", reasons);
    figures.put("peak_rss_mb", setup.proxy().stats().peakRssKb() / 1024.0);
    return figures;
  }

  /** The mean of what a timer recorded between two scrapes, in seconds (0 when it recorded nothing). */
  private static double mean(MetricsScrape before, MetricsScrape after, String timer) {
    double count = after.value(timer + "_count") - before.value(timer + "_count");
    return count == 0 ? 0 : (after.value(timer + "_sum") - before.value(timer + "_sum")) / count;
  }

  private static Map<String, Object> figures(Burst burst, Served served) {
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("ok", burst.ok());
    figures.put("wall_seconds", burst.wallNanos() / 1e9);
    figures.put("ttft", burst.ttft().toMillis());
    figures.put("stream", burst.stream().toMillis());
    figures.put("served_by_simulator", served.streams());
    figures.put("sent_to_backend", served.toBackend().toMillis());
    figures.put("other_requests_at_simulators", served.otherRequests());
    return figures;
  }

  private static String shares(int[] served) {
    int total = 0;
    for (int s : served) {
      total += s;
    }
    StringBuilder text = new StringBuilder();
    for (int s : served) {
      text.append(text.length() == 0 ? "" : " / ")
          .append(String.format("%d (%.1f %%)", s, total == 0 ? 0 : 100.0 * s / total));
    }
    return text.toString();
  }

  /** What the simulators received since the last call, which forgets it; {@code sent} as in {@link Burst}. */
  private static Served served(List<LmStudioSimulator> sims, Map<Integer, Long> sent) {
    int[] streams = new int[sims.size()];
    Stats.Samples toBackend = new Stats.Samples();
    int other = 0;
    for (int i = 0; i < sims.size(); i++) {
      for (RecordedRequest r : sims.get(i).log().all()) {
        if (!r.pathOnly().equals(BenchRun.V1_CHAT)) {
          other++;
          continue;
        }
        streams[i]++;
        Matcher m = CONVERSATION.matcher(r.body());
        Long at = m.find() ? sent.get(Integer.parseInt(m.group(1))) : null;
        if (at != null) {
          toBackend.add(r.receivedNanos() - at);
        }
      }
      sims.get(i).log().clear();
    }
    return new Served(streams, toBackend.stats(), other);
  }

  private ProxyProcess start(LmStudioSimulator first, List<String> args, String log) throws IOException {
    return ProxyProcess.start(run.options.java17(), run.options.proxyJavaOpts(), run.options.jar(), first.baseUrl(),
        run.tmp.resolve(log), args);
  }

  /** The same answer on every simulator; each says it runs {@code parallel} predictions at once. */
  private static String script(LmStudioSimulator sim, int count, int parallel) {
    List<String> tokens = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      tokens.add(" t" + i);
    }
    sim.script().reset().tokens(tokens).tokenInterval(INTERVAL).prefillDelay(Duration.ZERO).parallel(parallel);
    sim.log().clear();
    return String.join("", tokens);
  }

  /** Conversation {@code id}: its first user message is what the proxy's affinity hashes. */
  private static Buffer conversation(int id) {
    return Buffer.buffer("{\"model\":\"" + BenchRun.MODEL + "\",\"stream\":true,\"messages\":[{\"role\":\"user\","
        + "\"content\":\"Conversation " + id + ": say something.\"}]}");
  }

  private Burst burst(Setup setup, int n, String expected) {
    long start = System.nanoTime();
    int first = conversations + 1;
    List<Future<StreamResult>> futures = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      futures.add(run.client.stream(setup.port(), setup.path(), conversation(++conversations), setup.sse(), 0));
    }
    Map<Integer, Long> sent = new HashMap<>();
    Stats.Samples ttft = new Stats.Samples();
    Stats.Samples stream = new Stats.Samples();
    List<String> errors = new ArrayList<>();
    // One deadline for the whole burst: ten ideal streams and 10 s (30 s in the full run, 14 s in the quick one).
    long deadline = start + 10_000_000_000L + 10 * run.options.fleetTokens() * INTERVAL.toNanos();
    for (int i = 0; i < n; i++) {
      Future<StreamResult> f = futures.get(i);
      StreamResult r;
      long left = deadline - System.nanoTime();
      if (left <= 0 && !f.isComplete()) {
        if (errors.size() < 3) {
          errors.add("no answer by the burst's deadline");
        }
        continue;
      }
      try {
        r = BenchClient.await(f, Math.max(1, left / 1_000_000_000L));
      } catch (IllegalStateException e) {
        if (errors.size() < 3) {
          errors.add(e.getMessage());
        }
        continue;
      }
      if (r.correct(expected)) {
        sent.put(first + i, r.sendNanos);
        ttft.add(r.firstTokenNanos());
        stream.add(r.arrivals.get(r.arrivals.size() - 1) - r.sendNanos);
      } else if (errors.size() < 3) {
        errors.add(r.describe(expected));
      }
    }
    return new Burst(ttft.size(), System.nanoTime() - start, ttft.stats(), stream.stats(), sent, errors);
  }
}
