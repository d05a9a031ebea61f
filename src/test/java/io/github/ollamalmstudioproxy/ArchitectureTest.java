package io.github.ollamalmstudioproxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every layering rule of the main sources, read from their imports and inline qualified names:
 *
 * <pre>
 *   Main, ProxyLauncher, ShutdownSignals, StderrLogging, Demo   entry points; Demo is the only door to simulator/
 *   server      HTTP front and route handlers      -> upstream, backend and the pure packages
 *   upstream    the backend as the proxy drives it -> backend, catalog, translate, config, metrics, ollama
 *   backend     the Vert.x client, nothing of Ollama
 *   translate   PURE: Ollama <-> OpenAI            -> sse, ollama
 *   catalog     PURE: model metadata               -> ollama
 *   sse, ollama, config, metrics                   -> nothing of the proxy
 *   simulator   the LM Studio stand-in             -> nothing of the proxy
 * </pre>
 */
class ArchitectureTest {
  private static final Path MAIN = Path.of("src/main/java/io/github/ollamalmstudioproxy");
  private static final String BASE = "io.github.ollamalmstudioproxy.";
  /** The root package's own files, by their simple name. */
  private static final String ROOT = "(root)";
  private static final Pattern REFERENCE = Pattern.compile("\\bio\\.github\\.ollamalmstudioproxy\\.([a-z]+)[.;]");
  private static final Pattern TRANSPORT = Pattern.compile("\\bio\\.(vertx|netty)\\.");

  /** Which proxy packages each package may use. Anything not listed here is a violation. */
  private static final Map<String, Set<String>> ALLOWED = Map.of(
      ROOT, Set.of("config", "server", "simulator"),
      "server", Set.of("upstream", "backend", "catalog", "translate", "config", "metrics", "ollama"),
      "upstream", Set.of("backend", "catalog", "translate", "config", "metrics", "ollama"),
      "backend", Set.of(),
      "translate", Set.of("sse", "ollama"),
      "catalog", Set.of("ollama"),
      "sse", Set.of(),
      "ollama", Set.of(),
      "config", Set.of(),
      "metrics", Set.of());
  /** Packages that must stay free of transport types, so they can be tested and benchmarked without a server. */
  private static final Set<String> PURE = Set.of("translate", "catalog", "sse", "ollama", "config", "metrics");

  /** Source file (relative) → the proxy packages it names. */
  private static final Map<Path, Set<String>> USES = new TreeMap<>();
  private static final Map<Path, String> PACKAGE_OF = new HashMap<>();
  private static final Set<Path> TRANSPORT_USERS = new HashSet<>();

  @BeforeAll
  static void read() throws IOException {
    try (Stream<Path> files = Files.walk(MAIN)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        Path relative = MAIN.relativize(file);
        String pkg = relative.getNameCount() == 1 ? ROOT : relative.getName(0).toString();
        String text = Files.readString(file);
        Set<String> used = new TreeSet<>();
        Matcher m = REFERENCE.matcher(text);
        while (m.find()) {
          used.add(m.group(1));
        }
        used.remove(pkg);
        USES.put(relative, used);
        PACKAGE_OF.put(relative, pkg);
        if (TRANSPORT.matcher(text).find()) {
          TRANSPORT_USERS.add(relative);
        }
      }
    }
    assertThat(USES).as("main sources found").hasSizeGreaterThan(100);
  }

  @Test
  void everyPackageIsKnownAndUsesOnlyWhatItsLayerAllows() {
    List<String> violations = new ArrayList<>();
    USES.forEach((file, used) -> {
      String pkg = PACKAGE_OF.get(file);
      if (pkg.equals("simulator")) {
        return;
      }
      Set<String> allowed = ALLOWED.get(pkg);
      if (allowed == null) {
        violations.add(file + ": package '" + pkg + "' has no rule in this test; add one");
        return;
      }
      for (String target : used) {
        if (!allowed.contains(target)) {
          violations.add(file + " (" + pkg + ") uses " + target);
        }
      }
    });
    assertThat(violations).isEmpty();
  }

  @Test
  void purePackagesNameNoTransportType() {
    assertThat(TRANSPORT_USERS).filteredOn(file -> PURE.contains(PACKAGE_OF.get(file))).isEmpty();
  }

  @Test
  void theSimulatorImportsNothingOfTheProxyAndOnlyDemoImportsIt() {
    USES.forEach((file, used) -> {
      if (PACKAGE_OF.get(file).equals("simulator")) {
        assertThat(used).as(file.toString()).isEmpty();
      } else if (used.contains("simulator")) {
        assertThat(file).isEqualTo(Path.of("Demo.java"));
      }
    });
  }

  @Test
  void onlyTheLauncherUsesTheServer() {
    assertThat(USES.entrySet()).filteredOn(e -> e.getValue().contains("server"))
        .extracting(Map.Entry::getKey)
        .containsExactly(Path.of("ProxyLauncher.java"));
  }

  @Test
  void thePackageGraphHasNoCycle() {
    Map<String, Set<String>> graph = new TreeMap<>();
    USES.forEach((file, used) -> graph.computeIfAbsent(PACKAGE_OF.get(file), p -> new TreeSet<>()).addAll(used));
    Set<String> done = new HashSet<>();
    for (String pkg : graph.keySet()) {
      assertThat(cycleFrom(pkg, graph, new ArrayList<>(), done)).as("cycle through " + pkg).isNull();
    }
  }

  /** A cycle reachable from {@code pkg}, as a path, or null. */
  private static List<String> cycleFrom(String pkg, Map<String, Set<String>> graph, List<String> path,
      Set<String> done) {
    if (path.contains(pkg)) {
      List<String> cycle = new ArrayList<>(path.subList(path.indexOf(pkg), path.size()));
      cycle.add(pkg);
      return cycle;
    }
    if (!done.add(pkg)) {
      return null;
    }
    path.add(pkg);
    for (String next : graph.getOrDefault(pkg, Set.of())) {
      List<String> cycle = cycleFrom(next, graph, path, done);
      if (cycle != null) {
        return cycle;
      }
    }
    path.remove(path.size() - 1);
    return null;
  }
}
