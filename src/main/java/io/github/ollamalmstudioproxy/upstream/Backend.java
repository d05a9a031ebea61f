package io.github.ollamalmstudioproxy.upstream;

import static java.util.Objects.requireNonNull;

import io.github.ollamalmstudioproxy.backend.BackendClient;
import io.github.ollamalmstudioproxy.backend.BackendHttpError;
import io.github.ollamalmstudioproxy.backend.BoundedBody.Limit;
import io.github.ollamalmstudioproxy.backend.BoundedBody.Sink;
import io.github.ollamalmstudioproxy.backend.Buffers;
import io.github.ollamalmstudioproxy.backend.ClientGoneException;
import io.github.ollamalmstudioproxy.backend.JsonPost;
import io.github.ollamalmstudioproxy.backend.StreamingPost;
import io.github.ollamalmstudioproxy.backend.TransportFailures;
import io.github.ollamalmstudioproxy.backend.UpstreamStream;
import io.github.ollamalmstudioproxy.catalog.CatalogSnapshot;
import io.github.ollamalmstudioproxy.catalog.LoadedInstance;
import io.github.ollamalmstudioproxy.catalog.ResolvedModel;
import io.github.ollamalmstudioproxy.config.BackendProfile;
import io.github.ollamalmstudioproxy.config.BackendSpec;
import io.github.ollamalmstudioproxy.config.ProxyConfig;
import io.github.ollamalmstudioproxy.metrics.ProxyMetrics;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import io.github.ollamalmstudioproxy.translate.BackendDialect;
import io.github.ollamalmstudioproxy.translate.pull.DownloadTarget;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One backend as the proxy drives it: its HTTP client, its model catalog, its model loads and the retry loop around
 * every inference call. A value that routing over several backends can pick; nothing here is a singleton.
 */
public final class Backend {
  private static final Logger log = LoggerFactory.getLogger(Backend.class);
  /** What a model runs at once where the backend does not say and the configuration does not either. */
  static final int DEFAULT_CAPACITY = 4;

  private final BackendSpec spec;
  private final ProxyMetrics metrics;
  private final CircuitBreaker breaker;
  private final Slots slots;
  private final URI url;
  private final boolean gateway;
  private final BackendClient http;
  private final TransportFailures failures;
  private final CatalogService catalog;
  private final ModelLoads loads;
  private final ModelUse uses;
  private final BackendAttempts attempts;
  private final StreamingPost streams;
  private final JsonPost posts;
  private final ReadinessProbe readiness;
  private final ModelDownloads downloads;
  private final NativeRoutes nativeRoutes = new NativeRoutes();
  private final IdleExpiries expiries = new IdleExpiries();

  private Backend(Vertx vertx, BackendSpec spec, ProxyConfig config, ProxyMetrics metrics, Duration catalogTtl,
      Clock catalogClock) {
    this.spec = spec;
    this.metrics = metrics;
    this.url = spec.url();
    this.gateway = spec.profile() == BackendProfile.GATEWAY;
    this.slots = new Slots(spec.maxInFlight() != null ? spec.maxInFlight() : config.maxInFlight());
    this.breaker = new CircuitBreaker(config.breakerFailures(), config.breakerCooldown(), System::nanoTime);
    breaker.onChange(state -> breakerChanged(state));
    metrics.breakerState(spec.name(), 0);
    this.http = new BackendClient(vertx, url, authorization(spec), config.connectTimeout(),
        config.firstByteTimeout(), config.idleTimeout(), metrics::upstreamAbortedByHangUp, gateway);
    this.failures = new TransportFailures(url);
    this.catalog = new CatalogService(http, failures, catalogTtl, catalogClock, gateway);
    this.posts = new JsonPost(http);
    this.streams = new StreamingPost(http);
    this.loads = new ModelLoads(vertx, config.loadTimeout(), posts, catalog, metrics);
    this.uses = new ModelUse(new ContextLeases(vertx), loads, config.loadTimeout());
    this.attempts = new BackendAttempts(new RetryPolicy(config.loadRetries()), loads, metrics);
    this.readiness = new ReadinessProbe(http, failures);
    this.downloads = new ModelDownloads(vertx, posts, http, failures, catalog);
  }

