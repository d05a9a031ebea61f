package io.github.ollamalmstudioproxy.bench.sidebyside;

import io.github.ollamalmstudioproxy.bench.StreamTranslatorBench;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Section 12: the translator micro-benchmark ({@link StreamTranslatorBench}, what {@code bench/jmh.sh} runs) inside
 * the same run, so that its "nothing regresses" figure sits in the same report as the others. One fork, on this
 * JVM's class path; the same iterations as {@code bench/jmh.sh} (a tenth of them in {@code --quick}).
 */
final class JmhPhase {
  static final String SECTION = "12 translator JMH";

  private final BenchRun run;

  JmhPhase(BenchRun run) {
    this.run = run;
  }

  void run() throws RunnerException {
    boolean quick = run.options.quick();
    Collection<RunResult> results = new Runner(new OptionsBuilder()
        .include(StreamTranslatorBench.class.getName() + "\\.")
        .forks(1)
        .warmupIterations(quick ? 1 : 3)
        .warmupTime(TimeValue.milliseconds(quick ? 100 : 1000))
        .measurementIterations(quick ? 1 : 5)
        .measurementTime(TimeValue.milliseconds(quick ? 100 : 1000))
        .addProfiler(GCProfiler.class)
        .shouldFailOnError(true)
        .build()).run();
    Map<String, Object> raw = new LinkedHashMap<>();
    for (RunResult result : results) {
      String name = result.getParams().getBenchmark();
      String method = name.substring(name.lastIndexOf('.') + 1);
      Result<?> time = result.getPrimaryResult();
      Result<?> alloc = result.getSecondaryResults().get("·gc.alloc.rate.norm");
      if (alloc == null) {
        alloc = result.getSecondaryResults().get("gc.alloc.rate.norm");
      }
      double allocBytes = alloc == null ? Double.NaN : alloc.getScore();
      boolean whole = method.equals("decodeAndTranslate");
      run.report.row(SECTION, "time per chunk, " + method, String.format("%.0f ± %.0f ns", time.getScore(),
              time.getScoreError()), whole ? "< 5 µs" : null, whole ? time.getScore() < 5_000 : null,
          String.format("%.0f B allocated per chunk; JMH average time, one fork, the SSE bytes of one typical LM Studio "
              + "content delta to one NDJSON line (bench/jmh.sh)", allocBytes));
      raw.put(method, Map.of("ns", time.getScore(), "ns_error", time.getScoreError(), "bytes", allocBytes));
    }
    run.report.raw("jmh", raw);
  }
}
