package io.github.ollamalmstudioproxy.support;

import io.github.ollamalmstudioproxy.config.CommandLineConfig;
import io.github.ollamalmstudioproxy.config.ListenAddress;
import io.github.ollamalmstudioproxy.config.ProxyConfig;
import io.github.ollamalmstudioproxy.metrics.ProxyMetrics;
import io.github.ollamalmstudioproxy.server.ProxyServer;
import io.github.ollamalmstudioproxy.simulator.LmStudioSimulator;
import io.github.ollamalmstudioproxy.simulator.SimulatorOptions;
import io.github.ollamalmstudioproxy.upstream.Backend;
import io.github.ollamalmstudioproxy.upstream.CatalogService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * The real proxy over real loopback sockets in front of the LM Studio simulator, both on free ports. Closing it
 * stops both.
 */
public final class ProxyHarness implements AutoCloseable, ProxyClient {
  /** Exceptions the proxy's handlers threw instead of answering; every harness checks it is empty when it closes. */
  private static final Queue<Throwable> UNEXPECTED = new ConcurrentLinkedQueue<>();

  private final LmStudioSimulator simulator;
  private final Vertx vertx;
  private final ProxyServer proxy;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private ProxyHarness(LmStudioSimulator simulator, Vertx vertx, ProxyServer proxy) {
    this.simulator = simulator;
    this.vertx = vertx;
    this.proxy = proxy;
  }

  /** Starts with the proxy's command-line {@code args} (listen and backend are set here). */
  public static ProxyHarness start(String... args) {
    return start(SimulatorOptions.defaults(), args);
  }

  public static ProxyHarness start(SimulatorOptions options, String... args) {
    LmStudioSimulator simulator = LmStudioSimulator.start(options);
    ProxyConfig config = CommandLineConfig.parse(args, Map.of())
        .withListen(new ListenAddress("127.0.0.1", 0))
        .withBackend(URI.create(simulator.baseUrl()));
    return startProxy(simulator, config);
  }

  /**
   * Like {@link #start(SimulatorOptions, String...)}, with the backend URL made from the simulator's: e.g. with
   * credentials in it ({@code http://user:password@127.0.0.1:port}).
   */
  public static ProxyHarness startWithBackendUrl(UnaryOperator<String> backendUrl, String... args) {
    LmStudioSimulator simulator = LmStudioSimulator.start(SimulatorOptions.defaults());
    ProxyConfig config = CommandLineConfig.parse(args, Map.of())
        .withListen(new ListenAddress("127.0.0.1", 0))
        .withBackend(URI.create(backendUrl.apply(simulator.baseUrl())));
    return startProxy(simulator, config);
  }

  /**
   * Like {@link #start(String...)}, with the backend's model catalog on {@code catalogClock}: a test moves the catalog
   * past its cache lifetime by advancing the clock instead of sleeping.
   */
  public static ProxyHarness startWithCatalogClock(ManualClock catalogClock, String... args) {
    LmStudioSimulator simulator = LmStudioSimulator.start(SimulatorOptions.defaults());
    ProxyConfig config = CommandLineConfig.parse(args, Map.of())
        .withListen(new ListenAddress("127.0.0.1", 0))
        .withBackend(URI.create(simulator.baseUrl()));
    Vertx vertx = Vertx.vertx();
    ProxyMetrics metrics = new ProxyMetrics();
    Backend backend = Backend.create(vertx, config, metrics, CatalogService.TTL, catalogClock);
    return startProxy(simulator, vertx, ProxyServer.start(vertx, config, backend, metrics));
  }

  /**
   * A simulator in gateway mode ({@link SimulatorOptions.Builder#gateway}) behind a proxy whose backend has the
   * gateway profile ({@code Backend.create(..., gateway = true)}), until the YAML's {@code profile: gateway} does it.
   */
  public static ProxyHarness startGateway(String... args) {
    LmStudioSimulator simulator = LmStudioSimulator.start(SimulatorOptions.builder().gateway(true).build());
    String[] withProfile = Arrays.copyOf(args, args.length + 2);
    withProfile[args.length] = "--backend-profile";
    withProfile[args.length + 1] = "gateway";
    ProxyConfig config = CommandLineConfig.parse(withProfile, Map.of())
        .withListen(new ListenAddress("127.0.0.1", 0))
        .withBackend(URI.create(simulator.baseUrl()));
    return startProxy(simulator, config);
  }

  /** A proxy whose backend is a URL nothing listens on. */
  public static ProxyHarness withoutBackend(URI deadBackend) {
    ProxyConfig config = ProxyConfig.defaults().withListen(new ListenAddress("127.0.0.1", 0)).withBackend(deadBackend);
    return startProxy(null, config);
  }

  private static ProxyHarness startProxy(LmStudioSimulator simulator, ProxyConfig config) {
    Vertx vertx = Vertx.vertx();
    return startProxy(simulator, vertx, ProxyServer.start(vertx, config));
  }

  private static ProxyHarness startProxy(LmStudioSimulator simulator, Vertx vertx, Future<ProxyServer> starting) {
    // A handler that throws (an answer written twice fails loudly) must fail the test, not vanish in a log line.
    vertx.exceptionHandler(UNEXPECTED::add);
    try {
      ProxyServer proxy = starting.await(10, TimeUnit.SECONDS);
      return new ProxyHarness(simulator, vertx, proxy);
    } catch (Exception e) {
      vertx.close();
      if (simulator != null) {
        simulator.close();
      }
      throw new IllegalStateException("proxy did not start", e);
    }
  }

  public LmStudioSimulator simulator() {
    return simulator;
  }

  public ProxyServer proxy() {
    return proxy;
  }

  public int port() {
    return proxy.port();
  }

  @Override
  public URI url(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + proxy.port() + pathAndQuery);
  }

  public URI direct(String pathAndQuery) {
    return URI.create(simulator.baseUrl() + pathAndQuery);
  }

  @Override
  public HttpClient http() {
    return http;
  }

  @Override
  public void close() {
    try {
      proxy.shutdown(Duration.ZERO).await(10, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // Closing Vert.x below releases whatever is left.
    }
    vertx.close();
    if (simulator != null) {
      simulator.close();
    }
    Throwable thrown = UNEXPECTED.poll();
    if (thrown != null) {
      UNEXPECTED.clear();
      throw new AssertionError("a proxy handler threw: " + thrown, thrown);
    }
  }
}
