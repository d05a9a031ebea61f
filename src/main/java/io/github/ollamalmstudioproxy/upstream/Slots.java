package io.github.ollamalmstudioproxy.upstream;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The requests one backend has in flight, in total (its admission cap), per model (what routing weighs against the
 * model's capacity) and per loaded instance (which of a model's duplicates {@code key}, {@code key:2} is least busy).
 * Counted by this replica alone: routing stays stateless across replicas.
 */
final class Slots {
  private final int limit;
  private final AtomicInteger total = new AtomicInteger();
  private final Map<String, AtomicInteger> byModel = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> byInstance = new ConcurrentHashMap<>();

  /** @param limit the most requests this backend may have in flight at once */
  Slots(int limit) {
    this.limit = limit;
  }

  /**
   * Takes a slot for {@code modelKey} on the instance {@code instanceId} (the id the request is sent with); false when
   * the backend has {@link #limit()} requests in flight.
   */
  boolean tryAcquire(String modelKey, String instanceId) {
    while (true) {
      int now = total.get();
      if (now >= limit) {
        return false;
      }
      if (total.compareAndSet(now, now + 1)) {
        byModel.computeIfAbsent(key(modelKey), k -> new AtomicInteger()).incrementAndGet();
        byInstance.computeIfAbsent(key(instanceId), k -> new AtomicInteger()).incrementAndGet();
        return true;
      }
    }
  }

  void release(String modelKey, String instanceId) {
    decrement(byModel, modelKey);
    decrement(byInstance, instanceId);
    total.decrementAndGet();
  }

  private static void decrement(Map<String, AtomicInteger> counts, String name) {
    AtomicInteger count = counts.get(key(name));
    if (count != null) {
      count.decrementAndGet();
    }
  }

  /** Requests in flight sent to this instance id. */
  int ofInstance(String instanceId) {
    AtomicInteger count = byInstance.get(key(instanceId));
    return count == null ? 0 : count.get();
  }

  /** Requests in flight for this model. */
  int of(String modelKey) {
    AtomicInteger count = byModel.get(key(modelKey));
    return count == null ? 0 : count.get();
  }

  int total() {
    return total.get();
  }

  int limit() {
    return limit;
  }

  boolean full() {
    return total.get() >= limit;
  }

  private static String key(String modelKey) {
    return modelKey.toLowerCase(Locale.ROOT);
  }
}
