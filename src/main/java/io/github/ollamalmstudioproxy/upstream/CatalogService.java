package io.github.ollamalmstudioproxy.upstream;

import static java.util.Objects.requireNonNull;

import io.github.ollamalmstudioproxy.backend.BackendClient;
import io.github.ollamalmstudioproxy.backend.BoundedBody;
import io.github.ollamalmstudioproxy.backend.TransportFailures;
import io.github.ollamalmstudioproxy.catalog.CatalogListing;
import io.github.ollamalmstudioproxy.catalog.CatalogSnapshot;
import io.github.ollamalmstudioproxy.catalog.CatalogSource;
import io.github.ollamalmstudioproxy.catalog.FirstSeenRegistry;
import io.github.ollamalmstudioproxy.catalog.ModelListProbe;
import io.github.ollamalmstudioproxy.catalog.RefreshingCache;
import io.github.ollamalmstudioproxy.catalog.alias.ModelAliases;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One backend's model list, fetched from its richest metadata route and cached briefly, with one refresh in flight.
 *
 * <p>Metadata questions ({@code /api/tags}, {@code /api/show}, {@code /api/ps}) are answered from here and never
 * load a model. While the backend is down the last good list keeps being served for up to {@link #MAX_STALE} (logged
 * once per outage); with no list at all, or only an older one, the answer is a 502 naming the backend.
 */
public final class CatalogService {
  private static final Logger log = LoggerFactory.getLogger(CatalogService.class);
  /** Short enough that a model loaded in LM Studio's UI shows up in /api/ps within seconds. */
  public static final Duration TTL = Duration.ofSeconds(5);
  private static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(2);
  /** How long the last good list may stand in for a backend that is down, before clients get the 502. */
  static final Duration MAX_STALE = Duration.ofMinutes(10);
  /**
   * The most of one model list the proxy reads (readiness probe included). LM Studio's richest list takes well under
   * 1 KiB per model, so this is thousands of models; a larger answer is reset and fails the fetch with a 502 that says
   * so, instead of growing the heap.
   */
  public static final long MAX_MODEL_LIST_BYTES = 8L * 1024 * 1024;

  private final BackendClient backend;
  private final TransportFailures failures;
  private final Clock clock;
  private final RefreshingCache<CatalogListing> cache;
  private final FirstSeenRegistry firstSeen = new FirstSeenRegistry();
  private volatile CatalogListing snapshotOf;
  private volatile Supplier<ModelAliases> aliases = () -> ModelAliases.EMPTY;
  private volatile ModelAliases aliasesOf;
  private volatile CatalogSnapshot snapshot;
  private volatile boolean servingStale;

  /** @param ttl how long a fetched list is served before the next fetch ({@link #TTL} in production) */
  CatalogService(BackendClient backend, TransportFailures failures, Duration ttl, Clock clock) {
    this(backend, failures, ttl, clock, false);
  }

  /**
   * @param gateway the backend is an inference gateway: only {@code /v1/models} is read, as a
   *     {@link CatalogSource#GATEWAY} list, and LM Studio's routes are never probed (a gateway would route or log
   *     each miss)
   */
  CatalogService(BackendClient backend, TransportFailures failures, Duration ttl, Clock clock, boolean gateway) {
    this.backend = requireNonNull(backend, "backend");
    this.failures = requireNonNull(failures, "failures");
    this.clock = requireNonNull(clock, "clock");
    ModelListProbe probe = new ModelListProbe(this::httpGet,
        gateway ? List.of(CatalogSource.GATEWAY) : CatalogSource.probeOrder());
    this.cache = new RefreshingCache<>(probe, ttl, RETRY_AFTER_FAILURE, MAX_STALE, clock);
  }

  /** The current snapshot; fails with a 502 {@link OllamaError} when the backend never answered. */
  public Future<CatalogSnapshot> snapshot() {
    CompletableFuture<CatalogListing> listing = cache.get();
    if (listing.isDone() && !listing.isCompletedExceptionally()) {
      return Future.succeededFuture(toSnapshot(listing.join()));
    }
    return Future.fromCompletionStage(listing).transform(result -> {
      if (result.succeeded()) {
        return Future.succeededFuture(toSnapshot(result.result()));
      }
      Throwable cause = result.cause() instanceof CompletionException c && c.getCause() != null
          ? c.getCause() : result.cause();
      if (cause instanceof ModelListProbe.NoModelList none) {
        return Future.failedFuture(new OllamaError(502, "the backend at " + failures.backend() + " "
            + none.getMessage() + " (is it LM Studio or an OpenAI-compatible server?)"));
      }
      if (TransportFailures.isTransport(cause)) {
        return Future.failedFuture(new OllamaError(failures.status(cause), failures.message(cause), cause));
      }
      // A bug: the reply writer logs it with its stack and answers 500.
      return Future.failedFuture(cause);
    });
  }

  /** Where the aliases shown next to the backend's models come from (the models file); none until set. */
  public void useAliases(Supplier<ModelAliases> source) {
    this.aliases = requireNonNull(source, "source");
  }

  /** Forgets the cached list, e.g. after a model was loaded or unloaded. */
  public void invalidate() {
    cache.invalidate();
  }

  private CatalogSnapshot toSnapshot(CatalogListing listing) {
    reportStaleness();
    ModelAliases currentAliases = aliases.get();
    if (listing != snapshotOf || currentAliases != aliasesOf) {
      snapshot = CatalogSnapshot.of(listing.source(), listing.models(), firstSeen, clock.instant())
          .withAliases(currentAliases);
      snapshotOf = listing;
      aliasesOf = currentAliases;
    }
    return snapshot;
  }

  private void reportStaleness() {
    boolean stale = cache.lastFailure().isPresent();
    if (stale && !servingStale) {
      log.warn("backend model list unavailable ({}); serving the last good list",
          cache.lastFailure().map(Throwable::getMessage).orElse("?"));
    } else if (!stale && servingStale) {
      log.info("backend model list available again");
    }
    servingStale = stale;
  }

  /** The bound on reading the model list at {@code path}. */
  static BoundedBody.Limit modelListLimit(String path) {
    return new BoundedBody.Limit(MAX_MODEL_LIST_BYTES, "model list (GET " + path + ")", null);
  }

  private CompletableFuture<ModelListProbe.Reply> httpGet(String path) {
    // The metadata connections and deadline: model lists never take a connection inference needs.
    return backend.getMetadata(path, modelListLimit(path))
        .map(reply -> new ModelListProbe.Reply(reply.status(), reply.body().toString()))
        .toCompletionStage().toCompletableFuture();
  }
}
