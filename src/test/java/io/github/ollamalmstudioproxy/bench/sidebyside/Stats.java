package io.github.ollamalmstudioproxy.bench.sidebyside;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** Percentiles of a sample of durations in nanoseconds (nearest-rank, on a sorted copy). */
record Stats(int count, long p50, long p90, long p99, long max, double mean) {
  static final Stats EMPTY = new Stats(0, 0, 0, 0, 0, 0);

  static Stats of(long[] values, int count) {
    if (count == 0) {
      return EMPTY;
    }
    long[] sorted = Arrays.copyOf(values, count);
    Arrays.sort(sorted);
    double sum = 0;
    for (long v : sorted) {
      sum += v;
    }
    return new Stats(count, rank(sorted, 0.50), rank(sorted, 0.90), rank(sorted, 0.99), sorted[count - 1],
        sum / count);
  }

  private static long rank(long[] sorted, double q) {
    int index = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  /** Milliseconds with three decimals, for the report. */
  static double ms(long nanos) {
    return Math.round(nanos / 1_000.0) / 1_000.0;
  }

  /** Microseconds with one decimal. */
  static double us(double nanos) {
    return Math.round(nanos / 100.0) / 10.0;
  }

  Map<String, Object> toMillis() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("count", count);
    m.put("p50_ms", ms(p50));
    m.put("p90_ms", ms(p90));
    m.put("p99_ms", ms(p99));
    m.put("max_ms", ms(max));
    m.put("mean_ms", ms((long) mean));
    return m;
  }

  /** A growable array of longs, so samples are not boxed. */
  static final class Samples {
    private long[] values = new long[256];
    private int size;

    void add(long v) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = v;
    }

    synchronized void addSync(long v) {
      add(v);
    }

    synchronized void addAll(Samples other) {
      for (int i = 0; i < other.size; i++) {
        add(other.values[i]);
      }
    }

    int size() {
      return size;
    }

    long get(int i) {
      return values[i];
    }

    synchronized Stats stats() {
      return Stats.of(values, size);
    }
  }
}
