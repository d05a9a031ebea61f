package io.github.ollamalmstudioproxy.catalog;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A value fetched at most once per TTL, with one fetch in flight at a time, that keeps serving the last good value
 * while the backend is down.
 *
 * <pre>
 *   fresh (age &lt; ttl)                    → the cached value, no fetch
 *   a fetch in flight                     → that fetch (every caller shares it)
 *   stale, last fetch failed &lt; retryAfter → the last good value, no fetch (do not hammer a dead backend)
 *   otherwise                             → a new fetch; on failure the last good value, or the failure if none
 *   last good value older than maxStale   → never served: the failure instead (an outage is not hidden forever)
 * </pre>
 *
 * <p>Pure JDK: the fetch function and the clock are injected, so the server wraps its HTTP call and the tests drive
 * time by hand. Thread-safe.
 */
public final class RefreshingCache<T> {
  /** "No staleness bound", kept small enough for {@link Instant} arithmetic. */
  private static final Duration UNBOUNDED = Duration.ofDays(365L * 1000);

  private final Supplier<CompletableFuture<T>> fetch;
  private final Duration ttl;
  private final Duration retryAfterFailure;
  private final Clock clock;
  private final Duration maxStale;

  private T value;
  private Instant fetchedAt;
  private Instant goodAt;
  private Instant failedAt;
  private Throwable lastFailure;
  private CompletableFuture<T> inFlight;
  private long generation;

  public RefreshingCache(Supplier<CompletableFuture<T>> fetch, Duration ttl, Duration retryAfterFailure,
      Clock clock) {
    this(fetch, ttl, retryAfterFailure, UNBOUNDED, clock);
  }

  /** @param maxStale how long after its fetch the last good value may still stand in for a failing backend */
  public RefreshingCache(Supplier<CompletableFuture<T>> fetch, Duration ttl, Duration retryAfterFailure,
      Duration maxStale, Clock clock) {
    this.maxStale = requireNonNull(maxStale, "maxStale");
    this.fetch = requireNonNull(fetch, "fetch");
    this.ttl = requireNonNull(ttl, "ttl");
    this.retryAfterFailure = requireNonNull(retryAfterFailure, "retryAfterFailure");
    this.clock = requireNonNull(clock, "clock");
  }

  /** The current value, fetching when needed (see the class comment). The returned future is the caller's own. */
  public synchronized CompletableFuture<T> get() {
    Instant now = clock.instant();
    if (value != null && fetchedAt != null && now.isBefore(fetchedAt.plus(ttl))) {
      return CompletableFuture.completedFuture(value);
    }
    if (inFlight != null) {
      return inFlight.copy();
    }
    if (value != null && failedAt != null && now.isBefore(failedAt.plus(retryAfterFailure))) {
      return servable(now) ? CompletableFuture.completedFuture(value) : CompletableFuture.failedFuture(lastFailure);
    }
    long started = generation;
    CompletableFuture<T> attempt;
    try {
      attempt = requireNonNull(fetch.get(), "fetch returned null");
    } catch (RuntimeException e) {
      attempt = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<T> result = attempt
        .handle((v, error) -> settle(started, v, error))
        .thenCompose(f -> f);
    // A fetch that completed synchronously has already settled; only a pending one is shared.
    if (!result.isDone()) {
      inFlight = result;
    }
    return result.copy();
  }

  /**
   * Forgets the freshness of the cached value (call it after a load or unload), so that the next {@link #get()}
   * fetches. The last good value stays available as a fallback.
   */
  public synchronized void invalidate() {
    generation++;
    fetchedAt = null;
    failedAt = null;
    inFlight = null;
  }

  /** The last value fetched successfully, if any, without fetching. */
  public synchronized Optional<T> lastGood() {
    return Optional.ofNullable(value);
  }

  /** Why the most recent fetch failed, or empty when it succeeded (for health reporting and logs). */
  public synchronized Optional<Throwable> lastFailure() {
    return Optional.ofNullable(lastFailure);
  }

  private synchronized CompletableFuture<T> settle(long started, T fetched, Throwable error) {
    boolean current = started == generation;
    if (current) {
      inFlight = null;
    }
    if (error == null && fetched != null) {
      if (current) {
        value = fetched;
        fetchedAt = clock.instant();
        goodAt = fetchedAt;
        failedAt = null;
        lastFailure = null;
      }
      return CompletableFuture.completedFuture(fetched);
    }
    Throwable cause = error != null ? error : new IllegalStateException("fetch returned no value");
    if (current) {
      failedAt = clock.instant();
      lastFailure = cause;
    }
    return value != null && servable(clock.instant()) ? CompletableFuture.completedFuture(value)
        : CompletableFuture.failedFuture(cause);
  }

  private boolean servable(Instant now) {
    return goodAt == null || maxStale.compareTo(Duration.between(goodAt, now)) >= 0;
  }
}
