package io.github.ollamalmstudioproxy.bench.sidebyside;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bin/ollama-lmstudio-proxy} and the jar copied into the launcher's layout in a temporary directory, with
 * its own class-data cache, so a rebuild during the run cannot pull the jar from under a running JVM and the
 * archive made here is this run's (the same layout as bench/footprint.sh).
 */
final class LauncherCopy {
  private final Path launcher;
  private final Path cache;
  private final Path javaHome;
  private final Map<String, String> javaOpts;

  private LauncherCopy(Path launcher, Path cache, Path javaHome, Map<String, String> javaOpts) {
    this.launcher = launcher;
    this.cache = cache;
    this.javaHome = javaHome;
    this.javaOpts = javaOpts;
  }

  static LauncherCopy create(BenchOptions options, Path dir) throws IOException {
    Files.createDirectories(dir.resolve("bin"));
    Files.createDirectories(dir.resolve("target"));
    Path launcher = dir.resolve("bin/ollama-lmstudio-proxy");
    Files.copy(options.root().resolve("bin/ollama-lmstudio-proxy"), launcher, StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.COPY_ATTRIBUTES);
    Files.copy(options.jar(), dir.resolve("target/ollama-lmstudio-proxy.jar"), StandardCopyOption.REPLACE_EXISTING);
    Path javaHome = options.java17().getParent().getParent();
    // The launcher's own flags unless --proxy-java-opts asked for others (then they go in OLLAMA_PROXY_JAVA_OPTS,
    // which the launcher honours, archive included).
    List<String> defaults = BenchOptions.launcherDefaultOpts(options.root().resolve("bin/ollama-lmstudio-proxy"));
    Map<String, String> opts = options.proxyJavaOpts().equals(defaults) ? Map.of()
        : Map.of("OLLAMA_PROXY_JAVA_OPTS", String.join(" ", options.proxyJavaOpts()));
    return new LauncherCopy(launcher, dir.resolve("cache"), javaHome, opts);
  }

  /** The launcher's environment: this run's cache, the benchmark's JDK 17, and OLLAMA_PROXY_CDS=off if asked. */
  Map<String, String> env(boolean cds) {
    Map<String, String> env = new LinkedHashMap<>(javaOpts);
    env.put("JAVA_HOME", javaHome.toString());
    env.put("OLLAMA_PROXY_CACHE_DIR", cache.toString());
    if (!cds) {
      env.put("OLLAMA_PROXY_CDS", "off");
    }
    return env;
  }

  Path launcher() {
    return launcher;
  }

  /** The archive the launcher made ({@code .jsa} on JDK 17, {@code .aot} on 25+), or null when there is none. */
  Path archive() throws IOException {
    if (!Files.isDirectory(cache)) {
      return null;
    }
    try (var files = Files.list(cache)) {
      return files.filter(f -> f.getFileName().toString().matches("proxy-.*\\.(jsa|aot)") && !f.toString()
          .contains(".part.")).findFirst().orElse(null);
    }
  }

  Path trainingLog() {
    return cache.resolve("training.log");
  }
}
