package io.github.ollamalmstudioproxy.simulator;

import java.util.List;
import java.util.Optional;

/**
 * Decides which instance serves an inference request, following reference §10 step by step.
 *
 * <p>The decision is a value ({@link Use}, {@link Load} or {@link Fail}) so the handler alone owns the asynchronous
 * part (waiting for a load) and the rules can be read top to bottom here.
 */
final class ModelResolver {
  /** What to do with the request. */
  sealed interface Decision permits Use, Load, Fail {}

  /** Serve with this loaded instance. */
  record Use(SimulatedInstance instance) implements Decision {}

  /** Load this model just in time, then serve with the new instance. */
  record Load(SimulatorModel model) implements Decision {}

  /** Answer with this error. */
  record Fail(SimulatorFailure failure) implements Decision {}

  private final SimulatorOptions options;
  private final SimulatorCatalog catalog;

  ModelResolver(SimulatorOptions options, SimulatorCatalog catalog) {
    this.options = options;
    this.catalog = catalog;
  }

  /** Resolution for chat and text completions; {@code requested} may be null when the body has no model. */
  Decision forCompletion(String requested, boolean requireLoad) {
    List<SimulatedInstance> loaded = catalog.instances();
    Optional<SimulatedInstance> exact = requested == null ? Optional.empty() : catalog.instance(requested);
    if (exact.isPresent()) {
      return chatCapable(exact.get());
    }
    Optional<SimulatorModel> model = catalog.model(requested);
    if (model.isPresent()) {
      List<SimulatedInstance> instances = catalog.instancesOf(model.get().key());
      if (!instances.isEmpty()) {
        return chatCapable(instances.get(0));
      }
      if (requireLoad) {
        return new Fail(SimulatorFailure.noModelsLoaded());
      }
      if (options.jitEnabled()) {
        return model.get().type().canChat() ? new Load(model.get()) : notChat(model.get().key());
      }
    }
    // #619: with exactly one instance loaded, any unknown name is silently served by it (still open in 2026).
    if (options.singleModelFallback() && loaded.size() == 1 && modelOf(loaded.get(0)).type().canChat()) {
      return new Use(loaded.get(0));
    }
    if (model.isPresent() || loaded.isEmpty() && !options.jitEnabled()) {
      return new Fail(SimulatorFailure.noModelsLoaded());
    }
    return unknown(requested);
  }

  /** Resolution for embeddings: no fallback, and a missing or LLM model is "No models loaded" (live probe). */
  Decision forEmbedding(String requested, boolean requireLoad) {
    if (requested == null) {
      return new Fail(SimulatorFailure.noModelsLoaded());
    }
    Optional<SimulatedInstance> exact = catalog.instance(requested);
    Optional<SimulatorModel> model = exact.map(this::modelOf).or(() -> catalog.model(requested));
    if (model.isEmpty()) {
      return options.jitEnabled() ? unknown(requested) : new Fail(SimulatorFailure.noModelsLoaded());
    }
    if (model.get().type() != SimulatorModel.ModelType.EMBEDDING) {
      return new Fail(SimulatorFailure.noModelsLoaded());
    }
    if (exact.isPresent()) {
      return new Use(exact.get());
    }
    List<SimulatedInstance> instances = catalog.instancesOf(model.get().key());
    if (!instances.isEmpty()) {
      return new Use(instances.get(0));
    }
    if (requireLoad || !options.jitEnabled()) {
      return new Fail(SimulatorFailure.noModelsLoaded());
    }
    return new Load(model.get());
  }

  /** The downloaded model {@code requested} names as an instance id, key or {@code key@variant}; empty for none. */
  Optional<SimulatorModel> named(String requested) {
    if (requested == null) {
      return Optional.empty();
    }
    return catalog.instance(requested).map(this::modelOf).or(() -> catalog.model(requested));
  }

  SimulatorModel modelOf(SimulatedInstance instance) {
    return catalog.model(instance.modelKey())
        .orElseThrow(() -> new IllegalStateException("instance of a removed model: " + instance.id()));
  }

  private Decision chatCapable(SimulatedInstance instance) {
    return modelOf(instance).type().canChat() ? new Use(instance) : notChat(instance.id());
  }

  /** Never captured from LM Studio; a plain 400 keeps an embedding model out of chat without pretending to know. */
  private static Decision notChat(String id) {
    return new Fail(SimulatorFailure.openAi(400, "Model \"" + id + "\" is an embedding model and cannot be used "
        + "for completions.", "model", null));
  }

  private Decision unknown(String requested) {
    // LM Studio is JavaScript: a missing model field prints as "undefined".
    String shown = requested == null ? "undefined" : requested;
    List<String> keys = catalog.models().stream().map(SimulatorModel::key).toList();
    return new Fail(options.legacy()
        ? SimulatorFailure.modelNotFoundLegacy(shown, keys)
        : SimulatorFailure.invalidModelIdentifier(shown, keys));
  }
}
