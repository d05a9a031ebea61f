package io.github.ollamalmstudioproxy.catalog;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * One loaded copy of a model in the backend's memory.
 *
 * @param id the instance identifier to send as {@code model} (the bare key for the first instance, {@code key:2} …)
 * @param contextLength the context the instance was loaded with, or null when the backend does not say
 * @param ttl the idle time-to-live when the backend reports one, else null
 * @param parallel how many predictions the instance runs at once (LM Studio's "Max Concurrent Predictions",
 *     {@code config.parallel}), or null when the backend does not say: routing's measure of its capacity
 */
public record LoadedInstance(String id, Integer contextLength, Duration ttl, Integer parallel) {
  public LoadedInstance {
    requireNonNull(id, "id");
  }

  public LoadedInstance(String id, Integer contextLength, Duration ttl) {
    this(id, contextLength, ttl, null);
  }

  static LoadedInstance of(String id, Integer contextLength) {
    return new LoadedInstance(id, contextLength, null);
  }
}
