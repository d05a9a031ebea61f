package io.github.ollamalmstudioproxy.upstream;

import io.github.ollamalmstudioproxy.catalog.CatalogSnapshot;
import io.github.ollamalmstudioproxy.catalog.ResolvedModel;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a request goes through before its backend call: the model made to serve the context the request asks for
 * ({@code options.num_ctx}) where the backend can load models, a {@link ContextLeases} lease held until the request
 * ends, and the model loaded when it is not.
 *
 * <p>LM Studio fixes the context when it loads a model, so honouring {@code num_ctx} means reloading it, as Ollama's
 * scheduler does when {@code num_ctx} changes ({@code server/sched.go:1398}, {@code needsReload}). Backends that fix
 * the context at start-up (llama-server, vLLM) cannot: there it is ignored, logged at debug level.
 */
final class ModelUse {
  private static final Logger log = LoggerFactory.getLogger(ModelUse.class);

  /** The time a request spent loading, and how it gives its lease back (idempotent). */
  record Use(long loadNanos, Runnable release) {}

  private final ContextLeases leases;
  private final ModelLoads loads;
  private final Duration loadTimeout;

  ModelUse(ContextLeases leases, ModelLoads loads, Duration loadTimeout) {
    this.leases = leases;
    this.loads = loads;
    this.loadTimeout = loadTimeout;
  }

  /**
   * Makes the model ready for a request that wants {@code numCtx} (null: whatever the model has). The lease is given
   * back when the request ends, or earlier by {@link Use#release} (a failed call, a preload); a failure here gives it
   * back at once.
   */
  Future<Use> begin(CatalogSnapshot snapshot, ResolvedModel model, Integer numCtx, Caller caller) {
    if (!snapshot.source().canLoad()) {
      if (numCtx != null) {
        log.debug("{} num_ctx {} ignored: this backend fixes the context when it starts", caller.id(), numCtx);
      }
      return loads.ensureLoaded(snapshot, model, caller).map(nanos -> new Use(nanos, () -> {}));
    }
    Integer wanted = wanted(model, numCtx, caller);
    long deadline = caller.loadDeadline().fix(System.nanoTime(), loadTimeout);
    return leases.acquire(model.model().key(), wanted, context -> loads.contexts().serves(model.model(), context),
        context -> loads.reloadAt(model, context, caller.loadListener()), caller, deadline, ModelLoads.timedOut(model)).compose(lease -> {
          caller.onEnd(lease::release);
          // A request for a context holds a model that serves it (loaded now, or already); the others may find it
          // unloaded and load it as LM Studio's default.
          Future<Long> ready = wanted == null ? loads.ensureLoaded(snapshot, model, caller)
              : Future.succeededFuture(lease.loadNanos());
          return ready.map(nanos -> new Use(nanos, lease::release)).onFailure(e -> lease.release());
        });
  }

  /**
   * The context to load for: {@code num_ctx} capped at the model's maximum, as Ollama caps it at the trained context
   * ({@code server/sched.go:161}, {@code effectiveContext}). A request that names one loaded instance ({@code key:2})
   * keeps that instance as it is: reloading would take away the name it asked for.
   */
  private static Integer wanted(ResolvedModel model, Integer numCtx, Caller caller) {
    if (numCtx == null) {
      return null;
    }
    String key = model.model().key().toLowerCase(Locale.ROOT);
    if (model.backendId().toLowerCase(Locale.ROOT).startsWith(key + ":")) {
      log.debug("{} num_ctx {} ignored: the request names the loaded instance {}", caller.id(), numCtx,
          model.backendId());
      return null;
    }
    Integer max = model.model().maxContextLength();
    return max == null ? numCtx : Math.min(numCtx, max);
  }
}
