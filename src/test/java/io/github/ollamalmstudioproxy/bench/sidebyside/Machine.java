package io.github.ollamalmstudioproxy.bench.sidebyside;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Where the figures came from: cores, CPU model, JDKs, nginx, and how busy the machine was. */
final class Machine {
  private Machine() {}

  static Map<String, Object> describe(BenchOptions options, String loadBefore) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("date", Instant.now().toString());
    m.put("mode", options.quick() ? "quick (smoke run: figures are not meaningful)" : "full");
    m.put("nproc", Runtime.getRuntime().availableProcessors());
    m.put("cpu", cpuModel());
    m.put("kernel", System.getProperty("os.version"));
    m.put("jdk17", javaVersion(options.java17()));
    m.put("jdk25", options.jdk25() == null ? "not used" : javaVersion(options.jdk25().resolve("bin/java")));
    m.put("proxy_java_opts", options.proxyJavaOpts().isEmpty() ? "(none: JVM defaults)"
        : String.join(" ", options.proxyJavaOpts()));
    m.put("nginx", NginxProcess.find() == null ? "not installed" : run(NginxProcess.find().toString(), "-v"));
    m.put("loadavg_before", loadBefore);
    m.put("loadavg_after", loadAverage());
    return m;
  }

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static String javaVersion(Path java) {
    String out = run(java.toString(), "-version");
    String[] lines = out.split("\n");
    return lines.length > 1 ? lines[0].trim() + " / " + lines[1].trim() : out.trim();
  }

  private static String run(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      p.waitFor();
      return out;
    } catch (IOException e) {
      return "unavailable: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }
}
