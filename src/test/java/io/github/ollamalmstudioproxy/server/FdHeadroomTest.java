package io.github.ollamalmstudioproxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The file-descriptor warning, on a hand-driven clock and a made-up descriptor count. */
class FdHeadroomTest {
  private static final long LIMIT = 1000;
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final AtomicLong open = new AtomicLong();
  private final AtomicInteger counts = new AtomicInteger();
  private final FdHeadroom headroom = new FdHeadroom(() -> {
    counts.incrementAndGet();
    return open.get();
  }, LIMIT, now::get);

  @Test
  void warnsFromEightyPercentOfTheLimitNotJustBelow() {
    assertThat(headroom.warnFrom()).isEqualTo(800);
    open.set(799);
    assertThat(headroom.clientConnected(700)).as("799 of 1000").isFalse();
    advance(FdHeadroom.CHECK_EVERY);
    open.set(800);
    assertThat(headroom.clientConnected(701)).as("800 of 1000").isTrue();
  }

  @Test
  void countsTheDescriptorsAtMostOncePerSecondHoweverManyClientsConnect() {
    open.set(10);
    for (int i = 0; i < 1000; i++) {
      headroom.clientConnected(i);
    }
    assertThat(counts).hasValue(1);
    advance(FdHeadroom.CHECK_EVERY.minusNanos(1));
    headroom.clientConnected(1001);
    assertThat(counts).as("just under a second later").hasValue(1);
    advance(Duration.ofNanos(1));
    headroom.clientConnected(1002);
    assertThat(counts).as("a second later").hasValue(2);
  }

  @Test
  void warnsAtMostOncePerIntervalWhileTheLimitStaysNear() {
    open.set(950);
    assertThat(headroom.clientConnected(900)).isTrue();
    int warnings = 0;
    for (long s = 1; s < FdHeadroom.WARN_INTERVAL.toSeconds(); s++) {
      advance(FdHeadroom.CHECK_EVERY);
      warnings += headroom.clientConnected(900) ? 1 : 0;
    }
    assertThat(warnings).as("within the interval").isZero();
    advance(FdHeadroom.CHECK_EVERY);
    assertThat(headroom.clientConnected(900)).as("an interval after the first warning").isTrue();
  }

  @Test
  void anUnknownLimitNeverWarns() {
    FdHeadroom unknown = new FdHeadroom(() -> Long.MAX_VALUE, 0, now::get);
    assertThat(unknown.clientConnected(1)).isFalse();
  }

  @Test
  void thisProcessHasALimitAndIsFarFromIt() {
    FdHeadroom mine = FdHeadroom.ofThisProcess();
    assertThat(mine.warnFrom()).isPositive();
    assertThat(mine.clientConnected(1)).isFalse();
  }

  private void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }
}
