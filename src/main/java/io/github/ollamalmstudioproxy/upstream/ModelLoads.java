package io.github.ollamalmstudioproxy.upstream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ollamalmstudioproxy.backend.CancelSignal;
import io.github.ollamalmstudioproxy.backend.ClientGoneException;
import io.github.ollamalmstudioproxy.backend.JsonPost;
import io.github.ollamalmstudioproxy.catalog.CatalogSnapshot;
import io.github.ollamalmstudioproxy.catalog.CatalogSource;
import io.github.ollamalmstudioproxy.catalog.LoadedModel;
import io.github.ollamalmstudioproxy.catalog.ResolvedModel;
import io.github.ollamalmstudioproxy.metrics.ProxyMetrics;
import io.github.ollamalmstudioproxy.ollama.Json;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads and unloads models on one backend, one load per model at a time.
 *
 * <p>LM Studio's load call is not idempotent: loading a model that already has an instance stacks a second one
 * ({@code key:2}). So a load is asked for only when the catalog shows no loaded instance, and concurrent requests for
 * the same model share one load (single flight). Backends without a load API (LM Studio 0.3, llama-server) load on
 * first use, so for them there is nothing to do here. Every wait of a request ends at its one {@link LoadDeadline}.
 */
final class ModelLoads {
  private static final Logger log = LoggerFactory.getLogger(ModelLoads.class);

  /** Polling for a model to show up as loaded starts fast and backs off to this. */
  private static final long MAX_POLL_MILLIS = 2_000;
  /** Backends that load on first use get this pause before the replay that loads the model. */
  private static final long JIT_PAUSE_MILLIS = 250;
  /** How long a server that accepted an unload may go on listing the model as loaded before the unload fails. */
  static final Duration UNLOAD_SETTLE = Duration.ofSeconds(10);

  private final Vertx vertx;
  private final Duration loadTimeout;
  private final JsonPost post;
  private final CatalogService catalog;
  private final ProxyMetrics metrics;
  private final Map<String, Future<Long>> inFlight = new ConcurrentHashMap<>();
  private final LoadedContexts contexts = new LoadedContexts();
  private final ServerUnloads servers;

  ModelLoads(Vertx vertx, Duration loadTimeout, JsonPost post, CatalogService catalog, ProxyMetrics metrics) {
    this.vertx = vertx;
    this.loadTimeout = loadTimeout;
    this.post = post;
    this.catalog = catalog;
    this.metrics = metrics;
    this.servers = new ServerUnloads(post);
  }

  /**
   * Makes sure {@code model} has a loaded instance; completes with the nanoseconds spent loading (0 when nothing was
   * loaded). A client that goes away stops waiting at once; the shared load goes on for the others.
   */
  Future<Long> ensureLoaded(CatalogSnapshot snapshot, ResolvedModel model, Caller caller) {
    if (!snapshot.source().canLoad() || snapshot.isLoaded(model.model().key())) {
      return Future.succeededFuture(0L);
    }
    long deadline = caller.loadDeadline().fix(System.nanoTime(), loadTimeout);
    // The snapshot may predate a load another request made while this one waited its turn (a num_ctx reload):
    // loading again would stack a :2 instance, so a fresh list decides.
    catalog.invalidate();
    return catalog.snapshot().compose(fresh -> fresh.isLoaded(model.model().key()) ? Future.succeededFuture(0L)
        : waitFor(sharedLoad(model.model().key()), model, caller, deadline));
  }

  /**
   * Called after the backend said the model is not loaded: loads it where the backend has a load API (only when no
   * instance exists: the catalog is re-read first), then polls the loaded state with backoff instead of sleeping a
   * fixed time. Backends that load on first use get one short pause, after which the replayed request loads it.
   * Completes with the nanoseconds spent; fails when the request's load deadline passes or the client leaves.
   */
  Future<Long> awaitLoaded(ResolvedModel model, Caller caller) {
    long start = System.nanoTime();
    long deadline = caller.loadDeadline().fix(start, loadTimeout);
    catalog.invalidate();
    return catalog.snapshot().compose(snapshot -> {
      if (!snapshot.source().canLoad()) {
        return pause(JIT_PAUSE_MILLIS, caller);
      }
      Future<Long> loaded = snapshot.isLoaded(model.model().key()) ? Future.succeededFuture(0L)
          : waitFor(sharedLoad(model.model().key()), model, caller, deadline);
      return loaded.compose(v -> poll(model, caller, deadline, 100));
    }).map(v -> System.nanoTime() - start);
  }

