package io.github.ollamalmstudioproxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ollamalmstudioproxy.backend.ClientGoneException;
import io.github.ollamalmstudioproxy.metrics.ProxyMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AdmissionQueueTest {
  private final Vertx vertx = Vertx.vertx();

  private RefusalLog refusals() {
    return new RefusalLog(vertx, RefusalLog.WINDOW, 1);
  }

  @AfterEach
  void close() throws Exception {
    vertx.close().await(5, TimeUnit.SECONDS);
  }

  @Test
  void waitersOfAModelAreWokenInOrderAndPastTheLengthTheBusyAnswerComesAtOnce() {
    AdmissionQueue queue = new AdmissionQueue(vertx, 2, Duration.ofSeconds(30), new ProxyMetrics(), refusals());
    Future<Void> first = queue.await("m", Set.of("a"), new TestCaller(), false);
    Future<Void> second = queue.await("m", Set.of("a"), new TestCaller(), false);
    Future<Void> third = queue.await("m", Set.of("a"), new TestCaller(), false);
    assertThat(third.failed()).isTrue();
    assertThat(third.cause()).isInstanceOf(Refused.class).hasMessage(AdmissionQueue.BUSY);

    queue.released("a", "m");
    assertThat(first.succeeded()).isTrue();
    assertThat(second.isComplete()).isFalse();
    queue.released("a", "m");
    assertThat(second.succeeded()).isTrue();
    assertThat(queue.length()).isZero();
  }

  @Test
  void aFreedSlotWakesTheOldestWaiterThatCanUseItsBackendWhateverItsModel() {
    AdmissionQueue queue = new AdmissionQueue(vertx, 10, Duration.ofSeconds(30), new ProxyMetrics(), refusals());
    Future<Void> elsewhere = queue.await("x", Set.of("b"), new TestCaller(), false);
    Future<Void> here = queue.await("y", Set.of("a", "b"), new TestCaller(), false);
    queue.released("a", "m");
    assertThat(here.succeeded()).as("y can use a").isTrue();
    assertThat(elsewhere.isComplete()).as("x cannot use a").isFalse();
  }

  @Test
  void aWaiterThatLostItsSlotKeepsTheHead() {
    AdmissionQueue queue = new AdmissionQueue(vertx, 10, Duration.ofSeconds(30), new ProxyMetrics(), refusals());
    Future<Void> newer = queue.await("m", Set.of("a"), new TestCaller(), false);
    Future<Void> again = queue.await("m", Set.of("a"), new TestCaller(), true);
    queue.released("a", "m");
    assertThat(again.succeeded()).isTrue();
    assertThat(newer.isComplete()).isFalse();
  }

  @Test
  void aHangUpLeavesAtOnceAndTheTimeoutAnswersTheBusyError() {
    AdmissionQueue queue = new AdmissionQueue(vertx, 10, Duration.ofMillis(200), new ProxyMetrics(), refusals());
    TestCaller leaving = new TestCaller();
    Future<Void> left = queue.await("m", Set.of("a"), leaving, false);
    Future<Void> timesOut = queue.await("m", Set.of("a"), new TestCaller(), false);
    leaving.hangUp();
    assertThat(left.failed()).isTrue();
    assertThat(left.cause()).isInstanceOf(ClientGoneException.class);
    assertThat(queue.length()).isEqualTo(1);
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(timesOut::isComplete);
    assertThat(timesOut.cause()).isInstanceOf(Refused.class)
        .hasMessageContaining("server busy, please try again.").hasMessageContaining("--queue-timeout");
    assertThat(queue.length()).isZero();
  }
}
