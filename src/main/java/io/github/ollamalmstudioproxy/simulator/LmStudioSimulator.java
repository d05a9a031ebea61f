package io.github.ollamalmstudioproxy.simulator;

import static java.util.Objects.requireNonNull;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process LM Studio: the backend of the proxy's {@code --demo} mode and of every integration test.
 *
 * <p>It serves the OpenAI-compatible, v0 and (0.4 profile) native v1 model routes of reference §10, and (unless
 * {@link SimulatorOptions#nativeResponsesAndMessages()} is off) {@code /v1/responses} and {@code /v1/messages}, on
 * its own Vert.x instance, so starting and closing it never touches the proxy's event loops. Behaviour is steered live through
 * {@link #script()} and {@link #catalog()}; what it saw is in {@link #log()}.
 *
 * <pre>{@code
 * try (LmStudioSimulator lm = LmStudioSimulator.start(SimulatorOptions.defaults())) {
 *   lm.script().prefillDelay(Duration.ofSeconds(5));
 *   // point the proxy at lm.baseUrl(), hang up, then:
 *   lm.log().awaitClientClose(lm.log().awaitRequest("/v1/chat/completions", TIMEOUT), TIMEOUT);
 * }
 * }</pre>
 */
public final class LmStudioSimulator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LmStudioSimulator.class);
  private static final long START_TIMEOUT_SECONDS = 30;
  private static final long CLOSE_TIMEOUT_SECONDS = 10;

  private final Vertx vertx;
  private final HttpServer server;
  private final SimulatorOptions options;
  private final SimulatorScript script;
  private final SimulatorCatalog catalog;
  private final SimulatorDownloads downloads;
  private final RequestLog log;
  private final AtomicBoolean closed = new AtomicBoolean();

  private LmStudioSimulator(Vertx vertx, HttpServer server, SimulatorOptions options, SimulatorScript script,
      SimulatorCatalog catalog, SimulatorDownloads downloads, RequestLog log) {
    this.vertx = vertx;
    this.server = server;
    this.options = options;
    this.script = script;
    this.catalog = catalog;
    this.downloads = downloads;
    this.log = log;
  }

  /** Starts a simulator and blocks until it listens. */
  public static LmStudioSimulator start(SimulatorOptions options) {
    requireNonNull(options, "options");
    Vertx vertx = Vertx.vertx();
    try {
      SimulatorCatalog catalog = new SimulatorCatalog(options.models(), options.preload());
      SimulatorScript script = new SimulatorScript();
      RequestLog log = new RequestLog();
      SimulatorDownloads downloads = new SimulatorDownloads(vertx, catalog);
      SimEnv env = new SimEnv(options, catalog, script, vertx,
          new ModelLoader(vertx, catalog, options.autoEvict(), ContextWindow.loaded(null, options)), downloads);
      // LM Studio is Express on Node: HTTP/1.1 only, so no h2c upgrade even when a client (the JDK's) offers one.
      HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost(options.host())
          .setPort(options.port()).setHttp2ClearTextEnabled(false));
      server.requestHandler(new SimulatorRouter(env, log));
      await(server.listen(), START_TIMEOUT_SECONDS);
      LmStudioSimulator simulator = new LmStudioSimulator(vertx, server, options, script, catalog, downloads, log);
      LOG.info("LM Studio simulator (version {}) listening on {}", options.version(), simulator.baseUrl());
      return simulator;
    } catch (RuntimeException e) {
      vertx.close();
      throw e;
    }
  }

  public int port() {
    return server.actualPort();
  }

  /** {@code http://<host>:<port>}, with 127.0.0.1 standing in for a wildcard bind address. */
  public String baseUrl() {
    String host = options.host().equals("0.0.0.0") || options.host().equals("::") ? "127.0.0.1" : options.host();
    return "http://" + host + ":" + port();
  }

  public SimulatorOptions options() {
    return options;
  }

  public SimulatorScript script() {
    return script;
  }

  public SimulatorCatalog catalog() {
    return catalog;
  }

  /** What it can download and its download jobs (0.4 profile only: the legacy one has no download routes). */
  public SimulatorDownloads downloads() {
    return downloads;
  }

  public RequestLog log() {
    return log;
  }

  /** Stops the server and its Vert.x; open connections are closed. Safe to call more than once. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      await(vertx.close(), CLOSE_TIMEOUT_SECONDS);
    }
  }

  private static <T> T await(Future<T> future, long seconds) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("simulator did not start or stop in " + seconds + " s: " + e.getMessage(), e);
    }
  }
}