  /** What LM Studio said its loads gave: the context of a default load, and what a requested context became. */
  LoadedContexts contexts() {
    return contexts;
  }

  /**
   * Makes the model serve {@code context}: nothing when its loaded instance already does (as far as a fresh model
   * list and the echo of the proxy's own last load tell), else every instance is unloaded and one is loaded with that
   * context, so no {@code :2} instance ever appears. Run only under an exclusive {@link ContextLeases} lease; nobody's
   * hang-up stops it, since the next requests in the queue may want the same context.
   */
  Future<Long> reloadAt(ResolvedModel model, int context, LoadListener listener) {
    long start = System.nanoTime();
    String key = model.model().key();
    catalog.invalidate();
    return catalog.snapshot().compose(snapshot -> {
      if (contexts.serves(snapshot.find(key).orElse(model.model()), context)) {
        return Future.succeededFuture(0L);
      }
      log.info("reloading model {} with context {} (num_ctx)", key, context);
      listener.started();
      return unload(snapshot, model, CancelSignal.NEVER)
          .compose(v -> sharedLoad(key, context))
          .map(v -> System.nanoTime() - start)
          .onComplete(done -> listener.ended(done.succeeded()));
    });
  }

  /** A wait that ends early, failed, when the client goes away. */
  Future<Void> pause(long millis, CancelSignal cancel) {
    Promise<Void> done = Promise.promise();
    long timer = vertx.setTimer(Math.max(1, millis), t -> done.tryComplete());
    cancel.onCancel(() -> {
      vertx.cancelTimer(timer);
      done.tryFail(new ClientGoneException());
    });
    return done.future();
  }

  /**
   * Unloads every loaded instance of the model: through LM Studio's API, or the routes of an OpenAI-compatible server
   * that manages its models ({@link ServerUnloads}); fails with 501 where the backend has none.
   */
  Future<Void> unload(CatalogSnapshot snapshot, ResolvedModel model, CancelSignal cancel) {
    List<LoadedModel> instances = snapshot.loaded().stream()
        .filter(loaded -> loaded.model().key().equals(model.model().key())).toList();
    if (instances.isEmpty()) {
      return Future.succeededFuture();
    }
    if (snapshot.source().alwaysLoaded()) {
      // Not even a try: a gateway's fleet keeps its models for its whole life, and its routes are not the proxy's.
      return Future.failedFuture(new OllamaError(501, "unloading is not supported by this backend: it is an "
          + "inference gateway whose servers keep their models loaded; scale or restart them there"));
    }
    if (snapshot.source() == CatalogSource.OPENAI) {
      // One call per model: these servers run one copy of each.
      String key = model.model().key();
      return servers.unload(key, cancel)
          .compose(v -> awaitUnloaded(key, cancel, System.nanoTime() + UNLOAD_SETTLE.toNanos(), 20));
    }
    if (!snapshot.source().canLoad()) {
      return Future.failedFuture(new OllamaError(501,
          "unloading is not supported by this backend: unload the model in LM Studio (lms unload)"));
    }
    Future<Void> all = Future.succeededFuture();
    for (LoadedModel loaded : instances) {
      String body = Json.NODES.objectNode().put("instance_id", loaded.instance().id()).toString();
      all = all.compose(v -> post.send("/api/v1/models/unload", Buffer.buffer(body), cancel).mapEmpty());
    }
    return all.onComplete(done -> catalog.invalidate());
  }

  /**
   * Waits until the model list stops showing {@code key} as loaded. llama-server's router answers its unload before the
   * model's child server has exited and lists the model as loaded until then (tens of milliseconds); Ollama answers an
   * unload once the model is gone, and a client that reads {@code /api/ps} next should not see it.
   */
  private Future<Void> awaitUnloaded(String key, CancelSignal cancel, long deadlineNanos, long delayMillis) {
    catalog.invalidate();
    return catalog.snapshot().compose(snapshot -> {
      if (!snapshot.isLoaded(key)) {
        return Future.succeededFuture();
      }
      if (System.nanoTime() + delayMillis * 1_000_000 > deadlineNanos) {
        return Future.failedFuture(new OllamaError(504, "the backend accepted the unload of '" + key
            + "' but still lists it as loaded after " + UNLOAD_SETTLE.toSeconds() + " s"));
      }
      return pause(delayMillis, cancel).compose(v -> awaitUnloaded(key, cancel, deadlineNanos,
          Math.min(delayMillis * 2, MAX_POLL_MILLIS)));
    });
  }

