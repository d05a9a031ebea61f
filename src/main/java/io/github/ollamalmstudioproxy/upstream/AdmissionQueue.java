package io.github.ollamalmstudioproxy.upstream;

import io.github.ollamalmstudioproxy.backend.ClientGoneException;
import io.github.ollamalmstudioproxy.config.Durations;
import io.github.ollamalmstudioproxy.metrics.ProxyMetrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Where requests wait while every backend that could serve their model has all its slots taken: one FIFO per model,
 * bounded in length (across models) and in wait. Past either bound the client gets Ollama's 503, as it would at once
 * without the queue; a client that hangs up leaves at once. A freed slot wakes the oldest waiter of its model, else
 * the oldest waiter of any model the freed backend serves; the woken request routes again (the catalog may have
 * changed meanwhile) and, should another request have taken the slot first, goes back to the head of its queue.
 */
final class AdmissionQueue {
  /** Ollama's text, two spaces included: clients that match on it keep working. */
  static final String BUSY = "server busy, please try again.  maximum pending requests exceeded";

  private final Vertx vertx;
  private final int maxLength;
  private final Duration timeout;
  private final ProxyMetrics metrics;
  private final RefusalLog refusals;
  private final Map<String, ArrayDeque<Waiter>> byModel = new HashMap<>();
  private int length;
  private long sequence;

  AdmissionQueue(Vertx vertx, int maxLength, Duration timeout, ProxyMetrics metrics, RefusalLog refusals) {
    this.vertx = vertx;
    this.maxLength = maxLength;
    this.timeout = timeout;
    this.metrics = metrics;
    this.refusals = refusals;
  }

  private final class Waiter {
    final String model;
    final Set<String> backends;
    final Promise<Void> woken = Promise.promise();
    final long order;
    final long enteredNanos = System.nanoTime();
    long timer;

    Waiter(String model, Set<String> backends, long order) {
      this.model = model;
      this.backends = backends;
      this.order = order;
    }
  }

  /** The queue is off ({@code --queue-length 0}): a full fleet refuses at once. */
  boolean disabled() {
    return maxLength == 0;
  }

  /**
   * Waits for a slot on one of {@code backends} to free up for {@code modelKey}; fails with the 503 when the queue is
   * full or the wait passes {@code --queue-timeout}, and with {@link ClientGoneException} when the client leaves.
   *
   * @param again a woken request that lost its slot to another: it keeps its place at the head
   */
  Future<Void> await(String modelKey, Set<String> backends, Caller caller, boolean again) {
    Waiter waiter;
    synchronized (this) {
      if (length >= maxLength) {
        return Future.failedFuture(busy(caller, "every backend with " + modelKey + " is full and --queue-length "
            + maxLength + " requests wait already"));
      }
      waiter = new Waiter(key(modelKey), backends, again ? -(++sequence) : ++sequence);
      ArrayDeque<Waiter> queue = byModel.computeIfAbsent(waiter.model, k -> new ArrayDeque<>());
      if (again) {
        queue.addFirst(waiter);
      } else {
        queue.addLast(waiter);
      }
      length++;
    }
    metrics.queueEntered();
    waiter.timer = vertx.setTimer(Math.max(1, timeout.toMillis()), id -> {
      if (leave(waiter)) {
        refusals.refused(caller.id(), "waited " + Durations.format(timeout) + " (--queue-timeout) for a backend with "
            + modelKey);
        waiter.woken.tryFail(new Refused("server busy, please try again.  no backend slot freed within "
            + Durations.format(timeout) + " (--queue-timeout)"));
      }
    });
    caller.onCancel(() -> {
      if (leave(waiter)) {
        waiter.woken.tryFail(new ClientGoneException());
      }
    });
    return waiter.woken.future();
  }

  /** A slot of {@code backend} serving {@code modelKey} was given back. */
  void released(String backend, String modelKey) {
    Waiter next;
    synchronized (this) {
      next = headFor(backend, key(modelKey));
      if (next == null) {
        return;
      }
      byModel.get(next.model).pollFirst();
      length--;
    }
    left(next);
    next.woken.tryComplete();
  }

  /** The oldest waiter of the model, else the oldest head of any queue that can use {@code backend}. */
  private Waiter headFor(String backend, String model) {
    ArrayDeque<Waiter> own = byModel.get(model);
    if (own != null && !own.isEmpty() && own.peekFirst().backends.contains(backend)) {
      return own.peekFirst();
    }
    Waiter oldest = null;
    for (ArrayDeque<Waiter> queue : byModel.values()) {
      Waiter head = queue.peekFirst();
      if (head != null && head.backends.contains(backend) && (oldest == null || head.order < oldest.order)) {
        oldest = head;
      }
    }
    return oldest;
  }

  private boolean leave(Waiter waiter) {
    synchronized (this) {
      ArrayDeque<Waiter> queue = byModel.get(waiter.model);
      if (queue == null || !queue.remove(waiter)) {
        return false;
      }
      length--;
    }
    left(waiter);
    return true;
  }

  private void left(Waiter waiter) {
    vertx.cancelTimer(waiter.timer);
    metrics.queueLeft(System.nanoTime() - waiter.enteredNanos);
  }

  synchronized int length() {
    return length;
  }

  /** The 503 of a full house, logged as part of a burst of them. */
  Refused busy(Caller caller, String why) {
    refusals.refused(caller.id(), why);
    return new Refused(BUSY);
  }

  private static String key(String modelKey) {
    return modelKey.toLowerCase(Locale.ROOT);
  }
}
