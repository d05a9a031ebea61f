package io.github.ollamalmstudioproxy.support;

import io.github.ollamalmstudioproxy.config.BackendSpec;
import io.github.ollamalmstudioproxy.config.CommandLineConfig;
import io.github.ollamalmstudioproxy.config.ListenAddress;
import io.github.ollamalmstudioproxy.config.ProxyConfig;
import io.github.ollamalmstudioproxy.server.ProxyServer;
import io.github.ollamalmstudioproxy.simulator.LmStudioSimulator;
import io.github.ollamalmstudioproxy.simulator.SimulatorOptions;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real proxy in front of several LM Studio simulators, named {@code a}, {@code b}, {@code c} … in order, all on
 * loopback and free ports. A simulator can be killed (its port closes, connections reset) and started again on the
 * same port. Closing the harness stops everything it started.
 */
public final class FleetHarness implements AutoCloseable, ProxyClient {
  private final List<SimulatorOptions> options;
  private final List<LmStudioSimulator> simulators;
  private final Vertx vertx;
  private final ProxyServer proxy;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private FleetHarness(List<SimulatorOptions> options, List<LmStudioSimulator> simulators, Vertx vertx,
      ProxyServer proxy) {
    this.options = options;
    this.simulators = simulators;
    this.vertx = vertx;
    this.proxy = proxy;
  }

  /** One simulator per options, and the proxy with {@code args} (listen and backends are set here). */
  public static FleetHarness start(List<SimulatorOptions> options, String... args) {
    List<LmStudioSimulator> simulators = new ArrayList<>();
    List<SimulatorOptions> fixed = new ArrayList<>();
    List<BackendSpec> specs = new ArrayList<>();
    for (SimulatorOptions option : options) {
      LmStudioSimulator simulator = LmStudioSimulator.start(option);
      simulators.add(simulator);
      // The port it got, so that a restart comes back where the proxy expects it.
      fixed.add(option.withPort(simulator.port()));
      specs.add(BackendSpec.of(URI.create(simulator.baseUrl())).withName(String.valueOf((char) ('a' + specs.size()))));
    }
    ProxyConfig config = CommandLineConfig.parse(args, Map.of())
        .withListen(new ListenAddress("127.0.0.1", 0))
        .withBackends(specs);
    Vertx vertx = Vertx.vertx();
    try {
      ProxyServer proxy = ProxyServer.start(vertx, config).await(10, TimeUnit.SECONDS);
      return new FleetHarness(fixed, simulators, vertx, proxy);
    } catch (Exception e) {
      vertx.close();
      simulators.forEach(LmStudioSimulator::close);
      throw new IllegalStateException("proxy did not start", e);
    }
  }

  public LmStudioSimulator simulator(int index) {
    return simulators.get(index);
  }

  public int size() {
    return simulators.size();
  }

  /** Stops simulator {@code index}: its listener closes and its open connections reset, as a crashed server's do. */
  public void kill(int index) {
    simulators.get(index).close();
  }

  /** Starts simulator {@code index} again on its port, with its first options and a fresh state. */
  public LmStudioSimulator restart(int index) {
    LmStudioSimulator again = LmStudioSimulator.start(options.get(index));
    simulators.set(index, again);
    return again;
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
    simulators.forEach(LmStudioSimulator::close);
  }
}
