package io.github.ollamalmstudioproxy.upstream;

import static io.github.ollamalmstudioproxy.translate.ErrorClass.INVALID_REQUEST;
import static io.github.ollamalmstudioproxy.translate.ErrorClass.MODEL_NOT_FOUND;
import static io.github.ollamalmstudioproxy.translate.ErrorClass.OTHER;
import static io.github.ollamalmstudioproxy.translate.ErrorClass.RETRY_AFTER_LOAD;
import static io.github.ollamalmstudioproxy.translate.ErrorClass.RETRY_ONCE;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.ollamalmstudioproxy.translate.ErrorClass;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The whole decision for each error class and retry count, with the default {@code --load-retries 2} unless named. */
class RetryPolicyTest {
  private static final int DEFAULT_MAX = 2;
  private static final Duration PAUSE = Duration.ofMillis(500);

  /** The question asked: the policy's bound, the class, replays so far and how many of them were transient. */
  record Ask(int maxRetries, ErrorClass errorClass, int retriesSoFar, int transientRetriesSoFar) {}

  /** The expected answer; {@code reasonPart} is a fragment the reason must contain. */
  record Expect(boolean retry, boolean loadFirst, Duration delay, String reasonPart) {}

  static Stream<Arguments> decisions() {
    return Stream.of(
        row("not loaded, first failure: load, then replay at once", DEFAULT_MAX, RETRY_AFTER_LOAD, 0, 0,
            load()),
        row("not loaded again after one load: load again", DEFAULT_MAX, RETRY_AFTER_LOAD, 1, 0, load()),
        row("not loaded after a transient replay: transient count does not matter", DEFAULT_MAX, RETRY_AFTER_LOAD, 1,
            1, load()),
        row("not loaded with the retries used up: stop", DEFAULT_MAX, RETRY_AFTER_LOAD, 2, 0, stop("exhausted")),
        row("not loaded beyond the bound: stop", DEFAULT_MAX, RETRY_AFTER_LOAD, 5, 0, stop("exhausted")),
        row("transient, first time: replay after the 500 ms pause, no load", DEFAULT_MAX, RETRY_ONCE, 0, 0,
            pause()),
        row("transient after a load replay: still the first transient one", DEFAULT_MAX, RETRY_ONCE, 1, 0, pause()),
        row("transient repeated: stop", DEFAULT_MAX, RETRY_ONCE, 1, 1, stop("repeated")),
        row("transient with the retries used up: stop", DEFAULT_MAX, RETRY_ONCE, 2, 0, stop("exhausted")),
        row("model not found: never replayed", DEFAULT_MAX, MODEL_NOT_FOUND, 0, 0, stop("MODEL_NOT_FOUND")),
        row("invalid request: never replayed", DEFAULT_MAX, INVALID_REQUEST, 0, 0, stop("INVALID_REQUEST")),
        row("other: never replayed", DEFAULT_MAX, OTHER, 0, 0, stop("OTHER")),
        row("--load-retries 0: not loaded is not replayed", 0, RETRY_AFTER_LOAD, 0, 0, stop("exhausted")),
        row("--load-retries 0: transient is not replayed", 0, RETRY_ONCE, 0, 0, stop("exhausted")),
        row("--load-retries 1: one load replay", 1, RETRY_AFTER_LOAD, 0, 0, load()),
        row("--load-retries 1: no second replay", 1, RETRY_AFTER_LOAD, 1, 0, stop("exhausted")),
        row("--load-retries 5: transient still only once", 5, RETRY_ONCE, 3, 1, stop("repeated")),
        row("--load-retries 5: loads go on until the bound", 5, RETRY_AFTER_LOAD, 4, 1, load()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("decisions")
  void decidesWhetherAndHowToReplay(Ask ask, Expect expect) {
    RetryDecision decision = new RetryPolicy(ask.maxRetries())
        .decide(ask.errorClass(), ask.retriesSoFar(), ask.transientRetriesSoFar());

    assertThat(decision.retry()).as("retry").isEqualTo(expect.retry());
    assertThat(decision.loadFirst()).as("loadFirst").isEqualTo(expect.loadFirst());
    assertThat(decision.delay()).as("delay").isEqualTo(expect.delay());
    assertThat(decision.reason()).as("reason").isNotBlank().contains(expect.reasonPart());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(ErrorClass.class)
  void stopsEveryClassOnceTheRetriesAreUsedUp(ErrorClass errorClass) {
    RetryDecision decision = new RetryPolicy(DEFAULT_MAX).decide(errorClass, DEFAULT_MAX, 0);

    assertThat(decision).isEqualTo(new RetryDecision(false, false, Duration.ZERO, "retries exhausted (2)"));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(ErrorClass.class)
  void waitsOnlyWhenItReplaysWithoutLoading(ErrorClass errorClass) {
    RetryDecision decision = new RetryPolicy(DEFAULT_MAX).decide(errorClass, 0, 0);

    if (decision.retry() && !decision.loadFirst()) {
      assertThat(decision.delay()).isEqualTo(PAUSE);
    } else {
      assertThat(decision.delay()).as("a load is awaited by polling; a stop waits for nothing").isZero();
    }
  }

  private static Expect load() {
    return new Expect(true, true, Duration.ZERO, "not loaded");
  }

  private static Expect pause() {
    return new Expect(true, false, PAUSE, "transient");
  }

  private static Expect stop(String reasonPart) {
    return new Expect(false, false, Duration.ZERO, reasonPart);
  }

  private static Arguments row(String name, int maxRetries, ErrorClass errorClass, int retriesSoFar,
      int transientRetriesSoFar, Expect expect) {
    return Arguments.of(Named.of(name, new Ask(maxRetries, errorClass, retriesSoFar, transientRetriesSoFar)), expect);
  }
}