  /**
   * What the proxy sends the backend as {@code Authorization}: LM Studio's API token as a bearer token, or the
   * credentials of the backend URL as Basic (a reverse proxy in front of the backend); null for neither.
   */
  private static String authorization(BackendSpec spec) {
    if (spec.apiKey() != null) {
      return "Bearer " + spec.apiKey();
    }
    if (spec.userInfo() != null) {
      return "Basic " + Base64.getEncoder().encodeToString(spec.userInfo().getBytes(StandardCharsets.UTF_8));
    }
    return null;
  }

  /** The first backend {@code config} names, with the catalog's production TTL and the system clock. */
  public static Backend create(Vertx vertx, ProxyConfig config, ProxyMetrics metrics) {
    return create(vertx, config, metrics, CatalogService.TTL, Clock.systemUTC());
  }

  /** @param catalogClock drives the catalog's cache; tests pass a clock they advance by hand */
  public static Backend create(Vertx vertx, ProxyConfig config, ProxyMetrics metrics, Duration catalogTtl,
      Clock catalogClock) {
    return create(vertx, config.backends().get(0), config, metrics, catalogTtl, catalogClock);
  }

  /**
   * The backend {@code spec} describes, with the timeouts and limits of {@code config}. A spec with the
   * {@code gateway} profile is an inference gateway in front of a fleet (docs/gateway.md): its catalog reads only
   * {@code /v1/models} and reports every model loaded, nothing is ever loaded or unloaded, and requests carry
   * {@code X-Request-Id} and the client's routing headers ({@link io.github.ollamalmstudioproxy.backend.GatewayHeaders}).
   */
  public static Backend create(Vertx vertx, BackendSpec spec, ProxyConfig config, ProxyMetrics metrics,
      Duration catalogTtl, Clock catalogClock) {
    return new Backend(requireNonNull(vertx, "vertx"), requireNonNull(spec, "spec"), requireNonNull(config, "config"),
        requireNonNull(metrics, "metrics"), catalogTtl, catalogClock);
  }

  /** The configured name: unique among the backends, safe to print, the {@code backend} label of the metrics. */
  public String name() {
    return spec.name();
  }

  public BackendSpec spec() {
    return spec;
  }

  /** The breaker on this backend's live traffic and probes. */
  public CircuitBreaker breaker() {
    return breaker;
  }

  /** Requests this replica has in flight on this backend for the model. */
  public int inFlight(ResolvedModel model) {
    return slots.of(model.model().key());
  }

  /** Requests this replica has in flight on this backend, and the most it may have. */
  public int inFlight() {
    return slots.total();
  }

  public int maxInFlight() {
    return slots.limit();
  }

  /**
   * How many requests for the model this backend runs at once: the sum of what its loaded instances report
   * (LM Studio's {@code parallel}, duplicates {@code key:2} included), else the configured capacity, else
   * {@link #DEFAULT_CAPACITY} (for a gateway: its {@code max_in_flight}).
   */
  public int capacity(CatalogSnapshot snapshot, ResolvedModel model) {
    int reported = 0;
    for (LoadedInstance instance : model.model().loadedInstances()) {
      reported += instance.parallel() == null ? 0 : instance.parallel();
    }
    if (reported > 0) {
      return reported;
    }
    if (spec.capacity() != null) {
      return spec.capacity();
    }
    // A gateway fronts a whole fleet: what it runs at once is its own business, bounded here by its slots.
    return gateway ? slots.limit() : DEFAULT_CAPACITY;
  }

  /** What routing weighs of this backend for the model. */
  Candidate candidate(CatalogSnapshot snapshot, ResolvedModel model) {
    boolean healthy = breaker.state() != CircuitBreaker.State.OPEN || breaker.allows();
    return new Candidate(spec.name(), spec.weight(), model.model().isLoaded(), snapshot.source().canLoad(),
        inFlight(model), capacity(snapshot, model), healthy);
  }

  boolean takeSlot(ResolvedModel model) {
    return slots.tryAcquire(model.model().key(), model.backendId());
  }

  void giveBackSlot(ResolvedModel model) {
    slots.release(model.model().key(), model.backendId());
  }

