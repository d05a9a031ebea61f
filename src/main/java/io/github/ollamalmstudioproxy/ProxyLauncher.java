package io.github.ollamalmstudioproxy;

import io.github.ollamalmstudioproxy.config.BackendProfile;
import io.github.ollamalmstudioproxy.config.BackendSpec;
import io.github.ollamalmstudioproxy.config.ProxyConfig;
import io.github.ollamalmstudioproxy.server.ModelsFileCheck;
import io.github.ollamalmstudioproxy.server.ProxyServer;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.PrintWriter;
import java.net.BindException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts the proxy (and the simulator in demo mode), then waits for SIGTERM or SIGINT to shut down gracefully. */
final class ProxyLauncher {
  private static final Logger log = LoggerFactory.getLogger(ProxyLauncher.class);

  private ProxyLauncher() {}

  /**
   * Reads the models file before anything starts.
   *
   * @throws io.github.ollamalmstudioproxy.config.ConfigException when it cannot be parsed (start-up stops, exit 2)
   */
  static void checkModelsFile(ProxyConfig config) {
    ModelsFileCheck.check(config);
  }

  /** Returns false when start-up failed; true after a graceful shutdown. */
  static boolean runUntilStopped(ProxyConfig requested, PrintWriter err) {
    Vertx vertx = Vertx.vertx(vertxOptions());
    Demo demo = requested.demo() ? Demo.start(err) : null;
    ProxyConfig config = demo == null ? requested : requested.withBackend(demo.backendUrl());
    ProxyServer server;
    try {
      server = ProxyServer.start(vertx, config).await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      err.println("ollama-lmstudio-proxy: cannot listen on " + config.listen() + ": " + describe(e));
      vertx.close();
      if (demo != null) {
        demo.close();
      }
      return false;
    }
    // The backend URLs of the configuration carry no credentials; say only that there are some.
    log.info("ollama-lmstudio-proxy listening on http://{}:{} -> {}", config.listen().host(), server.port(),
        backends(config));
    if (!config.listen().isLoopback() && config.apiKey() == null) {
      log.warn("listening on {} without --api-key: anyone who can reach this address can use your models",
          config.listen());
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runnable shutdown = ShutdownSignals.onTerminate(() -> {
      try {
        server.shutdown(config.drainTimeout()).await(config.drainTimeout().toMillis() + 5000, TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        log.warn("shutdown did not complete cleanly: {}", e.toString());
      }
      vertx.close();
      if (demo != null) {
        demo.close();
      }
      log.info("stopped");
      stopped.countDown();
    });
    if (SelfExercise.requested() && demo != null) {
      demo.answerAtOnce();
      SelfExercise.run(vertx, server.port());
      shutdown.run();
    }
    awaitQuietly(stopped);
    return true;
  }

  /** "backend URL", or "3 backends: a (URL), b (URL, gateway), …", credentials only named. */
  private static String backends(ProxyConfig config) {
    List<BackendSpec> all = config.backends();
    if (all.size() == 1) {
      return "backend " + all.get(0).url() + (all.get(0).userInfo() != null ? " (Basic auth from the URL)" : "");
    }
    StringBuilder out = new StringBuilder(all.size() + " backends: ");
    for (int i = 0; i < all.size(); i++) {
      BackendSpec spec = all.get(i);
      out.append(i == 0 ? "" : ", ").append(spec.name()).append(" (").append(spec.url())
          .append(spec.profile() == BackendProfile.GATEWAY ? ", gateway" : "")
          .append(spec.userInfo() != null ? ", Basic auth from the URL" : "").append(')');
    }
    return out.toString();
  }

  /**
   * Vert.x's default is two event loops per core. The system property {@code ollama.proxy.eventLoops} sets another
   * count; bench/footprint.sh measures its effect (BENCHMARKS.md, "Footprint").
   */
  static VertxOptions vertxOptions() {
    VertxOptions options = new VertxOptions();
    Integer loops = Integer.getInteger("ollama.proxy.eventLoops");
    if (loops != null && loops > 0) {
      options.setEventLoopPoolSize(loops);
    }
    return options;
  }

  private static String describe(Throwable e) {
    Throwable cause = e.getCause() != null && e.getMessage() == null ? e.getCause() : e;
    if (cause instanceof BindException || String.valueOf(cause.getMessage()).contains("Address already in use")) {
      return "address already in use (is Ollama or another proxy running? choose another port with --listen)";
    }
    return String.valueOf(cause.getMessage());
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
