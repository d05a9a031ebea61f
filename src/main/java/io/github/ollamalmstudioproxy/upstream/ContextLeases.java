package io.github.ollamalmstudioproxy.upstream;

import io.github.ollamalmstudioproxy.backend.ClientGoneException;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Who may use a model, and when it may be reloaded at another context: the proxy's counterpart of Ollama's
 * scheduler, which reloads a runner whose {@code num_ctx} differs only once the requests using it are done
 * ({@code server/sched.go:256} {@code needsReload}, then {@code :345} expires it when {@code refCount} reaches 0).
 *
 * <pre>
 *   acquire(key, 8192) ─┐    FIFO per model     ┌─ shared: wants no context, or the one the model has
 *   acquire(key, null) ─┼──▶ [w1][w2][w3] ──────┤
 *   acquire(key, 4096) ─┘                       └─ exclusive: wants another; waits until no lease is held,
 *                                                  then reloads (one at a time), then is shared with its peers
 * </pre>
 *
 * <p>Requests for one model are served in arrival order, so two clients asking for different contexts take turns
 * instead of unloading the model under each other's generation. A lease is held until the request ends (or its
 * backend call fails); a waiter that hangs up or runs out of its load deadline leaves the queue.
 */
final class ContextLeases {
  /**
   * Makes the model serve {@code context}, completing with the nanoseconds spent loading; runs while nobody else
   * holds a lease on the model, and is never cut short by the waiter's hang-up.
   */
  interface Reload {
    Future<Long> to(int context);
  }

  /** One request's right to use the model; {@link #release} is idempotent. */
  interface Lease {
    /** Nanoseconds the request spent loading for this lease (0 when nothing was loaded). */
    long loadNanos();

    void release();
  }

  private final Vertx vertx;
  private final Map<String, Model> models = new HashMap<>();

  ContextLeases(Vertx vertx) {
    this.vertx = vertx;
  }

  /**
   * A lease on {@code key} for a request that wants {@code context} (null: whatever the model has).
   *
   * @param alreadyServes whether the model, as last seen, already serves a context; a request whose context it
   *     serves shares the model at once unless a reload was queued before it
   * @param deadlineNanos when the request stops waiting (a 504 from {@code timedOut})
   */
  Future<Lease> acquire(String key, Integer context, Predicate<Integer> alreadyServes, Reload reload,
      Caller caller, long deadlineNanos, OllamaError timedOut) {
    Waiter waiter = new Waiter(context, reload);
    synchronized (this) {
      Model model = models.computeIfAbsent(key, k -> new Model());
      waiter.model = model;
      waiter.presumedServed = context != null && alreadyServes.test(context);
      waiter.generation = model.generation;
      model.queue.add(waiter);
    }
    long millis = Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000);
    long timer = vertx.setTimer(millis, t -> leave(waiter, timedOut));
    caller.onCancel(() -> leave(waiter, new ClientGoneException()));
    pump(waiter.model);
    return waiter.granted.future().onComplete(done -> vertx.cancelTimer(timer));
  }

  /**
   * The request stops waiting. A queued waiter leaves the queue; one whose reload is under way stops waiting for it,
   * but the reload goes on (the next waiters may want the same context) and its lease is handed back when it ends.
   */
  private void leave(Waiter waiter, Throwable why) {
    boolean queued;
    synchronized (this) {
      queued = waiter.model.queue.remove(waiter);
    }
    waiter.granted.tryFail(why);
    if (queued) {
      pump(waiter.model);
    }
  }

  /** Grants what the head of the queue allows; starts at most one reload. Never holds the lock while completing. */
  private void pump(Model model) {
    Deque<Waiter> shared = new ArrayDeque<>();
    Waiter exclusive = null;
    synchronized (this) {
      while (!model.reloading && !model.queue.isEmpty()) {
        Waiter head = model.queue.peek();
        if (head.compatible(model)) {
          model.queue.poll();
          model.active++;
          head.counted = true;
          shared.add(head);
        } else if (model.active == 0) {
          model.queue.poll();
          model.reloading = true;
          model.active++;
          head.counted = true;
          exclusive = head;
        } else {
          break;
        }
      }
    }
    shared.forEach(w -> w.grant(0L));
    if (exclusive != null) {
      reloadFor(exclusive);
    }
  }

  private void reloadFor(Waiter waiter) {
    Model model = waiter.model;
    waiter.reload.to(waiter.context).onComplete(done -> {
      synchronized (this) {
        model.reloading = false;
        model.generation++;
        model.serving = done.succeeded() ? waiter.context : null;
      }
      if (done.succeeded()) {
        waiter.grant(done.result());
      } else {
        waiter.granted.tryFail(done.cause());
        waiter.release();
      }
      pump(model);
    });
  }

  /** The queue and the leases of one model. Guarded by the enclosing instance. */
  private static final class Model {
    final Deque<Waiter> queue = new ArrayDeque<>();
    int active;
    boolean reloading;
    /** Bumped by every reload: what a waiter saw before it no longer holds. */
    long generation;
    /** The context the last reload made the model serve; null when unknown. */
    Integer serving;
  }

  private final class Waiter implements Lease {
    final Integer context;
    final Reload reload;
    final Promise<Lease> granted = Promise.promise();
    Model model;
    boolean presumedServed;
    long generation;
    /** Counted in {@link Model#active}: from its grant (or the start of its reload) until released. */
    boolean counted;
    private long loadNanos;
    private boolean released;

    Waiter(Integer context, Reload reload) {
      this.context = context;
      this.reload = reload;
    }

    boolean compatible(Model m) {
      return context == null || Objects.equals(context, m.serving) || presumedServed && generation == m.generation;
    }

    void grant(long nanos) {
      synchronized (ContextLeases.this) {
        loadNanos = nanos;
      }
      if (!granted.tryComplete(this)) {
        // The waiter left (hang-up, deadline) while the grant was on its way: hand the lease straight back.
        release();
      }
    }

    @Override
    public long loadNanos() {
      synchronized (ContextLeases.this) {
        return loadNanos;
      }
    }

    @Override
    public void release() {
      synchronized (ContextLeases.this) {
        boolean held = counted && !released;
        released = true;
        if (!held) {
          return;
        }
        model.active--;
      }
      pump(model);
    }
  }
}
