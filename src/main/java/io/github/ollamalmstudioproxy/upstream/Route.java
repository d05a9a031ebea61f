package io.github.ollamalmstudioproxy.upstream;

import io.github.ollamalmstudioproxy.catalog.CatalogSnapshot;
import io.github.ollamalmstudioproxy.catalog.ResolvedModel;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import io.github.ollamalmstudioproxy.translate.BackendDialect;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where one request goes: the backend routing chose for its model (with the model as that backend names it), why,
 * and the backends to try next should this one fail before the first byte reached the client. The route holds one
 * of the chosen backend's slots until the request ends.
 */
public final class Route {
  private static final Logger log = LoggerFactory.getLogger(Route.class);
  /** At most this many other backends are tried for one request: a failure that follows it everywhere is its own. */
  static final int MAX_FAILOVERS = 2;

  /** One backend that has the model, and the model as its catalog resolved it. */
  public record Target(Backend backend, CatalogSnapshot snapshot, ResolvedModel model) {}

  /** Takes and gives back backend slots (the fleet, which also wakes the queue when one frees). */
  interface Slots {
    boolean tryTake(Target target);

    void giveBack(Target target);

    /** A request moved from {@code from} to {@code to}: counted in the metrics. */
    void failedOver(Target from, Target to);
  }

  private final List<Target> order;
  private final int index;
  private final RouteReason reason;
  private final Caller caller;
  private final int failovers;
  private final Slots slots;
  private final AtomicBoolean released = new AtomicBoolean();

  /** A route whose slot on {@code order.get(index)} was taken already. */
  Route(List<Target> order, int index, RouteReason reason, Caller caller, int failovers, Slots slots) {
    this.order = order;
    this.index = index;
    this.reason = reason;
    this.caller = caller;
    this.failovers = failovers;
    this.slots = slots;
    // Whatever way the request ends, the slot goes back once.
    caller.onEnd(this::release);
  }

  public Backend backend() {
    return order.get(index).backend();
  }

  public CatalogSnapshot snapshot() {
    return order.get(index).snapshot();
  }

  public ResolvedModel model() {
    return order.get(index).model();
  }

  /** What translation must know about the chosen backend. */
  public BackendDialect dialect() {
    return Backend.dialect(snapshot());
  }

  public RouteReason reason() {
    return reason;
  }

  /**
   * The route to the next backend after {@code failure} on this one, or null when the failure is the answer: the
   * client went away, the error is the client's own (a 4xx such as a context overflow) or a "not implemented", no
   * other backend has the model or a free slot, or {@link #MAX_FAILOVERS} were tried. Call it only while nothing
   * reached the client. This route's slot is given back either way once the request ends.
   */
  public Route failover(Throwable failure) {
    if (caller.cancelled() || failovers >= MAX_FAILOVERS || !(failure instanceof OllamaError error)
        || error.status() < 500 || error.status() == 501) {
      return null;
    }
    for (int next = index + 1; next < order.size(); next++) {
      Target target = order.get(next);
      if (target.backend().breaker().state() != CircuitBreaker.State.OPEN && slots.tryTake(target)) {
        release();
        log.info("{} backend {} failed before the first byte ({}); trying backend {}", caller.id(),
            backend().name(), abbreviate(error.getMessage()), target.backend().name());
        slots.failedOver(order.get(index), target);
        return new Route(order, next, RouteReason.FAILOVER, caller, failovers + 1, slots);
      }
    }
    return null;
  }

  private void release() {
    if (released.compareAndSet(false, true)) {
      slots.giveBack(order.get(index));
    }
  }

  private static String abbreviate(String message) {
    return message == null ? "" : message.length() > 160 ? message.substring(0, 160) + "…" : message;
  }

  @Override
  public String toString() {
    return "Route[" + backend().name() + ", " + reason.label() + "]";
  }
}