  /**
   * The model as the least busy of its loaded duplicates ({@code key}, {@code key:2} …): LM Studio sends every
   * request for {@code key} to one instance (lmstudio-bug-tracker#2108), so the proxy names the instance itself. A
   * request for a particular instance, or for a model loaded once, is left as it is.
   */
  ResolvedModel leastBusyInstance(ResolvedModel model) {
    List<LoadedInstance> instances = model.model().loadedInstances();
    if (instances.size() < 2 || !model.backendId().equalsIgnoreCase(model.model().key())) {
      return model;
    }
    LoadedInstance best = instances.get(0);
    for (LoadedInstance instance : instances) {
      if (slots.ofInstance(instance.id()) < slots.ofInstance(best.id())) {
        best = instance;
      }
    }
    return best.id().equalsIgnoreCase(model.backendId()) ? model
        : new ResolvedModel(model.model(), best.id(), model.ollamaName());
  }

  private void breakerChanged(CircuitBreaker.State state) {
    CircuitBreaker.BreakerView view = breaker.view();
    switch (state) {
      case OPEN -> log.warn("backend {} taken out of routing: {} (breaker open)", spec.name(), view.lastFailure());
      case HALF_OPEN -> log.info("backend {} on trial (breaker half-open)", spec.name());
      case CLOSED -> log.info("backend {} back in routing (breaker closed)", spec.name());
    }
    metrics.breakerState(spec.name(), state == CircuitBreaker.State.CLOSED ? 0
        : state == CircuitBreaker.State.HALF_OPEN ? 1 : 2);
  }

  /**
   * What a backend call's outcome says of the backend's health: it could not be reached, timed out or answered 5xx
   * (a failure); it answered at all (a success, 4xx included: the error is the request's). A cancelled call says
   * nothing.
   */
  private void observe(Throwable failure, Caller caller) {
    if (caller.cancelled() || failure instanceof ClientGoneException) {
      // No verdict on the backend; a half-open trial is free for the next request.
      breaker.abandoned();
      return;
    }
    if (failure == null) {
      breaker.succeeded();
    } else if (failure instanceof BackendHttpError answer) {
      if (answer.status() >= 500) {
        breaker.failed("HTTP " + answer.status());
      } else {
        breaker.succeeded();
      }
    } else if (TransportFailures.isTransport(failure)) {
      breaker.failed(failures.message(failure));
    } else if (failure instanceof OllamaError error && error.status() >= 502 && error.status() != 503) {
      breaker.failed(error.getMessage());
    }
  }

  /** A call of the caller's own (the passthrough) failed without an answer: counted, and mapped as {@link #failure}. */
  public Throwable failed(Throwable cause, Caller caller) {
    observe(cause, caller);
    return failure(cause, caller);
  }

  /** A call of the caller's own (the passthrough) got an answer with this status: 5xx counts against the backend. */
  public void answeredWith(int status) {
    if (status >= 500) {
      breaker.failed("HTTP " + status);
    } else {
      breaker.succeeded();
    }
  }

  /** A stream this backend had started stopped making progress or broke off: counted against its health. */
  public void streamBroke(Throwable cause) {
    breaker.failed("stream broke off: " + cause.getMessage());
  }

  /** The configured base URL. */
  public URI url() {
    return url;
  }

  /** Whether this backend is an inference gateway (the {@code gateway} profile). */
  public boolean gateway() {
    return gateway;
  }

  /** The raw HTTP client, for the passthrough routes that forward requests unchanged. */
  public BackendClient http() {
    return http;
  }

  public CatalogService catalog() {
    return catalog;
  }

  /** When instances whose idle TTL the proxy set will be unloaded. */
  public IdleExpiries expiries() {
    return expiries;
  }

  /**
   * A translated answer ended normally: keeps {@link #expiries()} true, and re-reads the catalog when the request just
   * loaded the model, so that {@code /api/ps} lists it at once.
   *
   * @param before the catalog the request was resolved against
   * @param ttlSeconds the {@code ttl} the request carried, or null
   */
  public void answered(CatalogSnapshot before, ResolvedModel model, Long ttlSeconds) {
    if (expiries.answered(before, model, ttlSeconds, Instant.now())) {
      catalog.invalidate();
    }
  }

  /** Which optional routes this backend serves itself. */
  public NativeRoutes nativeRoutes() {
    return nativeRoutes;
  }

