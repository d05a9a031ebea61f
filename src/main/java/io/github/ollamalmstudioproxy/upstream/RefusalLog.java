package io.github.ollamalmstudioproxy.upstream;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log of refusals for a busy server (the proxy's own cap, {@code --max-body-memory}, a full or timed-out backend
 * queue): under load they come by the thousand a second, so only the first of a
 * burst gets its own line, and the rest are summed up once per window ("refused 73012 more requests in the last
 * 10 s"). A window with no refusal closes the burst; the next refusal is news again. Each refusal is still in the
 * access log (503) and the metrics.
 */
public final class RefusalLog {
  public static final Duration WINDOW = Duration.ofSeconds(10);
  private static final Logger log = LoggerFactory.getLogger(RefusalLog.class);

  private final Vertx vertx;
  private final long windowMillis;
  private final int maxInFlight;
  private final AtomicLong pending = new AtomicLong();
  private final AtomicBoolean burst = new AtomicBoolean();
  private volatile long timer = -1;

  public RefusalLog(Vertx vertx, Duration window, int maxInFlight) {
    this.vertx = vertx;
    this.windowMillis = Math.max(1, window.toMillis());
    this.maxInFlight = maxInFlight;
  }

  /** One request refused with 503 because {@code inFlight} requests hold every slot. */
  public void refused(String requestId, int inFlight) {
    refused(requestId, inFlight + " requests in flight (the proxy's cap: " + maxInFlight
        + ", every backend's --max-in-flight and the --queue-length)");
  }

  /** One request refused with 503 as the server is busy, {@code why} saying which limit was reached. */
  public void refused(String requestId, String why) {
    if (burst.compareAndSet(false, true)) {
      log.warn("{} refused: {}; further refusals are summed up every {}", requestId, why, window());
      timer = vertx.setTimer(windowMillis, t -> summarise());
    } else {
      pending.incrementAndGet();
    }
  }

  /** Logs what is still counted (at shutdown). */
  public void close() {
    long id = timer;
    if (id >= 0) {
      vertx.cancelTimer(id);
    }
    report();
  }

  private void summarise() {
    if (report()) {
      timer = vertx.setTimer(windowMillis, t -> summarise());
    } else {
      timer = -1;
      burst.set(false);
    }
  }

  private String window() {
    return windowMillis % 1000 == 0 ? windowMillis / 1000 + " s" : windowMillis + " ms";
  }

  private boolean report() {
    long count = pending.getAndSet(0);
    if (count > 0) {
      log.warn("refused {} more request(s) in the last {}: the server was busy ({} requests in flight, a full or"
          + " timed-out backend queue, or --max-body-memory of request bodies)", count, window(), maxInFlight);
    }
    return count > 0;
  }
}
