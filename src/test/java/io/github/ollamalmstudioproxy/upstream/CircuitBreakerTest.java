package io.github.ollamalmstudioproxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.ollamalmstudioproxy.upstream.CircuitBreaker.BreakerView;
import io.github.ollamalmstudioproxy.upstream.CircuitBreaker.State;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The breaker's states driven by a stepped clock: 3 failures to open, 10 s cooldown. */
class CircuitBreakerTest {
  private static final Duration COOLDOWN = Duration.ofSeconds(10);
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final List<State> changes = new ArrayList<>();
  private final CircuitBreaker breaker = newBreaker(3);

  private CircuitBreaker newBreaker(int failuresToOpen) {
    CircuitBreaker b = new CircuitBreaker(failuresToOpen, COOLDOWN, now::get);
    b.onChange(changes::add);
    return b;
  }

  private void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  private void open() {
    for (int i = 0; i < 3; i++) {
      breaker.failed("connect refused");
    }
    assertThat(breaker.state()).isEqualTo(State.OPEN);
  }

  @Test
  void closedAllowsEverythingAndCountsConsecutiveFailures() {
    assertThat(breaker.allows()).isTrue();
    breaker.failed("HTTP 502");
    breaker.failed("first-byte timeout");
    assertThat(breaker.view()).isEqualTo(new BreakerView(State.CLOSED, 2, "first-byte timeout", Duration.ZERO));
    assertThat(breaker.allows()).isTrue();
    assertThat(changes).isEmpty();
  }

  @Test
  void aSuccessResetsTheCountSoOnlyConsecutiveFailuresOpen() {
    breaker.failed("HTTP 502");
    breaker.failed("HTTP 502");
    breaker.succeeded();
    breaker.failed("HTTP 502");
    breaker.failed("HTTP 502");
    assertThat(breaker.state()).isEqualTo(State.CLOSED);
    assertThat(breaker.view().consecutiveFailures()).isEqualTo(2);
  }

  @Test
  void theThirdFailureOpensAndAnOpenBreakerRefusesUntilTheCooldownPassed() {
    open();
    assertThat(changes).containsExactly(State.OPEN);
    assertThat(breaker.view()).isEqualTo(new BreakerView(State.OPEN, 3, "connect refused", COOLDOWN));
    assertThat(breaker.allows()).isFalse();
    advance(Duration.ofSeconds(4));
    assertThat(breaker.allows()).isFalse();
    assertThat(breaker.view().openFor()).isEqualTo(Duration.ofSeconds(6));
  }

  @Test
  void afterTheCooldownExactlyOneTrialIsLetThrough() {
    open();
    advance(COOLDOWN);
    assertThat(breaker.allows()).as("the trial").isTrue();
    assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
    assertThat(breaker.allows()).as("while the trial is in flight").isFalse();
    assertThat(breaker.allows()).isFalse();
    assertThat(breaker.view().openFor()).isEqualTo(Duration.ZERO);
  }

  @Test
  void aSuccessfulTrialCloses() {
    open();
    advance(COOLDOWN);
    assertThat(breaker.allows()).isTrue();
    breaker.succeeded();
    assertThat(breaker.view()).isEqualTo(new BreakerView(State.CLOSED, 0, "connect refused", Duration.ZERO));
    assertThat(breaker.allows()).isTrue();
    assertThat(breaker.allows()).isTrue();
    assertThat(changes).containsExactly(State.OPEN, State.HALF_OPEN, State.CLOSED);
  }

  @Test
  void aFailedTrialReopensForAFreshCooldown() {
    open();
    advance(COOLDOWN);
    assertThat(breaker.allows()).isTrue();
    breaker.failed("HTTP 503");
    assertThat(breaker.state()).isEqualTo(State.OPEN);
    assertThat(breaker.view().openFor()).isEqualTo(COOLDOWN);
    assertThat(breaker.view().lastFailure()).isEqualTo("HTTP 503");
    advance(COOLDOWN.minusMillis(1));
    assertThat(breaker.allows()).isFalse();
    advance(Duration.ofMillis(1));
    assertThat(breaker.allows()).isTrue();
    assertThat(changes).containsExactly(State.OPEN, State.HALF_OPEN, State.OPEN, State.HALF_OPEN);
  }

  @Test
  void lateFailuresOfRequestsSentBeforeItOpenedDoNotExtendTheCooldown() {
    open();
    advance(Duration.ofSeconds(5));
    breaker.failed("stalled mid-stream");
    breaker.failed("stalled mid-stream");
    assertThat(breaker.view().openFor()).isEqualTo(Duration.ofSeconds(5));
    assertThat(breaker.view().consecutiveFailures()).isEqualTo(5);
    assertThat(changes).containsExactly(State.OPEN);
  }

