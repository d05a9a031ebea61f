package io.github.ollamalmstudioproxy.catalog.alias;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** One immutable set of aliases, sorted by name; a change makes a new set. */
public final class ModelAliases {
  public static final ModelAliases EMPTY = new ModelAliases(List.of());

  private final List<ModelAlias> aliases;

  private ModelAliases(List<ModelAlias> aliases) {
    List<ModelAlias> sorted = new ArrayList<>(aliases);
    sorted.sort(Comparator.comparing(ModelAlias::name, String.CASE_INSENSITIVE_ORDER));
    this.aliases = List.copyOf(sorted);
  }

  /**
   * @throws IllegalArgumentException when two entries name the same alias
   */
  public static ModelAliases of(List<ModelAlias> aliases) {
    requireNonNull(aliases, "aliases");
    for (int i = 0; i < aliases.size(); i++) {
      for (int j = 0; j < i; j++) {
        if (AliasName.same(aliases.get(i).name(), aliases.get(j).name())) {
          throw new IllegalArgumentException("'" + aliases.get(i).name() + "' is defined twice");
        }
      }
    }
    return new ModelAliases(aliases);
  }

  public List<ModelAlias> all() {
    return aliases;
  }

  public Optional<ModelAlias> find(String name) {
    if (name == null || name.isBlank()) {
      return Optional.empty();
    }
    return aliases.stream().filter(a -> AliasName.same(a.name(), name)).findFirst();
  }

  /** This set with {@code alias} added, replacing one of the same name (as {@code ollama create} overwrites). */
  public ModelAliases with(ModelAlias alias) {
    List<ModelAlias> out = new ArrayList<>(without(alias.name()).aliases);
    out.add(alias);
    return new ModelAliases(out);
  }

  public ModelAliases without(String name) {
    return new ModelAliases(aliases.stream().filter(a -> !AliasName.same(a.name(), name)).toList());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ModelAliases other && other.aliases.equals(aliases);
  }

  @Override
  public int hashCode() {
    return aliases.hashCode();
  }
}
