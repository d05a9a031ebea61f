package io.github.ollamalmstudioproxy.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The idle watch on a real event loop. Like in production, the watch is created, touched and stopped on one Vert.x
 * context. Timing assertions are one-sided and deterministic ("not before the idle time", measured on the loop); the
 * rest waits with generous bounds, so a loaded machine makes the tests slower, not red.
 */
class IdleWatchTest {
  private static final Duration IDLE = Duration.ofMillis(100);
  /**
   * While touched: 25 times the touch interval, so only an event-loop stall of more than 240 ms (which the watch
   * rightly reads as silence) could make it fire.
   */
  private static final Duration TOUCHED_IDLE = Duration.ofMillis(250);
  private static final long TOUCH_EVERY_MS = 10;
  /** At least 600 ms of touching: more than two idle periods of {@link #TOUCHED_IDLE}. */
  private static final int TOUCHES = 60;
  private static final Duration BOUND = Duration.ofSeconds(2);
  /** How long "it did not fire (again)" is watched for: several idle periods. */
  private static final Duration QUIET = Duration.ofMillis(500);

  private Vertx vertx;
  private Context context;
  private final AtomicInteger fired = new AtomicInteger();
  private final AtomicLong firedAtNanos = new AtomicLong();
  private volatile boolean firedOnEventLoop;

  @BeforeEach
  void startVertx() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
  }

  @AfterEach
  void closeVertx() throws Exception {
    vertx.close().await(5, TimeUnit.SECONDS);
  }

  @Test
  void firesOnceOnTheEventLoopAfterTheIdleTimeWithoutTouches() throws Exception {
    long createdAt = onContext(System::nanoTime);
    watch(IDLE);

    await().atMost(BOUND).until(() -> fired.get() == 1);
    assertThat(firedAtNanos.get() - createdAt).as("not before the idle time").isGreaterThanOrEqualTo(IDLE.toNanos());
    assertThat(firedOnEventLoop).isTrue();
    await().during(QUIET).atMost(QUIET.plus(BOUND)).until(() -> fired.get() == 1);
  }

  @Test
  void touchesKeepItQuietThenItFiresOnceAfterTheyStop() throws Exception {
    IdleWatch watch = watch(TOUCHED_IDLE);
    AtomicInteger touches = new AtomicInteger();
    AtomicInteger firedWhileTouching = new AtomicInteger(-1);
    AtomicLong lastTouchNanos = new AtomicLong();
    context.runOnContext(v -> vertx.setPeriodic(TOUCH_EVERY_MS, id -> {
      lastTouchNanos.set(System.nanoTime());
      watch.touch();
      if (touches.incrementAndGet() == TOUCHES) {
        vertx.cancelTimer(id);
        firedWhileTouching.set(fired.get());
      }
    }));

    await().atMost(BOUND.multipliedBy(3)).until(() -> firedWhileTouching.get() >= 0);
    assertThat(firedWhileTouching.get()).as("fired while touches went on").isZero();
    await().atMost(BOUND).until(() -> fired.get() == 1);
    assertThat(firedAtNanos.get() - lastTouchNanos.get()).as("not before the idle time after the last touch")
        .isGreaterThanOrEqualTo(TOUCHED_IDLE.toNanos());
    await().during(QUIET).atMost(QUIET.plus(BOUND)).until(() -> fired.get() == 1);
  }

  @Test
  void stopBeforeTheIdleTimePreventsFiring() throws Exception {
    IdleWatch watch = watch(IDLE);
    onContext(() -> {
      watch.stop();
      return null;
    });

    await().during(QUIET).atMost(QUIET.plus(BOUND)).until(() -> fired.get() == 0);
  }

  @Test
  void stopAfterSomeTouchesPreventsFiring() throws Exception {
    IdleWatch watch = watch(TOUCHED_IDLE);
    AtomicInteger touches = new AtomicInteger();
    context.runOnContext(v -> vertx.setPeriodic(TOUCH_EVERY_MS, id -> {
      watch.touch();
      if (touches.incrementAndGet() == TOUCHES / 2) {
        vertx.cancelTimer(id);
        watch.stop();
      }
    }));

    await().atMost(BOUND.multipliedBy(2)).until(() -> touches.get() == TOUCHES / 2);
    await().during(QUIET).atMost(QUIET.plus(BOUND)).until(() -> fired.get() == 0);
  }

  @Test
  void stopAfterFiringIsHarmless() throws Exception {
    IdleWatch watch = watch(Duration.ofMillis(20));
    await().atMost(BOUND).until(() -> fired.get() == 1);

    onContext(() -> {
      watch.stop();
      watch.touch();
      return null;
    });

    await().during(QUIET).atMost(QUIET.plus(BOUND)).until(() -> fired.get() == 1);
  }

  @Test
  void timeoutNamesTheOptionAndTheMilliseconds() throws Exception {
    IdleWatch watch = watch(Duration.ofMillis(1500));
    IdleWatch minutes = watch(Duration.ofMinutes(5));

    TimeoutException timeout = watch.timeout();

    assertThat(timeout).hasMessage("no data from the backend for 1500 ms (--idle-timeout)");
    assertThat(minutes.timeout().getMessage()).contains("300000 ms").contains("--idle-timeout");
    IdleWatch events = onContext(() -> new IdleWatch(vertx, Duration.ofMillis(250), "complete event", () -> {}));
    assertThat(events.timeout()).hasMessage("no complete event from the backend for 250 ms (--idle-timeout)");
    onContext(() -> {
      events.stop();
      return null;
    });
    onContext(() -> {
      watch.stop();
      minutes.stop();
      return null;
    });
    assertThat(fired.get()).as("timeout() only describes; it does not fire").isZero();
  }

  /** A watch created on the test's context whose firing is counted. */
  private IdleWatch watch(Duration idle) throws Exception {
    return onContext(() -> new IdleWatch(vertx, idle, () -> {
      firedAtNanos.set(System.nanoTime());
      firedOnEventLoop = Context.isOnEventLoopThread();
      fired.incrementAndGet();
    }));
  }

  private <T> T onContext(Supplier<T> action) throws Exception {
    Promise<T> done = Promise.promise();
    context.runOnContext(v -> done.complete(action.get()));
    return done.future().await(BOUND.toMillis(), TimeUnit.MILLISECONDS);
  }
}
