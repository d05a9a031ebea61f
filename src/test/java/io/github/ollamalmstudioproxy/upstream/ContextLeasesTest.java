package io.github.ollamalmstudioproxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.ollamalmstudioproxy.backend.ClientGoneException;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The per-model queue behind {@code num_ctx}: Ollama's scheduler reloads a runner for another context only once the
 * requests using it are done ({@code server/sched.go:256} {@code needsReload}, {@code :345} waits for
 * {@code refCount} 0), and requests that want what is loaded use it at once ({@code :202} and {@code :262},
 * {@code useLoadedRunner}).
 * Reloads are scripted: each is a promise the test completes.
 */
class ContextLeasesTest {
  private static final OllamaError TIMED_OUT = new OllamaError(504, "timed out");
  private final Vertx vertx = Vertx.vertx();
  private final ContextLeases leases = new ContextLeases(vertx);
  private final List<Integer> reloads = new CopyOnWriteArrayList<>();
  private final List<Promise<Long>> pending = new CopyOnWriteArrayList<>();
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger mostAtOnce = new AtomicInteger();

  @AfterEach
  void stop() {
    vertx.close();
  }

  private final ContextLeases.Reload reload = context -> {
    reloads.add(context);
    mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
    Promise<Long> done = Promise.promise();
    pending.add(done);
    return done.future().onComplete(v -> running.decrementAndGet());
  };

  private Future<ContextLeases.Lease> acquire(Integer context, Integer loaded, TestCaller caller) {
    return leases.acquire("m", context, wanted -> wanted.equals(loaded), reload, caller,
        System.nanoTime() + Duration.ofSeconds(5).toNanos(), TIMED_OUT);
  }

  private Future<ContextLeases.Lease> acquire(Integer context, Integer loaded) {
    return acquire(context, loaded, new TestCaller());
  }

  private void finishReload(int index) {
    await().until(() -> pending.size() > index);
    pending.get(index).complete(7L);
  }

  @Test
  void requestsForTheLoadedContextOrNoneShareTheModelAtOnce() {
    Future<ContextLeases.Lease> a = acquire(4096, 4096);
    Future<ContextLeases.Lease> b = acquire(null, 4096);
    Future<ContextLeases.Lease> c = acquire(4096, 4096);

    assertThat(List.of(a, b, c)).allMatch(Future::succeeded);
    assertThat(reloads).isEmpty();
    assertThat(a.result().loadNanos()).isZero();
  }

  @Test
  void anotherContextWaitsForTheRequestsUsingTheModelThenReloadsOnceForEveryoneWantingIt() {
    ContextLeases.Lease busy = acquire(null, 4096).result();
    Future<ContextLeases.Lease> wants8k = acquire(8192, 4096);
    Future<ContextLeases.Lease> alsoWants8k = acquire(8192, 4096);
    Future<ContextLeases.Lease> behind = acquire(null, 4096);

    assertThat(List.of(wants8k, alsoWants8k, behind)).noneMatch(Future::isComplete);
    assertThat(reloads).as("nobody unloads the model under a running generation").isEmpty();

    busy.release();
    await().until(() -> reloads.size() == 1);
    assertThat(reloads).containsExactly(8192);
    finishReload(0);

    await().until(() -> wants8k.isComplete() && alsoWants8k.isComplete() && behind.isComplete());
    assertThat(wants8k.result().loadNanos()).isEqualTo(7L);
    assertThat(alsoWants8k.result().loadNanos()).as("shared, not reloaded again").isZero();
    assertThat(reloads).containsExactly(8192);
  }

  @Test
  void concurrentRequestsForDifferentContextsTakeTurnsInsteadOfRacing() {
    Future<ContextLeases.Lease> first = acquire(8192, 4096);
    Future<ContextLeases.Lease> second = acquire(16384, 4096);
    Future<ContextLeases.Lease> third = acquire(8192, 4096);

    await().until(() -> reloads.size() == 1);
    finishReload(0);
    await().until(first::isComplete);
    assertThat(second.isComplete()).as("waits while the 8192 request runs").isFalse();
    assertThat(third.isComplete()).as("first come, first served: behind the 16384 request").isFalse();

    first.result().release();
    await().until(() -> reloads.size() == 2);
    finishReload(1);
    await().until(second::isComplete);
    second.result().release();
    await().until(() -> reloads.size() == 3);
    finishReload(2);
    await().until(third::isComplete);

    assertThat(reloads).containsExactly(8192, 16384, 8192);
    assertThat(mostAtOnce.get()).isEqualTo(1);
  }

  @Test
  void aWaiterThatHangsUpLeavesTheQueueAndAFailedReloadFreesTheModel() {
    ContextLeases.Lease busy = acquire(null, 4096).result();
    TestCaller leaving = new TestCaller();
    Future<ContextLeases.Lease> gone = acquire(8192, 4096, leaving);
    Future<ContextLeases.Lease> failing = acquire(16384, 4096);
    Future<ContextLeases.Lease> after = acquire(null, 4096);

    leaving.hangUp();
    assertThat(gone.failed()).isTrue();
    assertThat(gone.cause()).isInstanceOf(ClientGoneException.class);

    busy.release();
    await().until(() -> reloads.size() == 1);
    assertThat(reloads).containsExactly(16384);
    pending.get(0).fail(new OllamaError(502, "load failed"));

    await().until(() -> failing.isComplete() && after.isComplete());
    assertThat(failing.cause()).hasMessage("load failed");
    assertThat(after.succeeded()).isTrue();
  }

  @Test
  void aWaiterPastItsLoadDeadlineGetsTheTimeout() {
    ContextLeases.Lease busy = acquire(null, 4096).result();
    Future<ContextLeases.Lease> late = leases.acquire("m", 8192, wanted -> false, reload, new TestCaller(),
        System.nanoTime() + Duration.ofMillis(50).toNanos(), TIMED_OUT);

    await().atMost(Duration.ofSeconds(5)).until(late::isComplete);
    assertThat(late.cause()).isSameAs(TIMED_OUT);
    busy.release();
    assertThat(acquire(null, 4096).succeeded()).as("the queue is empty again").isTrue();
  }
}
