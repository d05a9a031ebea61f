package io.github.ollamalmstudioproxy.bench.sidebyside;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What to run and how much of it: the full run (a few minutes) or {@code --quick} (tiny counts, for CI), and the
 * sizes of each phase.
 */
record BenchOptions(
    boolean quick,
    Path root,
    Path outDir,
    Path jar,
    Path java17,
    Path jdk25,
    List<String> proxyJavaOpts,
    List<List<String>> compareJavaOpts,
    boolean nginx,
    Set<String> phases,
    int ttftWarmup,
    int ttftSamples,
    int gapStreams,
    int gapTokens,
    int concurrentStreams,
    int concurrentTokens,
    int concurrentRepeats,
    long throughputNanos,
    int throughputRounds,
    int cancelTrials,
    int startupRepeats,
    int fleetStreams,
    int fleetTokens,
    int fleetRounds,
    long rewriteSmallNanos,
    long rewriteLargeNanos,
    int rewriteRounds,
    int nodeWarmup,
    int nodeSamples,
    List<Integer> sweepSteps,
    int sweepTokens,
    int sweepMinChunks,
    int warmupRounds,
    int warmupStreams,
    int coldStreams) {

  static final String USAGE = """
      usage: bench/run.sh [--quick] [--out DIR] [--proxy-java-opts "FLAGS"] [--compare-java-opts "FLAGS"]...
                          [--jdk25 DIR] [--no-jdk25] [--no-nginx] [--phases LIST] [--sweep LIST]
        --quick              seconds, tiny counts: checks the tool works (CI); figures mean little
        --out DIR            where latest.md and latest.json go (default bench-results/)
        --proxy-java-opts    JVM flags of the proxy (default: the launcher's default_java_opts)
        --compare-java-opts  extra JVM flag sets tried in the 1,000-stream and idle-memory phases (repeatable)
        --jdk25 DIR          a JDK 25 for the start-up phase (default /usr/lib/jvm/temurin-25-jdk-amd64; with
                             --quick only when given)
        --no-nginx           skip the nginx reference even when nginx is installed
        --phases LIST        only these sections, e.g. 1,2,4 (default all: 1,2,3,4,5,6,8,9,10,11,12; 7 runs within 1,
                             4 and 10)
        --sweep LIST         the concurrency steps of section 9 (default 100,500,1000,2000; --quick 20,50)
      sections: 1 TTFT, 2 per-chunk delay, 3 1,000 streams, 4 throughput and CPU per request, 5 cancellation,
                6 start-up and idle RSS (the launcher's defaults on JDK 17 and 25), 8 several backends,
                9 streaming cost with concurrency (sweep, nginx streaming reference, cold start),
                10 /v1 model-name rewrite (small and 10 MB bodies), 11 TTFT in front of a Node.js backend
                (bench/node-ttft.sh; skipped without node), 12 the translator JMH (bench/jmh.sh's benchmark)
      """;

  static BenchOptions parse(String[] args) throws IOException {
    Path root = Path.of(System.getProperty("bench.root", ".")).toAbsolutePath().normalize();
    boolean quick = false;
    boolean nginx = true;
    Path out = root.resolve("bench-results");
    Path jdk25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");
    boolean jdk25Given = false;
    List<String> proxyOpts = launcherDefaultOpts(root.resolve("bin/ollama-lmstudio-proxy"));
    List<List<String>> compare = new ArrayList<>();
    Set<String> phases = Set.of("1", "2", "3", "4", "5", "6", "8", "9", "10", "11", "12");
    List<Integer> sweep = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> quick = true;
        case "--no-nginx" -> nginx = false;
        case "--no-jdk25" -> jdk25 = null;
        case "--out" -> out = Path.of(args[++i]).toAbsolutePath();
        case "--jdk25" -> {
          jdk25 = Path.of(args[++i]);
          jdk25Given = true;
        }
        case "--proxy-java-opts" -> proxyOpts = split(args[++i]);
        case "--compare-java-opts" -> compare.add(split(args[++i]));
        case "--phases" -> phases = Set.of(args[++i].split(","));
        case "--sweep" -> sweep = Arrays.stream(args[++i].split(",")).map(Integer::parseInt).sorted().toList();
        case "-h", "--help" -> {
          System.out.print(USAGE);
          System.exit(0);
        }
        default -> throw new IllegalArgumentException("unknown option " + args[i] + "\n" + USAGE);
      }
    }
    if (jdk25 != null && !Files.isExecutable(jdk25.resolve("bin/java"))) {
      jdk25 = null;
    }
    Path java17 = Path.of(System.getProperty("java.home"), "bin", "java");
    Path jar = root.resolve("target/ollama-lmstudio-proxy.jar");
    if (quick) {
      // A 10 MB body once per worker (a duration of 1 ns ends each worker after its first answer).
      return new BenchOptions(true, root, out, jar, java17, jdk25Given ? jdk25 : null, proxyOpts, compare, nginx,
          phases, 200, 30, 2, 20, 50, 20, 1, 500_000_000L, 1, 5, 1, 50, 20, 1, 300_000_000L, 1L, 1, 20, 50,
          sweep == null ? List.of(20, 50) : sweep, 20, 0, 2, 20, 50);
    }
    return new BenchOptions(false, root, out, jar, java17, jdk25, proxyOpts, compare, nginx, phases,
        3000, 1000, 12, 50, 1000, 100, 2, 4_000_000_000L, 3, 100, 5, 1000, 100, 2, 2_000_000_000L,
        3_000_000_000L, 3, 300, 1000, sweep == null ? List.of(100, 500, 1000, 2000) : sweep, 100, 30_000, 5, 100, 200);
  }

  /** The flags {@code bin/ollama-lmstudio-proxy} uses when OLLAMA_PROXY_JAVA_OPTS is unset. */
  static List<String> launcherDefaultOpts(Path launcher) throws IOException {
    if (!Files.isRegularFile(launcher)) {
      return List.of();
    }
    Matcher m = Pattern.compile("(?m)^default_java_opts=\"([^\"]*)\"").matcher(Files.readString(launcher));
    return m.find() ? split(m.group(1)) : List.of();
  }

  static List<String> split(String flags) {
    return Arrays.stream(flags.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
  }
}
