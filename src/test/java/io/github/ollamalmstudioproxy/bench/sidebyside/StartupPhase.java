package io.github.ollamalmstudioproxy.bench.sidebyside;

import io.vertx.core.http.HttpMethod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Section 6: start-up (process spawned → first 200 on {@code GET /}) and idle RSS (after a handful of requests and a
 * pause). The targets apply to the launcher itself with its defaults ({@code bin/ollama-lmstudio-proxy}, which makes
 * a class-data archive on its first start and maps it on later ones: AppCDS on JDK 17, an AOT cache on JDK 25), run
 * from a copy of its layout; for comparison the launcher's JVM flags without the archive, and the JVM's defaults.
 * {@code bench/footprint.sh} is the deeper tool (one flag at a time, cold streams); this phase is the source of the
 * section 6 targets.
 */
final class StartupPhase {
  /** How long the launcher's first start (the training run that makes the archive) may take. */
  private static final long FIRST_START_SECONDS = 300;

  private final BenchRun run;

  StartupPhase(BenchRun run) {
    this.run = run;
  }

  /** One way to start the proxy: a command (without the proxy's arguments) and its environment. */
  private record Config(String label, List<String> command, Map<String, String> env, boolean targeted,
      String flags) {}

  void run(Map<String, List<String>> flagSets) throws IOException, InterruptedException {
    List<Config> configs = new ArrayList<>();
    Path launcher = launcherCopy();
    Config jdk17 = launcherConfig("JDK 17, the launcher's defaults", launcher, javaHome(run.options.java17()),
        "cache17", true);
    if (jdk17 != null) {
      configs.add(jdk17);
    }
    if (run.options.jdk25() != null) {
      Config jdk25 = launcherConfig("JDK 25, the launcher's defaults", launcher, run.options.jdk25(), "cache25",
          false);
      if (jdk25 != null) {
        configs.add(jdk25);
      }
    }
    for (Map.Entry<String, List<String>> set : flagSets.entrySet()) {
      List<String> command = new ArrayList<>();
      command.add(run.options.java17().toString());
      command.addAll(set.getValue());
      command.addAll(List.of("-jar", run.options.jar().toString()));
      configs.add(new Config("JDK 17, " + set.getKey() + ", no archive", command, Map.of(), false,
          set.getValue().isEmpty() ? "none" : String.join(" ", set.getValue())));
    }
    int repeats = run.options.startupRepeats();
    Map<String, long[]> startups = new LinkedHashMap<>();
    Map<String, long[]> idle = new LinkedHashMap<>();
    for (int r = 0; r < repeats; r++) {
      for (Config c : configs) {
        long[] figures = once(c);
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
          "flags", c.flags()));
      String how = "median of " + repeats + "; " + c.flags();
      run.report.row("6 start-up", "start-up to first 200 [" + c.label() + "]",
          String.format("%.0f ms", startup / 1e6), c.targeted() ? "≤ 300 ms" : null,
          c.targeted() ? startup <= 300_000_000L : null, how);
      run.report.row("6 idle", "idle RSS [" + c.label() + "]", String.format("%.1f MB", rss / 1024.0),
          c.targeted() ? "≤ 48 MB" : null, c.targeted() ? rss <= 48 * 1024 : null,
          "VmRSS after GET /, /api/tags, two chats, then a pause; " + how);
    }
    run.report.raw("startup", raw);
  }

  /**
   * A copy of the launcher's layout ({@code bin/} and {@code target/}, no sources, so it never rebuilds), so that a
   * rebuild during the run cannot pull the jar from under a running JVM and the archive is keyed to this copy.
   */
  private Path launcherCopy() throws IOException {
    Path dir = run.tmp.resolve("launcher");
    Files.createDirectories(dir.resolve("bin"));
    Files.createDirectories(dir.resolve("target"));
    Path script = dir.resolve("bin/ollama-lmstudio-proxy");
    Files.copy(run.options.root().resolve("bin/ollama-lmstudio-proxy"), script, StandardCopyOption.REPLACE_EXISTING);
    Files.copy(run.options.jar(), dir.resolve("target/ollama-lmstudio-proxy.jar"),
        StandardCopyOption.REPLACE_EXISTING);
    return script;
  }

  /**
   * The launcher on the JDK at {@code javaHome} with its own cache directory; its first start ({@code --help}, which
   * makes the archive before it execs the JVM) is timed and reported, and the measured starts come after it. Null
   * when that first start fails or leaves no archive (reported).
   */
  private Config launcherConfig(String label, Path launcher, Path javaHome, String cacheName, boolean targeted)
      throws IOException, InterruptedException {
    Path cache = run.tmp.resolve(cacheName);
    Map<String, String> env = Map.of("JAVA_HOME", javaHome.toString(), "OLLAMA_PROXY_CACHE_DIR", cache.toString());
    ProcessBuilder builder = new ProcessBuilder(launcher.toString(), "--help").redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(run.tmp.resolve("launcher-first-start.log").toFile()));
    builder.environment().keySet().removeIf(k -> k.startsWith("OLLAMA_") || k.equals("JAVA_TOOL_OPTIONS")
        || k.equals("JDK_JAVA_OPTIONS"));
    builder.environment().putAll(env);
    long t0 = System.nanoTime();
    Process first = Children.start(builder);
    if (!first.waitFor(FIRST_START_SECONDS, TimeUnit.SECONDS)) {
      Children.stop(first, 10);
      run.report.failure(label + ": the launcher's first start took over " + FIRST_START_SECONDS + " s");
      return null;
    }
    long took = System.nanoTime() - t0;
    List<String> archives;
    try (var files = Files.list(cache)) {
      archives = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jsa") || n.endsWith(".aot"))
          .toList();
    } catch (IOException e) {
      archives = List.of();
    }
    if (first.exitValue() != 0 || archives.isEmpty()) {
      run.report.failure(label + ": the launcher's first start exited " + first.exitValue() + " with archives "
          + archives + "; see " + run.tmp.resolve("launcher-first-start.log") + " and " + cache
          + "/training.log");
      return null;
    }
    String flags = "bin/ollama-lmstudio-proxy (copy) with JAVA_HOME=" + javaHome + ", its default_java_opts and "
        + archives.get(0).replaceAll(".*\\.", ".") + " archive";
    run.report.row("6 start-up", "launcher's first start, making the archive [" + label.replace(
        ", the launcher's defaults", "") + "]", String.format("%.1f s", took / 1e9), null, null,
        "once, --help: the training run that makes the archive, then the JVM's --help; later starts map it");
    return new Config(label, List.of(launcher.toString()), env, targeted, flags);
  }

  /** One start: returns {start-up nanos, idle RSS kB}. */
  private long[] once(Config c) throws IOException {
    try (ProxyProcess proxy = ProxyProcess.launch(c.command(), c.env(), run.sim.baseUrl(),
        run.tmp.resolve("proxy-startup.log"), List.of())) {
      exercise(proxy.port());
      ProxyProcess.sleepMillis(run.options.quick() ? 300 : 2000);
      return new long[] {proxy.startupNanos(), proxy.stats().rssKb()};
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

  /** The JDK a {@code bin/java} belongs to (symbolic links resolved, as the launcher resolves them). */
  private static Path javaHome(Path java) throws IOException {
    return java.toRealPath().getParent().getParent();
  }

  private static long median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