  /** What translation must know about this backend, as its catalog source says. */
  public static BackendDialect dialect(CatalogSnapshot snapshot) {
    return snapshot.source().acceptsJsonObjectFormat() ? BackendDialect.OPENAI : BackendDialect.LM_STUDIO;
  }

  /**
   * Makes sure the model is loaded (with the context {@code numCtx} asks for, where the backend can load models; null
   * for the one it has), then POSTs a streaming request, replaying it as the retry policy says until the backend
   * answers with a stream. Fails with the Ollama error to answer, before any byte reached the client. The model stays
   * leased to the request until it ends, so no other request reloads it at another context meanwhile.
   */
  public Future<Sent<UpstreamStream>> stream(Caller caller, CatalogSnapshot snapshot, ResolvedModel model,
      String path, byte[] body, Integer numCtx) {
    Buffer payload = Buffers.wrap(body);
    return mapped(uses.begin(snapshot, model, numCtx, caller).compose(use ->
        attempts.run(caller, model, () -> streams.send(path, payload, caller))
            // A failed call gives the model back at once: a truncated replay takes its turn again.
            .onFailure(e -> use.release().run())), caller);
  }

  /**
   * POSTs a JSON request and feeds the answer, as it arrives, to a sink made for each attempt, with the same replays;
   * past {@code limit} the answer is reset and the call fails with a 502 naming the limit. The backend loads the model
   * on first use (as LM Studio does for embeddings), so nothing is loaded first.
   */
  public <T> Future<Sent<T>> post(Caller caller, ResolvedModel model, String path, byte[] body, Limit limit,
      Supplier<Sink<T>> reader) {
    Buffer payload = Buffers.wrap(body);
    return mapped(attempts.run(caller, model, () -> posts.send(path, payload, caller, limit, reader)), caller);
  }

  /**
   * Ollama's preload: makes sure the model is loaded, with the context {@code numCtx} asks for (null: as it is, or
   * LM Studio's default); completes with the nanoseconds spent loading.
   */
  public Future<Long> load(Caller caller, CatalogSnapshot snapshot, ResolvedModel model, Integer numCtx) {
    return mapped(uses.begin(snapshot, model, numCtx, caller).map(use -> {
      use.release().run();
      return use.loadNanos();
    }), caller);
  }

  /** What the backend said its loads gave, for {@code /api/show} of a model that is not loaded. */
  public LoadedContexts loadedContexts() {
    return loads.contexts();
  }

  /** Ollama's eject: unloads every loaded instance of the model. */
  public Future<Void> unload(Caller caller, CatalogSnapshot snapshot, ResolvedModel model) {
    expiries.unloaded(model.model().key());
    return mapped(loads.unload(snapshot, model, caller), caller);
  }

  /**
   * Watches the download of {@code target} (LM Studio 0.4's download API; ask {@code CatalogSource.canDownload()}
   * first), joining the one already running for it. The catalog is refreshed before {@code watcher} hears that it
   * completed. The returned action ends this watch (a client that hung up); the last one to leave stops the polling.
   */
  public Runnable pull(DownloadTarget target, PullWatcher watcher) {
    return downloads.watch(requireNonNull(target, "target"), requireNonNull(watcher, "watcher"));
  }

  /** Any failure of a call to this backend, as the error its client gets (see {@link Failures#toOllama}). */
  public Throwable failure(Throwable cause, Caller caller) {
    return Failures.toOllama(cause, failures, caller);
  }

  /** A failure to get an answer at all (refused, closed, timed out), worded for this backend. */
  public OllamaError transportFailure(Throwable cause) {
    return new OllamaError(failures.status(cause), failures.message(cause), cause);
  }

  private <T> Future<T> mapped(Future<T> call, Caller caller) {
    return call.transform(done -> {
      observe(done.failed() ? done.cause() : null, caller);
      return done.failed() ? Future.failedFuture(failure(done.cause(), caller)) : Future.succeededFuture(done.result());
    });
  }

  /** Succeeds when the backend can serve; fails with the reason otherwise. */
  public Future<Void> ready() {
    return readiness.check();
  }

  public Future<Void> close() {
    return http.close();
  }
}
