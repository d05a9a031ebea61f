package io.github.ollamalmstudioproxy.bench.sidebyside;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Every process the benchmark started, so each can be stopped by its own id: at the end, from a shutdown hook, and
 * by {@code bench/run.sh} (through the pid file named by {@code BENCH_PIDFILE}) if this JVM itself is killed.
 */
final class Children {
  private static final List<Process> STARTED = new ArrayList<>();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(Children::stopAll, "stop-children"));
  }

  private Children() {}

  static synchronized Process start(ProcessBuilder builder) throws IOException {
    Process process = builder.start();
    STARTED.add(process);
    String pidFile = System.getenv("BENCH_PIDFILE");
    if (pidFile != null && !pidFile.isBlank()) {
      Files.writeString(Path.of(pidFile), process.pid() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
    return process;
  }

  /** SIGTERM, then SIGKILL after {@code graceSeconds}; returns the exit code (or -1 if it had to be killed). */
  static int stop(Process process, long graceSeconds) {
    process.destroy();
    try {
      if (process.waitFor(graceSeconds, TimeUnit.SECONDS)) {
        return process.exitValue();
      }
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    return -1;
  }

  static synchronized void stopAll() {
    for (Process p : STARTED) {
      if (p.isAlive()) {
        stop(p, 10);
      }
    }
  }
}
