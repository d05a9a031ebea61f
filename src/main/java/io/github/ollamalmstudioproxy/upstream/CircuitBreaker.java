package io.github.ollamalmstudioproxy.upstream;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One backend's breaker on live traffic: consecutive failures (connect failures, 5xx, first-byte timeouts, stalls)
 * open it, an open breaker takes the backend out of routing, and after a cooldown one trial request decides
 * whether it closes again or stays open for another cooldown. The background probe can open it at once
 * ({@link #probeFailed}) and, once the cooldown passed, move it to half-open ({@link #probeSucceeded}).
 *
 * <p>Thread-safe: every event loop reports to the same breaker, so each method holds the instance's lock. The
 * clock is injected ({@code System::nanoTime} in production) so that tests step it. Listeners added with
 * {@link #onChange} run under that lock, in the order of the changes, on the thread that caused them: keep them
 * short (a log line, a gauge) and do not block in them; they may call {@link #view()}.
 *
 * <p>A trial that never reports (the client hung up, which must not count against the backend) would hold the
 * breaker half-open forever: {@link #abandoned()} returns the trial, and a trial older than the cooldown is
 * given up, so another request may try.
 */
public final class CircuitBreaker {
  public enum State { CLOSED, OPEN, HALF_OPEN }

  private static final Logger log = LoggerFactory.getLogger(CircuitBreaker.class);

  /**
   * What {@code GET /api/backends} shows of a breaker.
   *
   * @param consecutiveFailures failures since the last success
   * @param lastFailure the reason of the last failure or failed probe, null if none yet
   * @param openFor how long an open breaker still refuses before a trial; zero unless {@link State#OPEN}
   */
  public record BreakerView(State state, int consecutiveFailures, String lastFailure, Duration openFor) {}

  private final int failuresToOpen;
  private final long cooldownNanos;
  private final LongSupplier nanoTime;
  private final List<Consumer<State>> listeners = new CopyOnWriteArrayList<>();

  private State state = State.CLOSED;
  private int consecutiveFailures;
  private String lastFailure;
  /** When the breaker last opened (OPEN) or when the trial started (HALF_OPEN with a trial). */
  private long since;
  private boolean trialInFlight;

  /**
   * @param failuresToOpen consecutive failures that open the breaker, at least 1
   * @param cooldown how long it stays open before a trial
   */
  public CircuitBreaker(int failuresToOpen, Duration cooldown, LongSupplier nanoTime) {
    if (failuresToOpen < 1) {
      throw new IllegalArgumentException("failuresToOpen must be at least 1, got " + failuresToOpen);
    }
    if (cooldown.isNegative()) {
      throw new IllegalArgumentException("cooldown must not be negative, got " + cooldown);
    }
    this.failuresToOpen = failuresToOpen;
    this.cooldownNanos = cooldown.toNanos();
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
  }

  /** Calls {@code listener} with the new state on every change of state. */
  public void onChange(Consumer<State> listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /**
   * May a request go to this backend now? Closed: yes. Open: no until the cooldown passed, then the breaker goes
   * half-open and this one caller gets the trial. Half-open: yes for the one trial, no while it is in flight.
   * A caller that gets {@code true} must report {@link #succeeded()}, {@link #failed} or {@link #abandoned()}.
   */
  public synchronized boolean allows() {
    long now = nanoTime.getAsLong();
    switch (state) {
      case CLOSED:
        return true;
      case OPEN:
        if (now - since < cooldownNanos) {
          return false;
        }
        moveTo(State.HALF_OPEN);
        startTrial(now);
        return true;
      default:
        if (trialInFlight && now - since < cooldownNanos) {
          return false;
        }
        startTrial(now);
        return true;
    }
  }

  /** The backend answered: the breaker closes and the failure count starts again. */
  public synchronized void succeeded() {
    consecutiveFailures = 0;
    trialInFlight = false;
    moveTo(State.CLOSED);
  }

  /**
   * A request failed for the backend's sake (never for the client's own error or hang-up). Reaching
   * {@code failuresToOpen} in a row opens the breaker; a failure while half-open re-opens it for a fresh cooldown.
   * Failures of requests that started before it opened leave an open breaker's cooldown as it is.
   */
  public synchronized void failed(String reason) {
    consecutiveFailures = saturatedIncrement(consecutiveFailures);
    lastFailure = reason;
    if (state == State.HALF_OPEN || (state == State.CLOSED && consecutiveFailures >= failuresToOpen)) {
      open();
    }
  }

  /** The call given by {@link #allows()} ended with no verdict on the backend (the client left): frees the trial. */
  public synchronized void abandoned() {
    trialInFlight = false;
  }

  /** The background probe found the backend unreachable or answering wrong: open at once, for a fresh cooldown. */
  public synchronized void probeFailed(String reason) {
    lastFailure = reason;
    open();
  }

  /** The background probe found the backend well: an open breaker whose cooldown passed goes half-open. */
  public synchronized void probeSucceeded() {
    if (state == State.OPEN && nanoTime.getAsLong() - since >= cooldownNanos) {
      trialInFlight = false;
      moveTo(State.HALF_OPEN);
    }
  }

  public synchronized State state() {
    return state;
  }

  public synchronized BreakerView view() {
    Duration openFor = Duration.ZERO;
    if (state == State.OPEN) {
      openFor = Duration.ofNanos(Math.max(0, cooldownNanos - (nanoTime.getAsLong() - since)));
    }
    return new BreakerView(state, consecutiveFailures, lastFailure, openFor);
  }

  private void open() {
    since = nanoTime.getAsLong();
    trialInFlight = false;
    moveTo(State.OPEN);
  }

  private void startTrial(long now) {
    trialInFlight = true;
    since = now;
  }

  private void moveTo(State next) {
    if (state == next) {
      return;
    }
    state = next;
    for (Consumer<State> listener : listeners) {
      try {
        listener.accept(next);
      } catch (RuntimeException e) {
        // The state has changed either way; a broken log line or gauge must not fail the request that reported.
        log.warn("breaker listener failed on {}", next, e);
      }
    }
  }

  private static int saturatedIncrement(int n) {
    return n == Integer.MAX_VALUE ? n : n + 1;
  }
}
