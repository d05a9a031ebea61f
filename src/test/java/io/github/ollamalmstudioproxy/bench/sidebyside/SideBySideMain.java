package io.github.ollamalmstudioproxy.bench.sidebyside;

import io.github.ollamalmstudioproxy.simulator.LmStudioSimulator;
import io.github.ollamalmstudioproxy.simulator.SimulatorOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The side-by-side benchmark: the proxy (its own JVM, from the shaded jar) measured against the LM Studio simulator
 * reached directly, and against nginx for the {@code /v1} passthrough, in one run. Run it with {@code bench/run.sh};
 * BENCHMARKS.md explains the method.
 *
 * <p>The simulator and the load client share this JVM on separate Vert.x instances; only the proxy and nginx run
 * elsewhere. Exit code 0 when every request completed correctly, 1 otherwise; targets are reported, not enforced.
 */
public final class SideBySideMain {
  private static Set<String> selected = Set.of();

  private SideBySideMain() {}

  public static void main(String[] args) throws Exception {
    BenchOptions options = BenchOptions.parse(args);
    if (!Files.isRegularFile(options.jar())) {
      System.err.println("bench: " + options.jar() + " is missing; build it with 'mvn -B -q -DskipTests package'");
      System.exit(2);
    }
    selected = options.phases();
    String loadBefore = Machine.loadAverage();
    Report report = new Report();
    Path tmp = Files.createTempDirectory("ollama-proxy-bench-");
    long started = System.nanoTime();
    int exit;
    try (LmStudioSimulator sim = LmStudioSimulator.start(SimulatorOptions.defaults());
        BenchClient client = new BenchClient(2, 2048)) {
      BenchRun run = new BenchRun(options, report, sim, client, tmp);
      Map<String, List<String>> flagSets = flagSets(options);
      phase(report, "6 start-up and idle RSS", () -> new StartupPhase(run).run(flagSets));
      run.proxy = ProxyProcess.start(options.java17(), options.proxyJavaOpts(), options.jar(), sim.baseUrl(),
          tmp.resolve("proxy.log"));
      Path nginx = NginxProcess.find();
      if (options.nginx() && nginx != null) {
        run.nginx = NginxProcess.start(nginx, tmp.resolve("nginx"), sim.port());
      } else {
        report.note(options.nginx() ? "nginx is not installed (apt-get install nginx): section 7 and section 10's"
            + " nginx reference skipped" : "--no-nginx: section 7 and section 10's nginx reference skipped");
      }
      LatencyPhase latency = new LatencyPhase(run);
      phase(report, "1 time to first token", latency::ttft);
      phase(report, "2 inter-token gaps", latency::gaps);
      phase(report, "4 throughput", () -> new ThroughputPhase(run).run());
      phase(report, "5 cancellation", () -> new CancellationPhase(run).run());
      phase(report, RewritePhase.SECTION, () -> new RewritePhase(run).run());
      run.proxy.close();
      if (run.nginx != null) {
        run.nginx.close();
      }
      phase(report, "3 concurrent streams", () -> new ConcurrencyPhase(run).run(flagSets));
      phase(report, FleetPhase.SECTION, () -> new FleetPhase(run).run());
      phase(report, "9 streaming cost with concurrency", () -> new SweepPhase(run).run());
      phase(report, NodeTtftPhase.SECTION, () -> new NodeTtftPhase(run).run());
      phase(report, JmhPhase.SECTION, () -> new JmhPhase(run).run());
      report.raw("elapsed_seconds", (System.nanoTime() - started) / 1e9);
      Map<String, Object> machine = Machine.describe(options, loadBefore);
      report.write(options.outDir(), machine);
      System.out.println("\nwrote " + options.outDir().resolve("latest.md") + " and latest.json in "
          + Math.round((System.nanoTime() - started) / 1e9) + " s");
      exit = report.failures().isEmpty() ? 0 : 1;
    } finally {
      Children.stopAll();
      deleteTree(tmp);
    }
    if (exit != 0) {
      System.out.println("FAILED: " + report.failures().size() + " failure(s); see latest.md");
    }
    System.exit(exit);
  }

  /** The proxy's flags first (the targets apply to them), then JVM defaults and any extra sets to compare. */
  private static Map<String, List<String>> flagSets(BenchOptions options) {
    Map<String, List<String>> sets = new LinkedHashMap<>();
    sets.put(options.proxyJavaOpts().isEmpty() ? "JVM defaults" : String.join(" ", options.proxyJavaOpts()),
        options.proxyJavaOpts());
    if (!options.proxyJavaOpts().isEmpty()) {
      sets.put("JVM defaults", List.of());
    }
    for (List<String> extra : options.compareJavaOpts()) {
      sets.put(String.join(" ", extra), extra);
    }
    return sets;
  }

  /** The temp directory holds logs, nginx's files and the CDS/AOT archives (about 70 MB); set BENCH_KEEP_TMP=1 to keep it. */
  private static void deleteTree(Path dir) {
    if ("1".equals(System.getenv("BENCH_KEEP_TMP"))) {
      System.out.println("kept " + dir);
      return;
    }
    try (var paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      System.err.println("bench: could not delete " + dir + ": " + e.getMessage());
    }
  }

  private interface Phase {
    void run() throws Exception;
  }

  /** Runs one phase; a phase that breaks is a failure of the run, and the next phases still run. */
  private static void phase(Report report, String name, Phase phase) {
    if (!selected.contains(name.substring(0, name.indexOf(' ')))) {
      return;
    }
    long t0 = System.nanoTime();
    System.out.printf("%n== %s ==%n", name);
    try {
      phase.run();
    } catch (Exception | AssertionError e) {
      report.failure("phase " + name + " broke off: " + e);
    }
    System.out.printf("   (%.1f s)%n", (System.nanoTime() - t0) / 1e9);
  }
}
