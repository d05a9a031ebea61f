package io.github.ollamalmstudioproxy.catalog;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The catalogs of several backends as one: one entry per model key (the first backend's record, or the first loaded
 * one where the model is loaded elsewhere only), in the order the backends and their models come, first-seen times
 * the earliest any backend gave. The first backend's source and aliases stand for the whole (aliases live in one
 * shared file). Loaded instances of every backend are listed by {@code /api/ps} from the catalogs themselves, not
 * from this union, which would fold duplicates away.
 */
public final class CatalogUnion {
  private CatalogUnion() {}

  public static CatalogSnapshot of(List<CatalogSnapshot> snapshots) {
    if (snapshots.size() == 1) {
      return snapshots.get(0);
    }
    Map<String, BackendModel> byKey = new LinkedHashMap<>();
    Map<String, Instant> firstSeen = new HashMap<>();
    for (CatalogSnapshot snapshot : snapshots) {
      for (BackendModel model : snapshot.models()) {
        String key = model.key().toLowerCase(Locale.ROOT);
        BackendModel held = byKey.get(key);
        if (held == null || !held.isLoaded() && model.isLoaded()) {
          byKey.put(key, model);
        }
        Instant seen = snapshot.modifiedAt(model);
        firstSeen.merge(model.key(), seen, (a, b) -> a.isBefore(b) ? a : b);
      }
    }
    CatalogSnapshot first = snapshots.get(0);
    return CatalogSnapshot.of(first.source(), new ArrayList<>(byKey.values()), firstSeen)
        .withAliases(first.aliases());
  }
}
