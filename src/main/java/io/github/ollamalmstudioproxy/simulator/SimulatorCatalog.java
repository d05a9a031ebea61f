package io.github.ollamalmstudioproxy.simulator;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The simulator's downloaded models and loaded instances; every method is thread-safe.
 *
 * <p>Tests change it directly (for example to unload everything before a JIT test); the simulator's routes read and
 * change it as LM Studio would. A single monitor is enough: the catalogue is tiny and never held across I/O.
 */
public final class SimulatorCatalog {
  private final Map<String, SimulatorModel> models = new LinkedHashMap<>();
  private final List<SimulatedInstance> instances = new ArrayList<>();

  SimulatorCatalog(List<SimulatorModel> initial, Map<String, Integer> preload) {
    initial.forEach(this::addModel);
    preload.forEach((key, context) -> load(key, context, false));
  }

  /** Downloaded models in catalogue order. */
  public synchronized List<SimulatorModel> models() {
    return List.copyOf(models.values());
  }

  /** The downloaded model with this key or {@code key@variant} id. */
  public synchronized Optional<SimulatorModel> model(String keyOrVariant) {
    if (keyOrVariant == null) {
      return Optional.empty();
    }
    return models.values().stream().filter(m -> m.answersTo(keyOrVariant)).findFirst();
  }

  /** Adds (or replaces) a downloaded model. */
  public synchronized void addModel(SimulatorModel model) {
    requireNonNull(model, "model");
    models.put(model.key(), model);
  }

  /** Removes a downloaded model and its instances; returns whether it existed. */
  public synchronized boolean removeModel(String key) {
    instances.removeIf(i -> i.modelKey().equals(key));
    return models.remove(key) != null;
  }

  /** Loaded instances in load order. */
  public synchronized List<SimulatedInstance> instances() {
    return List.copyOf(instances);
  }

  public synchronized Optional<SimulatedInstance> instance(String id) {
    return instances.stream().filter(i -> i.id().equals(id)).findFirst();
  }

  /** Loaded instances of one downloaded model, the bare-key instance first. */
  public synchronized List<SimulatedInstance> instancesOf(String modelKey) {
    return instances.stream().filter(i -> i.modelKey().equals(modelKey)).toList();
  }

  /**
   * Loads a new instance, like {@code lms load}: never idempotent, so a second load of a loaded model creates
   * {@code key:2} (reference §4, §6). Accepts a {@code key@variant} id.
   *
   * @throws IllegalArgumentException if no downloaded model answers to {@code keyOrVariant}
   */
  public synchronized SimulatedInstance load(String keyOrVariant, int contextLength, boolean jit) {
    SimulatorModel model = model(keyOrVariant)
        .orElseThrow(() -> new IllegalArgumentException("not downloaded: " + keyOrVariant));
    String id = model.key();
    for (int n = 2; instance(id).isPresent(); n++) {
      id = model.key() + ":" + n;
    }
    SimulatedInstance loaded = new SimulatedInstance(id, model.key(), contextLength, jit);
    instances.add(loaded);
    return loaded;
  }

  /** Unloads one instance; returns whether it was loaded. */
  public synchronized boolean unload(String instanceId) {
    return instances.removeIf(i -> i.id().equals(instanceId));
  }

  /** Unloads every instance of one downloaded model; the model stays downloaded. */
  synchronized void unloadInstancesOf(String modelKey) {
    instances.removeIf(i -> i.modelKey().equals(modelKey));
  }

  /** Unloads the JIT-loaded instances of every other model: LM Studio's "Only Keep Last JIT Loaded Model". */
  synchronized void evictJitExcept(String modelKey) {
    instances.removeIf(i -> i.jit() && !i.modelKey().equals(modelKey));
  }

  public synchronized void unloadAll() {
    instances.clear();
  }
}
