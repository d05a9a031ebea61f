package io.github.ollamalmstudioproxy.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ollamalmstudioproxy.api.OllamaError;
import io.github.ollamalmstudioproxy.backend.CancelSignal;
import io.github.ollamalmstudioproxy.backend.ClientGoneException;
import io.github.ollamalmstudioproxy.backend.JsonPost;
import io.github.ollamalmstudioproxy.catalog.CatalogSnapshot;
import io.github.ollamalmstudioproxy.catalog.CatalogSource;
import io.github.ollamalmstudioproxy.catalog.LoadedModel;
import io.github.ollamalmstudioproxy.catalog.ResolvedModel;
import io.github.ollamalmstudioproxy.metrics.ProxyMetrics;
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
 * Loads and unloads models on the backend, one load per model at a time.
 *
 * <p>LM Studio's load call is not idempotent: loading a model that already has an instance stacks a second one
 * ({@code key:2}). So a load is asked for only when the catalog shows no loaded instance, and concurrent requests for
 * the same model share one load (single flight). Backends without a load API (LM Studio 0.3, llama-server) load on
 * first use, so for them there is nothing to do here.
 */
final class ModelLoads {
  private static final Logger log = LoggerFactory.getLogger(ModelLoads.class);

  /** Polling for a model to show up as loaded starts fast and backs off to this. */
  private static final long MAX_POLL_MILLIS = 2_000;

  private final Vertx vertx;
  private final Duration loadTimeout;
  private final JsonPost post;
  private final ModelCatalogService catalog;
  private final ObjectMapper json;
  private final ProxyMetrics metrics;
  private final Map<String, Future<Long>> inFlight = new ConcurrentHashMap<>();

  ModelLoads(Vertx vertx, Duration loadTimeout, JsonPost post, ModelCatalogService catalog, ObjectMapper json,
      ProxyMetrics metrics) {
    this.vertx = vertx;
    this.loadTimeout = loadTimeout;
    this.post = post;
    this.catalog = catalog;
    this.json = json;
    this.metrics = metrics;
  }

  /**
   * Makes sure {@code model} has a loaded instance; completes with the nanoseconds spent loading (0 when nothing was
   * loaded). A client that goes away stops waiting at once; the shared load goes on for the others.
   */
  Future<Long> ensureLoaded(CatalogSnapshot snapshot, ResolvedModel model, CancelSignal cancel) {
    return ensureLoaded(snapshot, model, cancel, System.nanoTime() + loadTimeout.toNanos());
  }

  private Future<Long> ensureLoaded(CatalogSnapshot snapshot, ResolvedModel model, CancelSignal cancel,
      long deadlineNanos) {
    if (snapshot.source() != CatalogSource.LMSTUDIO_V1 || snapshot.isLoaded(model.model().key())) {
      return Future.succeededFuture(0L);
    }
    String key = model.model().key();
    Promise<Long> mine = Promise.promise();
    Future<Long> shared = inFlight.putIfAbsent(key, mine.future());
    if (shared == null) {
      shared = mine.future();
      load(key).onComplete(done -> {
        inFlight.remove(key, mine.future());
        mine.handle(done);
      });
    }
    return waitFor(shared, model, cancel, deadlineNanos);
  }

  /**
   * Called after the backend said the model is not loaded: loads it where the backend has a load API (only when no
   * instance exists: the catalog is re-read first), then polls the loaded state with backoff instead of sleeping a
   * fixed time. Backends that load on first use get one short pause, after which the replayed request loads it.
   * Completes with the nanoseconds spent; fails when {@code deadlineNanos} passes or the client leaves.
   */
  Future<Long> awaitLoaded(ResolvedModel model, CancelSignal cancel, long deadlineNanos) {
    long start = System.nanoTime();
    catalog.invalidate();
    return catalog.snapshot().compose(snapshot -> {
      if (snapshot.source() != CatalogSource.LMSTUDIO_V1) {
        return pause(250, cancel);
      }
      return ensureLoaded(snapshot, model, cancel, deadlineNanos)
          .compose(v -> poll(model, cancel, deadlineNanos, 100));
    }).map(v -> System.nanoTime() - start);
  }

  private Future<Void> poll(ResolvedModel model, CancelSignal cancel, long deadlineNanos, long delayMillis) {
    catalog.invalidate();
    return catalog.snapshot().compose(snapshot -> {
      if (snapshot.isLoaded(model.model().key())) {
        return Future.succeededFuture();
      }
      if (System.nanoTime() + delayMillis * 1_000_000 > deadlineNanos) {
        return Future.failedFuture(new OllamaError(504, "timed out waiting for model '" + model.ollamaName()
            + "' to load (--load-timeout)"));
      }
      return pause(delayMillis, cancel)
          .compose(v -> poll(model, cancel, deadlineNanos, Math.min(delayMillis * 2, MAX_POLL_MILLIS)));
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

  /** Unloads every loaded instance of the model; fails with 501 where the backend has no unload API. */
  Future<Void> unload(CatalogSnapshot snapshot, ResolvedModel model, CancelSignal cancel) {
    List<LoadedModel> instances = snapshot.loaded().stream()
        .filter(loaded -> loaded.model().key().equals(model.model().key())).toList();
    if (instances.isEmpty()) {
      return Future.succeededFuture();
    }
    if (snapshot.source() != CatalogSource.LMSTUDIO_V1) {
      return Future.failedFuture(new OllamaError(501,
          "unloading is not supported by this backend: unload the model in LM Studio (lms unload)"));
    }
    Future<Void> all = Future.succeededFuture();
    for (LoadedModel loaded : instances) {
      ObjectNode body = json.createObjectNode().put("instance_id", loaded.instance().id());
      all = all.compose(v -> post.send("/api/v1/models/unload", Buffer.buffer(body.toString()), cancel)
          .mapEmpty());
    }
    return all.onComplete(done -> catalog.invalidate());
  }

  private Future<Long> load(String key) {
    long start = System.nanoTime();
    ObjectNode body = json.createObjectNode().put("model", key);
    log.info("loading model {} on the backend", key);
    // Nobody's hang-up may cancel a load other requests share.
    Future<Long> loading = post.send("/api/v1/models/load", Buffer.buffer(body.toString()), CancelSignal.NEVER)
        .map(answer -> System.nanoTime() - start);
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

  /** Waits for a shared load without owning it: a hang-up or the deadline ends this wait, not the load. */
  private Future<Long> waitFor(Future<Long> shared, ResolvedModel model, CancelSignal cancel, long deadlineNanos) {
    Promise<Long> mine = Promise.promise();
    long remainingMillis = Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000);
    long timer = vertx.setTimer(remainingMillis, t -> mine.tryFail(new OllamaError(504,
        "timed out waiting for model '" + model.ollamaName() + "' to load (--load-timeout)")));
    cancel.onCancel(() -> mine.tryFail(new ClientGoneException()));
    shared.onComplete(done -> {
      if (done.succeeded()) {
        mine.tryComplete(done.result());
      } else {
        mine.tryFail(done.cause());
      }
    });
    return mine.future().onComplete(done -> vertx.cancelTimer(timer));
  }
}
