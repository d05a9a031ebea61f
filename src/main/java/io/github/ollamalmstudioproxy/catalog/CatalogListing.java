package io.github.ollamalmstudioproxy.catalog;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** A parsed model list and the route it came from. */
public record CatalogListing(CatalogSource source, List<BackendModel> models) {
  public CatalogListing {
    requireNonNull(source, "source");
    models = List.copyOf(models);
  }
}
