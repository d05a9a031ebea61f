package io.github.ollamalmstudioproxy.bench;

import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * A short run of {@link StreamTranslatorBench} (or of the benchmarks the first argument names, e.g.
 * {@code ModelRewriteBench}) with allocation figures: one fork, brief iterations.
 */
public final class StreamTranslatorBenchMain {
  private StreamTranslatorBenchMain() {}

  public static void main(String[] args) throws RunnerException {
    Options options = new OptionsBuilder()
        .include(args.length > 0 ? args[0] : StreamTranslatorBench.class.getSimpleName())
        .forks(1)
        .warmupIterations(3)
        .warmupTime(TimeValue.seconds(1))
        .measurementIterations(5)
        .measurementTime(TimeValue.seconds(1))
        .addProfiler(GCProfiler.class)
        .build();
    new Runner(options).run();
  }
}