  private Future<Void> poll(ResolvedModel model, CancelSignal cancel, long deadlineNanos, long delayMillis) {
    catalog.invalidate();
    return catalog.snapshot().compose(snapshot -> {
      if (snapshot.isLoaded(model.model().key())) {
        return Future.succeededFuture();
      }
      if (System.nanoTime() + delayMillis * 1_000_000 > deadlineNanos) {
        return Future.failedFuture(timedOut(model));
      }
      return pause(delayMillis, cancel)
          .compose(v -> poll(model, cancel, deadlineNanos, Math.min(delayMillis * 2, MAX_POLL_MILLIS)));
    });
  }

  /** The default load of {@code key} in flight, started now if there is none: every waiting request shares it. */
  private Future<Long> sharedLoad(String key) {
    return sharedLoad(key, null);
  }

  /**
   * The load of {@code key} in flight, started now (with {@code context}, null for LM Studio's default) if there is
   * none. Loads at another context only start under an exclusive lease, when no other load can be in flight.
   */
  private Future<Long> sharedLoad(String key, Integer context) {
    Promise<Long> mine = Promise.promise();
    Future<Long> shared = inFlight.putIfAbsent(key, mine.future());
    if (shared != null) {
      return shared;
    }
    load(key, context).onComplete(done -> {
      inFlight.remove(key, mine.future());
      mine.handle(done);
    });
    return mine.future();
  }

  /**
   * One load call. {@code echo_load_config} always: LM Studio 0.4 lowers a context that does not fit in memory and
   * says so only there, and a default load's echo tells what the next default load gives ({@code /api/show}).
   */
  private Future<Long> load(String key, Integer context) {
    long start = System.nanoTime();
    ObjectNode request = Json.NODES.objectNode().put("model", key);
    if (context != null) {
      request.put("context_length", context);
    }
    request.put("echo_load_config", true);
    log.info("loading model {} on the backend{}", key, context == null ? "" : " with context " + context);
    // Nobody's hang-up may cancel a load other requests share.
    Future<Long> loading = post.send("/api/v1/models/load", Buffer.buffer(request.toString()), CancelSignal.NEVER)
        .map(answer -> {
          Integer got = LoadedContexts.echoed(answer.toString());
          contexts.loaded(key, context, got);
          if (context != null && got != null && got < context) {
            log.warn("the backend loaded {} with context {} instead of the {} asked for (too little memory?)",
                key, got, context);
          }
          return System.nanoTime() - start;
        });
    return loading.onComplete(done -> {
      catalog.invalidate();
      if (done.succeeded()) {
        metrics.modelLoad(done.result());
        log.info("model {} loaded in {} ms", key, done.result() / 1_000_000);
      } else {
        log.warn("loading model {} failed: {}", key, done.cause().toString());
      }
    });
  }

  /**
   * Waits for a shared load without owning it: a hang-up or the deadline ends this wait, not the load. The caller's
   * {@link LoadListener} hears when the wait begins and ends.
   */
  private Future<Long> waitFor(Future<Long> shared, ResolvedModel model, Caller caller, long deadlineNanos) {
    LoadListener listener = caller.loadListener();
    listener.started();
    Promise<Long> mine = Promise.promise();
    mine.future().onComplete(done -> listener.ended(done.succeeded()));
    long remainingMillis = Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000);
    long timer = vertx.setTimer(remainingMillis, t -> mine.tryFail(timedOut(model)));
    caller.onCancel(() -> mine.tryFail(new ClientGoneException()));
    shared.onComplete(done -> {
      if (done.succeeded()) {
        mine.tryComplete(done.result());
      } else {
        mine.tryFail(done.cause());
      }
    });
    return mine.future().onComplete(done -> vertx.cancelTimer(timer));
  }

  static OllamaError timedOut(ResolvedModel model) {
    return new OllamaError(504, "timed out waiting for model '" + model.ollamaName() + "' to load (--load-timeout)");
  }
}
