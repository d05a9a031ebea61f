package io.github.ollamalmstudioproxy.bench.sidebyside;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A closed-loop load: {@code concurrency} workers, each sending its next request as soon as the previous one
 * answered, until the time is up. Requests per second count only correct answers; every other outcome is an error.
 */
final class ClosedLoop {
  /** The outcome of one run. */
  record Result(long ok, long errors, long elapsedNanos, List<String> firstErrors) {
    double perSecond() {
      return elapsedNanos == 0 ? 0 : ok * 1e9 / elapsedNanos;
    }
  }

  private ClosedLoop() {}

  static Result run(Vertx vertx, int concurrency, long durationNanos, Supplier<Future<Boolean>> call) {
    AtomicLong ok = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    List<String> firstErrors = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger live = new AtomicInteger(concurrency);
    Promise<Void> finished = Promise.promise();
    long start = System.nanoTime();
    long end = start + durationNanos;
    AtomicLong last = new AtomicLong(start);
    Runnable done = () -> {
      if (live.decrementAndGet() == 0) {
        finished.complete();
      }
    };
    // Each worker lives on an event-loop context, as requests made by a Vert.x application do.
    for (int i = 0; i < concurrency; i++) {
      vertx.runOnContext(v -> worker(call, end, ok, errors, firstErrors, last, done));
    }
    try {
      BenchClient.await(finished.future(), durationNanos / 1_000_000_000L + 30);
    } catch (IllegalStateException e) {
      throw new IllegalStateException(live.get() + " of " + concurrency + " workers never finished; ok " + ok
          + ", errors " + errors + " " + firstErrors, e);
    }
    return new Result(ok.get(), errors.get(), last.get() - start, List.copyOf(firstErrors));
  }

  private static void worker(Supplier<Future<Boolean>> call, long end, AtomicLong ok, AtomicLong errors,
      List<String> firstErrors, AtomicLong last, Runnable done) {
    call.get().onComplete(outcome -> {
      long now = System.nanoTime();
      last.accumulateAndGet(now, Math::max);
      if (outcome.succeeded() && outcome.result()) {
        ok.incrementAndGet();
      } else {
        errors.incrementAndGet();
        if (firstErrors.size() < 5) {
          firstErrors.add(outcome.succeeded() ? "wrong status or body" : String.valueOf(outcome.cause()));
        }
      }
      if (now < end) {
        worker(call, end, ok, errors, firstErrors, last, done);
      } else {
        done.run();
      }
    });
  }
}
