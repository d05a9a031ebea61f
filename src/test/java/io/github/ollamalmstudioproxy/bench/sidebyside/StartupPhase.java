package io.github.ollamalmstudioproxy.bench.sidebyside;

import io.vertx.core.http.HttpMethod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Section 6: start-up (process spawned → first 200 on {@code GET /}) and idle RSS (after a handful of requests and a
 * pause), on JDK 17 and JDK 25, with and without a class-data archive: AppCDS on 17 and an AOT cache on 25.
 */
final class StartupPhase {
  private final BenchRun run;

  StartupPhase(BenchRun run) {
    this.run = run;
  }

  private record Config(String label, Path java, List<String> flags, boolean targeted) {}

  void run(Map<String, List<String>> flagSets) throws IOException {
    List<Config> configs = new ArrayList<>();
    boolean first = true;
    for (Map.Entry<String, List<String>> set : flagSets.entrySet()) {
      configs.add(new Config("JDK 17, " + set.getKey(), run.options.java17(), set.getValue(), first));
      first = false;
    }
    List<String> flags = run.options.proxyJavaOpts();
    if (!run.options.quick()) {
      Path jsa = run.tmp.resolve("proxy-jdk17.jsa");
      train(run.options.java17(), concat(flags, "-XX:ArchiveClassesAtExit=" + jsa), jsa);
      if (Files.isRegularFile(jsa)) {
        configs.add(new Config("JDK 17 + AppCDS archive", run.options.java17(),
            concat(flags, "-XX:SharedArchiveFile=" + jsa), false));
      }
    }
    if (run.options.jdk25() != null) {
      Path java25 = run.options.jdk25().resolve("bin/java");
      configs.add(new Config("JDK 25", java25, flags, false));
      Path aot = run.tmp.resolve("proxy-jdk25.aot");
      train(java25, concat(flags, "-XX:AOTCacheOutput=" + aot), aot);
      if (Files.isRegularFile(aot)) {
        configs.add(new Config("JDK 25 + AOT cache", java25, concat(flags, "-XX:AOTCache=" + aot), false));
      }
    }
    int repeats = run.options.startupRepeats();
    Map<String, long[]> startups = new LinkedHashMap<>();
    Map<String, long[]> idle = new LinkedHashMap<>();
    for (int r = 0; r < repeats; r++) {
      for (Config c : configs) {
        long[] figures = once(c.java(), c.flags());
        startups.computeIfAbsent(c.label(), k -> new long[repeats])[r] = figures[0];
        idle.computeIfAbsent(c.label(), k -> new long[repeats])[r] = figures[1];
      }
    }
    Map<String, Object> raw = new LinkedHashMap<>();
    for (Config c : configs) {
      long startup = median(startups.get(c.label()));
      long rss = median(idle.get(c.label()));
      raw.put(c.label(), Map.of("startup_ms", Arrays.stream(startups.get(c.label())).map(v -> v / 1_000_000).boxed()
          .toList(), "idle_rss_mb", Arrays.stream(idle.get(c.label())).map(v -> v / 1024).boxed().toList(),
          "flags", String.join(" ", c.flags())));
      String how = "median of " + repeats + "; flags: " + (c.flags().isEmpty() ? "none" : String.join(" ", c.flags()));
      boolean jdk17 = c.label().startsWith("JDK 17");
      run.report.row("6 start-up", "start-up to first 200 [" + c.label() + "]",
          String.format("%.0f ms", startup / 1e6), jdk17 && c.targeted() ? "< 1.5 s" : null,
          jdk17 && c.targeted() ? startup < 1_500_000_000L : null, how);
      run.report.row("6 idle", "idle RSS [" + c.label() + "]", String.format("%.0f MB", rss / 1024.0),
          c.targeted() ? "< 120 MB" : null, c.targeted() ? rss < 120 * 1024 : null,
          "VmRSS after GET /, /api/tags, two chats, then a pause; " + how);
    }
    run.report.raw("startup", raw);
  }

  /** One start: returns {start-up nanos, idle RSS kB}. */
  private long[] once(Path java, List<String> flags) throws IOException {
    try (ProxyProcess proxy = ProxyProcess.start(java, flags, run.options.jar(), run.sim.baseUrl(),
        run.tmp.resolve("proxy-startup.log"))) {
      exercise(proxy.port());
      ProxyProcess.sleepMillis(run.options.quick() ? 300 : 2000);
      return new long[] {proxy.startupNanos(), proxy.stats().rssKb()};
    }
  }

  /** A training run: start, serve a few requests, stop gracefully so the JVM writes its archive at exit. */
  private void train(Path java, List<String> flags, Path archive) throws IOException {
    try (ProxyProcess proxy = ProxyProcess.start(java, flags, run.options.jar(), run.sim.baseUrl(),
        run.tmp.resolve("proxy-training.log"))) {
      for (int i = 0; i < 20; i++) {
        exercise(proxy.port());
      }
      int exit = proxy.stop();
      if (!Files.isRegularFile(archive)) {
        run.report.note("training run with " + flags + " exited " + exit + " without writing " + archive.getFileName()
            + "; see " + proxy.log());
      }
    }
  }

  private void exercise(int port) {
    run.script(5, Duration.ZERO, Duration.ZERO);
    BenchClient c = run.client;
    List<Boolean> ok = List.of(
        BenchClient.await(c.call(port, HttpMethod.GET, "/", null, "Ollama is running"), 30),
        BenchClient.await(c.call(port, HttpMethod.GET, "/api/tags", null, "models"), 30),
        BenchClient.await(c.call(port, HttpMethod.POST, "/api/chat", BenchRun.apiChat(false), " t4"), 30),
        BenchClient.await(c.call(port, HttpMethod.POST, "/v1/chat/completions", BenchRun.v1Chat(false), " t4"), 30));
    if (ok.contains(false)) {
      run.report.failure("start-up exercise: a request failed " + ok);
    }
  }

  private static List<String> concat(List<String> flags, String extra) {
    List<String> all = new ArrayList<>(flags);
    all.add(extra);
    return all;
  }

  private static long median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
