package io.github.ollamalmstudioproxy.catalog;

import static java.util.Objects.requireNonNull;

import io.github.ollamalmstudioproxy.catalog.alias.ModelAlias;
import io.github.ollamalmstudioproxy.catalog.alias.ModelAliases;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One immutable view of the backend's models: what {@code /api/tags}, {@code /api/show}, {@code /api/ps} and name
 * resolution answer from. Holds no network state; the caller builds a new one after each successful fetch.
 */
public final class CatalogSnapshot {
  private final CatalogSource source;
  private final List<BackendModel> models;
  private final Map<String, Instant> firstSeen;
  private final ModelAliases aliases;

  private CatalogSnapshot(CatalogSource source, List<BackendModel> models, Map<String, Instant> firstSeen,
      ModelAliases aliases) {
    this.source = requireNonNull(source, "source");
    this.models = List.copyOf(requireNonNull(models, "models"));
    this.firstSeen = Map.copyOf(requireNonNull(firstSeen, "firstSeen"));
    this.aliases = requireNonNull(aliases, "aliases");
  }

  /**
   * @param firstSeen key → the instant this process first saw the model (see {@link FirstSeenRegistry}); a model
   *     missing from the map shows the Unix epoch rather than an unstable "now"
   */
  public static CatalogSnapshot of(CatalogSource source, List<BackendModel> models, Map<String, Instant> firstSeen) {
    return new CatalogSnapshot(source, models, firstSeen, ModelAliases.EMPTY);
  }

  /** Convenience: stamps the models in {@code registry} at {@code now} and builds the snapshot. */
  public static CatalogSnapshot of(CatalogSource source, List<BackendModel> models, FirstSeenRegistry registry,
      Instant now) {
    return new CatalogSnapshot(source, models, registry.stampAll(models, now), ModelAliases.EMPTY);
  }

  /** The same models with these aliases next to them (see {@link #resolve}). */
  public CatalogSnapshot withAliases(ModelAliases newAliases) {
    return new CatalogSnapshot(source, models, firstSeen, newAliases);
  }

  public ModelAliases aliases() {
    return aliases;
  }

  /** The alias {@code name} names, if it names one. */
  public Optional<ModelAlias> alias(String name) {
    return aliases.find(name);
  }

  public CatalogSource source() {
    return source;
  }

  /** All models, in the backend's order. */
  public List<BackendModel> models() {
    return models;
  }

  /** The {@code modified_at} of a model: when this process first saw it. */
  public Instant modifiedAt(BackendModel model) {
    return firstSeen.getOrDefault(model.key(), Instant.EPOCH);
  }

  /**
   * Resolves an Ollama name to a backend id (see {@link ModelNames}); an alias resolves to its backend model under
   * the alias's own name, and is looked up first: it is the name the user chose.
   *
   * @throws io.github.ollamalmstudioproxy.ollama.OllamaError 404 when unknown or ambiguous
   */
  public ResolvedModel resolve(String name) {
    Optional<ModelAlias> alias = aliases.find(name);
    return alias.isPresent() ? AliasViews.resolve(this, alias.get()) : ModelNames.resolve(name, models);
  }

  public Optional<BackendModel> find(String key) {
    return models.stream().filter(m -> m.key().equalsIgnoreCase(key)).findFirst();
  }

  /** Every loaded instance, in model order. */
  public List<LoadedModel> loaded() {
    List<LoadedModel> out = new ArrayList<>();
    for (BackendModel m : models) {
      m.loadedInstances().forEach(i -> out.add(new LoadedModel(m, i)));
    }
    return out;
  }

  /**
   * Whether a model key, a {@code key@variant} or an instance id has a loaded instance. Use it before asking LM
   * Studio to load: loading a model that is already loaded stacks a duplicate {@code key:2} instance.
   */
  public boolean isLoaded(String keyOrInstanceId) {
    int at = keyOrInstanceId.lastIndexOf('@');
    String withoutVariant = at > 0 ? keyOrInstanceId.substring(0, at) : keyOrInstanceId;
    for (BackendModel m : models) {
      boolean named = m.key().equalsIgnoreCase(keyOrInstanceId) || m.key().equalsIgnoreCase(withoutVariant);
      if (named && m.isLoaded() || m.instance(keyOrInstanceId).isPresent()) {
        return true;
      }
    }
    return false;
  }
}
