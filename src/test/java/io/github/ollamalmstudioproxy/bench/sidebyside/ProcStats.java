package io.github.ollamalmstudioproxy.bench.sidebyside;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time and memory of another process, read from {@code /proc/<pid>/stat} and {@code /proc/<pid>/status}.
 *
 * @param cpuTicks user + system time in clock ticks ({@link #TICKS_PER_SECOND} per second)
 * @param rssKb resident set size now ({@code VmRSS})
 * @param peakRssKb highest resident set size since the process started ({@code VmHWM})
 */
record ProcStats(long cpuTicks, long rssKb, long peakRssKb) {
  /** USER_HZ: 100 on every mainstream Linux build; {@code getconf CLK_TCK} confirms it on the benchmark machine. */
  static final int TICKS_PER_SECOND = 100;

  static ProcStats read(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // Fields after the command name (which may hold spaces) start after the last ')'; utime and stime are the
      // 14th and 15th fields of the whole line, i.e. the 12th and 13th after it.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
      long rss = 0;
      long hwm = 0;
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          rss = kb(line);
        } else if (line.startsWith("VmHWM:")) {
          hwm = kb(line);
        }
      }
      return new ProcStats(ticks, rss, hwm);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read /proc for pid " + pid + ": " + e.getMessage(), e);
    }
  }

  double cpuSecondsSince(ProcStats earlier) {
    return (cpuTicks - earlier.cpuTicks) / (double) TICKS_PER_SECOND;
  }

  private static long kb(String line) {
    return Long.parseLong(line.replaceAll("[^0-9]", ""));
  }

  /** Samples VmRSS on its own thread and keeps the highest value seen. */
  static final class PeakSampler implements AutoCloseable {
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long peakKb;

    PeakSampler(long pid, long periodMillis) {
      thread = new Thread(() -> {
        while (running) {
          try {
            peakKb = Math.max(peakKb, read(pid).rssKb());
            Thread.sleep(periodMillis);
          } catch (InterruptedException e) {
            return;
          } catch (RuntimeException e) {
            return;
          }
        }
      }, "rss-sampler");
      thread.setDaemon(true);
      thread.start();
    }

    long peakKb() {
      return peakKb;
    }

    @Override
    public void close() {
      running = false;
      thread.interrupt();
    }
  }
}
