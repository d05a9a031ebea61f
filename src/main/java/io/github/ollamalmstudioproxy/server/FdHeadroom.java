package io.github.ollamalmstudioproxy.server;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warns when the process's open file descriptors near its limit. At the limit the listener cannot accept anyone and
 * new clients simply get no answer, so the warning comes before: once {@link #WARN_FRACTION} of the limit is in use,
 * at most once per {@link #WARN_INTERVAL} however many clients connect meanwhile.
 *
 * <p>Checked when a client connects, at most once per {@link #CHECK_EVERY}: counting open descriptors lists
 * {@code /proc/self/fd}, too dear for every connection. Thread-safe.
 */
final class FdHeadroom {
  private static final Logger log = LoggerFactory.getLogger(FdHeadroom.class);
  /** The share of the limit in use from which the warning is logged. */
  static final double WARN_FRACTION = 0.8;
  /** The shortest time between two warnings. */
  static final Duration WARN_INTERVAL = Duration.ofMinutes(1);
  /** The shortest time between two counts of the open descriptors. */
  static final Duration CHECK_EVERY = Duration.ofSeconds(1);

  private final LongSupplier openDescriptors;
  private final long maxDescriptors;
  private final long warnFrom;
  private final LongSupplier nanoTime;
  private boolean checkedOnce;
  private long lastCheckNanos;
  private boolean warnedOnce;
  private long lastWarnNanos;

  /**
   * @param openDescriptors counts the descriptors open now
   * @param maxDescriptors the soft limit; 0 or less turns the check off
   * @param nanoTime {@code System::nanoTime} in production
   */
  FdHeadroom(LongSupplier openDescriptors, long maxDescriptors, LongSupplier nanoTime) {
    this.openDescriptors = openDescriptors;
    this.maxDescriptors = maxDescriptors;
    this.warnFrom = (long) Math.ceil(maxDescriptors * WARN_FRACTION);
    this.nanoTime = nanoTime;
  }

  /** This process's descriptors, where the JDK can count them (Unix); elsewhere a check that never warns. */
  static FdHeadroom ofThisProcess() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof UnixOperatingSystemMXBean unix) {
      return new FdHeadroom(unix::getOpenFileDescriptorCount, unix.getMaxFileDescriptorCount(), System::nanoTime);
    }
    return new FdHeadroom(() -> 0, 0, System::nanoTime);
  }

  /** The count of open descriptors from which {@link #clientConnected} warns. */
  long warnFrom() {
    return warnFrom;
  }

  /** A client connected ({@code clientConnections} are open now); true when this call logged the warning. */
  synchronized boolean clientConnected(int clientConnections) {
    if (maxDescriptors <= 0) {
      return false;
    }
    long now = nanoTime.getAsLong();
    if (checkedOnce && now - lastCheckNanos < CHECK_EVERY.toNanos()) {
      return false;
    }
    checkedOnce = true;
    lastCheckNanos = now;
    long open = openDescriptors.getAsLong();
    if (open < warnFrom || (warnedOnce && now - lastWarnNanos < WARN_INTERVAL.toNanos())) {
      return false;
    }
    warnedOnce = true;
    lastWarnNanos = now;
    log.warn("{} of {} file descriptors in use ({} client connections): at the limit new clients get no answer;"
        + " raise the limit (ulimit -n) or shorten --keep-alive-timeout", open, maxDescriptors, clientConnections);
    return true;
  }
}
