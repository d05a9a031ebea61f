package io.github.ollamalmstudioproxy.catalog;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers when this process first saw each model, to serve as its {@code modified_at}.
 *
 * <p>Backends do not report file times. {@code now()} on every call made clients re-sync their caches on each
 * listing, and leaving the field out broke typed clients (Zed, ollama-python), so the value must be a real
 * timestamp that stays put. Create one registry per process and keep it across catalog refreshes.
 */
public final class FirstSeenRegistry {
  private final Map<String, Instant> firstSeen = new ConcurrentHashMap<>();

  /** The instant {@code key} was first stamped, stamping it with {@code now} if it is new. */
  public Instant stamp(String key, Instant now) {
    requireNonNull(now, "now");
    return firstSeen.computeIfAbsent(requireNonNull(key, "key"), k -> now);
  }

  /** Stamps every model and returns key → first seen, for {@link CatalogSnapshot#of}. */
  public Map<String, Instant> stampAll(Collection<BackendModel> models, Instant now) {
    Map<String, Instant> out = new HashMap<>();
    for (BackendModel m : models) {
      out.put(m.key(), stamp(m.key(), now));
    }
    return out;
  }
}
