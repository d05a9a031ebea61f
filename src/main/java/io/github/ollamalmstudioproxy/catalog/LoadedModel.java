package io.github.ollamalmstudioproxy.catalog;

import static java.util.Objects.requireNonNull;

/** One loaded instance together with the model it is a copy of (an {@code /api/ps} row). */
public record LoadedModel(BackendModel model, LoadedInstance instance) {
  public LoadedModel {
    requireNonNull(model, "model");
    requireNonNull(instance, "instance");
  }

  /**
   * The Ollama name of this row. The first instance (id = key) shows as the model's name; further copies show as
   * their own ids ({@code key:2}), which {@link ModelNames#resolve} accepts back.
   */
  public String ollamaName() {
    return instance.id().equalsIgnoreCase(model.key()) ? ModelNames.ollamaName(model.key()) : instance.id();
  }
}
