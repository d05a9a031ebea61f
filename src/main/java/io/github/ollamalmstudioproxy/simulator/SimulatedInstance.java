package io.github.ollamalmstudioproxy.simulator;

import static java.util.Objects.requireNonNull;

/**
 * One loaded instance of a downloaded model in the simulator's catalogue.
 *
 * @param id the instance identifier clients use: the bare key for the first instance, {@code key:2}, {@code key:3}
 *     for later ones (reference §8)
 * @param jit true when a request loaded it just in time; only those are auto-evicted (reference §6)
 */
public record SimulatedInstance(String id, String modelKey, int contextLength, boolean jit) {
  public SimulatedInstance {
    requireNonNull(id, "id");
    requireNonNull(modelKey, "modelKey");
  }
}
