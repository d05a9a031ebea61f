package io.github.ollamalmstudioproxy.upstream;

import io.github.ollamalmstudioproxy.catalog.CatalogSnapshot;
import io.github.ollamalmstudioproxy.catalog.LoadedModel;
import io.github.ollamalmstudioproxy.catalog.ResolvedModel;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When LM Studio will unload instances whose idle TTL the proxy itself set, for {@code /api/ps} {@code expires_at}.
 *
 * <p>LM Studio applies a request's {@code ttl} only when that request loads the model just in time, and restarts the
 * idle timer with every request (lmstudio-api.md §6). So a TTL is known exactly when the proxy's own request found
 * the model unloaded on a backend that loads on first use and carried a {@code ttl}; from then on every answer the
 * proxy relays to it moves the expiry to that answer's end plus the TTL, as Ollama's scheduler sets {@code expiresAt}
 * when a runner goes idle ({@code ollama/ollama@v0.33.0-rc2:server/sched.go:386-410}). Nothing is guessed for other
 * instances: requests the proxy did not see, or a load the proxy made through {@code /api/v1/models/load} (which
 * takes no TTL).
 */
public final class IdleExpiries {
  private record Idle(Duration ttl, Instant lastAnswer) {}

  private final Map<String, Idle> byInstance = new ConcurrentHashMap<>();

  /**
   * An answer ended normally.
   *
   * @param before the catalog the request was resolved against (was the model loaded when it was sent?)
   * @param ttlSeconds the {@code ttl} the request carried, or null
   * @return whether this request just-in-time loaded the model with a TTL (the catalog is then out of date)
   */
  boolean answered(CatalogSnapshot before, ResolvedModel model, Long ttlSeconds, Instant endedAt) {
    String instance = model.model().key();
    if (before.isLoaded(instance)) {
      // Already loaded: this request's ttl does not apply, but the timer a known TTL runs on restarts.
      byInstance.computeIfPresent(instance, (id, known) -> new Idle(known.ttl(), endedAt));
      return false;
    }
    // Not loaded: this request loaded it, and whatever TTL an earlier load set is gone.
    if (ttlSeconds == null || before.source().canLoad()) {
      byInstance.remove(instance);
      return false;
    }
    byInstance.put(instance, new Idle(Duration.ofSeconds(ttlSeconds), endedAt));
    return true;
  }

  /** The proxy unloaded the model: whatever loads it next sets its own TTL, or none. */
  void unloaded(String modelKey) {
    byInstance.remove(modelKey);
  }

  /**
   * Instance id → expiry, for the instances loaded in {@code snapshot}. A TTL that has run out is forgotten: LM
   * Studio unloaded the instance then, and a later load by anyone else starts without it.
   */
  public Map<String, Instant> expiries(CatalogSnapshot snapshot, Instant now) {
    Map<String, Instant> out = new HashMap<>();
    byInstance.values().removeIf(idle -> idle.lastAnswer().plus(idle.ttl()).isBefore(now));
    for (LoadedModel loaded : snapshot.loaded()) {
      Idle idle = byInstance.get(loaded.instance().id());
      if (idle != null) {
        out.put(loaded.instance().id(), idle.lastAnswer().plus(idle.ttl()));
      }
    }
    return out;
  }
}
