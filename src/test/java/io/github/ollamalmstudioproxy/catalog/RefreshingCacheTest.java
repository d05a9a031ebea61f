package io.github.ollamalmstudioproxy.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ollamalmstudioproxy.support.ManualClock;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class RefreshingCacheTest {
  private final ManualClock clock = new ManualClock();
  private final Deque<CompletableFuture<String>> fetches = new ArrayDeque<>();
  private final RefreshingCache<String> cache = new RefreshingCache<>(this::fetch, Duration.ofSeconds(10),
      Duration.ofSeconds(5), clock);

  @Test
  void theLastGoodValueStandsInOnlyUntilItIsOlderThanMaxStale() {
    RefreshingCache<String> bounded = new RefreshingCache<>(this::fetch, Duration.ofSeconds(10),
        Duration.ofSeconds(5), Duration.ofMinutes(1), clock);
    settle(bounded.get(), "v1");
    clock.advance(Duration.ofSeconds(30));
    CompletableFuture<String> stillServed = bounded.get();
    fetches.peekLast().completeExceptionally(new IOException("connection refused"));
    assertThat(stillServed.join()).isEqualTo("v1");

    clock.advance(Duration.ofSeconds(31));
    CompletableFuture<String> tooOld = bounded.get();
    fetches.peekLast().completeExceptionally(new IOException("connection refused"));
    assertThat(tooOld).as("older than a minute").isCompletedExceptionally();
    clock.advance(Duration.ofSeconds(1));
    assertThat(bounded.get()).as("inside the back-off, still too old").isCompletedExceptionally();
  }

  @Test
  void concurrentCallersShareOneFetch() {
    CompletableFuture<String> a = cache.get();
    CompletableFuture<String> b = cache.get();
    assertThat(fetches).hasSize(1);
    fetches.peek().complete("v1");
    assertThat(a.join()).isEqualTo("v1");
    assertThat(b.join()).isEqualTo("v1");
  }

  @Test
  void freshValueIsServedWithoutFetchingUntilTheTtlEnds() {
    settle(cache.get(), "v1");
    clock.advance(Duration.ofSeconds(9));
    assertThat(cache.get().join()).isEqualTo("v1");
    assertThat(fetches).hasSize(1);
    clock.advance(Duration.ofSeconds(1));
    CompletableFuture<String> refreshed = cache.get();
    assertThat(fetches).hasSize(2);
    fetches.peekLast().complete("v2");
    assertThat(refreshed.join()).isEqualTo("v2");
  }

  @Test
  void backendDownServesTheLastGoodValueAndBacksOff() {
    settle(cache.get(), "v1");
    clock.advance(Duration.ofSeconds(11));
    CompletableFuture<String> during = cache.get();
    fetches.peekLast().completeExceptionally(new IOException("connection refused"));
    assertThat(during.join()).isEqualTo("v1");
    assertThat(cache.lastFailure()).get().isInstanceOf(IOException.class);
    clock.advance(Duration.ofSeconds(4));
    assertThat(cache.get().join()).isEqualTo("v1");
    assertThat(fetches).as("no new fetch inside the back-off").hasSize(2);
    clock.advance(Duration.ofSeconds(1));
    CompletableFuture<String> retry = cache.get();
    assertThat(fetches).hasSize(3);
    fetches.peekLast().complete("v2");
    assertThat(retry.join()).isEqualTo("v2");
    assertThat(cache.lastFailure()).isEmpty();
  }

  @Test
  void firstFetchFailingFailsTheCallerAndTheNextCallTriesAgain() {
    CompletableFuture<String> first = cache.get();
    fetches.peek().completeExceptionally(new IOException("down"));
    assertThat(first).isCompletedExceptionally();
    assertThat(cache.lastGood()).isEmpty();
    cache.get();
    assertThat(fetches).hasSize(2);
  }

  @Test
  void aFetchFunctionThatThrowsIsAFailedFetch() {
    RefreshingCache<String> throwing = new RefreshingCache<>(() -> {
      throw new IllegalStateException("boom");
    }, Duration.ofSeconds(10), Duration.ofSeconds(5), clock);
    assertThat(throwing.get()).isCompletedExceptionally();
    assertThat(throwing.lastFailure().orElseThrow()).hasMessage("boom");
  }

  @Test
  void invalidateForcesAFetchAndIgnoresTheResultOfTheOlderOne() {
    CompletableFuture<String> old = cache.get();
    cache.invalidate();
    CompletableFuture<String> fresh = cache.get();
    assertThat(fetches).hasSize(2);
    fetches.peekLast().complete("after-load");
    fetches.peekFirst().complete("before-load");
    assertThat(old.join()).isEqualTo("before-load");
    assertThat(fresh.join()).isEqualTo("after-load");
    assertThat(cache.get().join()).isEqualTo("after-load");
  }

  @Test
  void callersCannotCompleteTheSharedFetch() {
    CompletableFuture<String> a = cache.get();
    a.complete("forged");
    CompletableFuture<String> b = cache.get();
    fetches.peek().complete("real");
    assertThat(b.join()).isEqualTo("real");
    assertThat(cache.lastGood()).contains("real");
  }

  @Test
  void synchronousFetchesDoNotLeaveAStuckInFlightFuture() {
    RefreshingCache<String> sync = new RefreshingCache<>(() -> CompletableFuture.completedFuture("now"),
        Duration.ZERO, Duration.ZERO, clock);
    assertThat(sync.get().join()).isEqualTo("now");
    assertThat(sync.get().join()).isEqualTo("now");
  }

  private CompletableFuture<String> fetch() {
    CompletableFuture<String> f = new CompletableFuture<>();
    fetches.add(f);
    return f;
  }

  private void settle(CompletableFuture<String> pending, String value) {
    fetches.peekLast().complete(value);
    try {
      assertThat(pending.join()).isEqualTo(value);
    } catch (CompletionException e) {
      throw new AssertionError(e);
    }
  }
}