  @Test
  void anAbandonedTrialLetsTheNextRequestTry() {
    open();
    advance(COOLDOWN);
    assertThat(breaker.allows()).isTrue();
    breaker.abandoned();
    assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
    assertThat(breaker.allows()).isTrue();
    assertThat(breaker.allows()).isFalse();
  }

  @Test
  void aTrialThatNeverReportsIsGivenUpAfterACooldown() {
    open();
    advance(COOLDOWN);
    assertThat(breaker.allows()).isTrue();
    advance(COOLDOWN.minusMillis(1));
    assertThat(breaker.allows()).isFalse();
    advance(Duration.ofMillis(1));
    assertThat(breaker.allows()).as("a new trial").isTrue();
    assertThat(breaker.allows()).isFalse();
  }

  @Test
  void aFailedProbeOpensAtOnceAndAgainRestartsTheCooldown() {
    breaker.probeFailed("probe: connection refused");
    assertThat(breaker.view()).isEqualTo(new BreakerView(State.OPEN, 0, "probe: connection refused", COOLDOWN));
    advance(Duration.ofSeconds(8));
    breaker.probeFailed("probe: connection refused");
    advance(Duration.ofSeconds(8));
    assertThat(breaker.allows()).as("8 s after the last failed probe").isFalse();
    assertThat(changes).containsExactly(State.OPEN);
  }

  @Test
  void aFailedProbeReopensAHalfOpenBreaker() {
    open();
    advance(COOLDOWN);
    assertThat(breaker.allows()).isTrue();
    breaker.probeFailed("probe: HTTP 500");
    assertThat(breaker.state()).isEqualTo(State.OPEN);
    assertThat(breaker.allows()).isFalse();
  }

  @Test
  void aGoodProbeHalfOpensOnlyOnceTheCooldownPassed() {
    open();
    breaker.probeSucceeded();
    assertThat(breaker.state()).as("cooldown not passed").isEqualTo(State.OPEN);
    advance(COOLDOWN);
    breaker.probeSucceeded();
    assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
    assertThat(breaker.allows()).as("the trial").isTrue();
    assertThat(breaker.allows()).isFalse();
    breaker.probeSucceeded();
    assertThat(breaker.allows()).as("a probe does not free the trial").isFalse();
  }

  @Test
  void aGoodProbeLeavesAClosedBreakerAndItsCountAlone() {
    breaker.failed("HTTP 502");
    breaker.probeSucceeded();
    assertThat(breaker.view()).isEqualTo(new BreakerView(State.CLOSED, 1, "HTTP 502", Duration.ZERO));
    assertThat(changes).isEmpty();
  }

  @Test
  void oneFailureToOpenAndAZeroCooldown() {
    CircuitBreaker b = new CircuitBreaker(1, Duration.ZERO, now::get);
    b.failed("HTTP 500");
    assertThat(b.state()).isEqualTo(State.OPEN);
    assertThat(b.allows()).isTrue();
    assertThat(b.state()).isEqualTo(State.HALF_OPEN);
  }

  @Test
  void aThrowingListenerDoesNotStopTheChangeOrTheOtherListeners() {
    CircuitBreaker b = new CircuitBreaker(1, COOLDOWN, now::get);
    b.onChange(s -> {
      throw new IllegalStateException("gauge gone");
    });
    b.onChange(changes::add);
    b.failed("HTTP 500");
    assertThat(b.state()).isEqualTo(State.OPEN);
    assertThat(changes).containsExactly(State.OPEN);
  }

  @Test
  void rejectsSettingsThatCannotWork() {
    assertThatThrownBy(() -> new CircuitBreaker(0, COOLDOWN, now::get)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new CircuitBreaker(1, Duration.ofSeconds(-1), now::get))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theClockMayWrapAround() {
    now.set(Long.MAX_VALUE - Duration.ofSeconds(2).toNanos());
    open();
    advance(Duration.ofSeconds(9));
    assertThat(breaker.allows()).isFalse();
    advance(Duration.ofSeconds(1));
    assertThat(breaker.allows()).isTrue();
  }

  @Test
  void manyThreadsRacingForTheTrialGetExactlyOne() throws Exception {
    open();
    advance(COOLDOWN);
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      AtomicInteger allowed = new AtomicInteger();
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < 1_000; i++) {
            if (breaker.allows()) {
              allowed.incrementAndGet();
            }
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
      assertThat(allowed).hasValue(1);
      assertThat(changes).containsExactly(State.OPEN, State.HALF_OPEN);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void concurrentFailuresAreAllCountedAndOpenOnce() throws Exception {
    CircuitBreaker b = newBreaker(1_000);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        done.add(pool.submit(() -> {
          for (int i = 0; i < 500; i++) {
            b.failed("HTTP 502");
          }
        }));
      }
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
      assertThat(b.view().consecutiveFailures()).isEqualTo(2_000);
      assertThat(changes).containsExactly(State.OPEN);
    } finally {
      pool.shutdownNow();
    }
  }
}
