package io.github.ollamalmstudioproxy.simulator;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads models after a delay, on a Vert.x timer so the event loop never blocks.
 *
 * <p>Explicit loads are never merged: each one creates a new instance, exactly like LM Studio. JIT loads of one model
 * are single-flight, because current LM Studio makes concurrent requests wait for the same load (the 0.3.5
 * duplicate-instance bug was fixed; reference §11 notes this is assumed).
 */
final class ModelLoader {
  private static final Logger LOG = LoggerFactory.getLogger(ModelLoader.class);

  private final Vertx vertx;
  private final SimulatorCatalog catalog;
  private final boolean autoEvict;
  private final int jitContext;
  private final Map<String, Future<SimulatedInstance>> jitLoads = new ConcurrentHashMap<>();

  /** @param jitContext the context of a JIT load: the default, as memory allows */
  ModelLoader(Vertx vertx, SimulatorCatalog catalog, boolean autoEvict, int jitContext) {
    this.vertx = vertx;
    this.catalog = catalog;
    this.autoEvict = autoEvict;
    this.jitContext = jitContext;
  }

  Future<SimulatedInstance> load(SimulatorModel model, int contextLength, Duration delay) {
    return after(delay).map(v -> catalog.load(model.key(), contextLength, false));
  }

  Future<SimulatedInstance> jitLoad(SimulatorModel model, Duration delay) {
    String key = model.key();
    Promise<SimulatedInstance> mine = Promise.promise();
    Future<SimulatedInstance> running = jitLoads.putIfAbsent(key, mine.future());
    if (running != null) {
      return running;
    }
    LOG.info("[Just-in-Time Model Loading] Requested model ({}) is not loaded. Loading \"{}\" now...", key, key);
    if (autoEvict) {
      catalog.evictJitExcept(key);
    }
    after(delay).onComplete(v -> {
      jitLoads.remove(key, mine.future());
      // Another request may have loaded it meanwhile (e.g. an explicit load); reuse that instance.
      mine.complete(catalog.instancesOf(key).stream().findFirst()
          .orElseGet(() -> catalog.load(key, jitContext, true)));
    });
    return mine.future();
  }

  private Future<Void> after(Duration delay) {
    long millis = delay.toMillis();
    if (millis <= 0) {
      return Future.succeededFuture();
    }
    Promise<Void> promise = Promise.promise();
    vertx.setTimer(millis, id -> promise.complete());
    return promise.future();
  }
}
