package io.github.ollamalmstudioproxy.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything the proxy needs to run, already validated.
 *
 * @param backends the backends, at least one, names unique, in the order given (the first is the one
 *     {@link #backend()} and its siblings describe)
 * @param apiKey the inbound key clients must present; null when the proxy is open
 * @param origins extra CORS origins on top of Ollama's defaults ({@code *} allows any)
 * @param allowedHosts extra Host names a loopback listener answers on top of the local ones ({@code *} allows any)
 * @param firstByteTimeout how long the backend may stay silent before its first byte (prefill and JIT loads are silent)
 * @param idleTimeout the longest a backend response may go without progress (a complete SSE event on event streams)
 * @param aggregateTimeout how long a {@code stream:false} answer may take to collect, from the backend's first byte
 * @param loadTimeout how long a request may wait for its model to load
 * @param loadRetries how many times a request is replayed after a load or a transient engine failure
 * @param maxInFlight the cap on requests each backend has in flight unless the backend sets its own
 *     ({@link BackendSpec#maxInFlight()}); see {@link #maxInFlightOf}
 * @param maxBodyBytes the largest request body accepted; larger bodies get 413 without being read into memory
 * @param maxBodyMemory the heap all request bodies being handled may take together; past it clients get 503
 * @param headerTimeout how long a new client connection may take to send its first request's headers
 * @param bodyTimeout how long a client may take to send a request's whole body once its headers are in
 * @param keepAliveTimeout how long a client connection may stay idle between requests (and send the next headers)
 * @param requestTimeout the longest a backend request may take unless it streams tokens; zero for no bound
 * @param modelsFile the YAML file that holds the model aliases made with {@code /api/create} and {@code /api/copy}
 * @param loadProgress how often a streamed chat or generate waiting for its model to load is told so; zero: never
 * @param queueLength how many requests may wait for a backend with room, as Ollama's {@code OLLAMA_MAX_QUEUE}; zero:
 *     none wait, a request finding every eligible backend full is refused at once
 * @param queueTimeout the longest a request waits in that queue before it is refused
 * @param probeInterval how often each backend's health is probed in the background
 * @param breakerCooldown how long an open breaker keeps its backend out of routing before letting a trial request
 *     through
 * @param breakerFailures how many consecutive failures on live traffic open a backend's breaker
 */
public record ProxyConfig(
    ListenAddress listen,
    List<BackendSpec> backends,
    String apiKey,
    List<String> origins,
    List<String> allowedHosts,
    String ollamaVersion,
    Duration drainTimeout,
    Duration connectTimeout,
    Duration firstByteTimeout,
    Duration idleTimeout,
    Duration aggregateTimeout,
    Duration loadTimeout,
    int loadRetries,
    int maxInFlight,
    long maxBodyBytes,
    long maxBodyMemory,
    boolean logBodies,
    boolean demo,
    Duration headerTimeout,
    Duration bodyTimeout,
    Duration keepAliveTimeout,
    Duration requestTimeout,
    Path modelsFile,
    Duration loadProgress,
    int queueLength,
    Duration queueTimeout,
    Duration probeInterval,
    Duration breakerCooldown,
    int breakerFailures) {

  public static final String DEFAULT_OLLAMA_VERSION = "0.33.0";

  public ProxyConfig {
    backends = List.copyOf(backends);
    if (backends.isEmpty()) {
      throw new IllegalArgumentException("at least one backend is needed");
    }
    Set<String> names = new HashSet<>();
    for (BackendSpec b : backends) {
      if (!names.add(b.name())) {
        throw new IllegalArgumentException("two backends are named '" + b.name() + "'");
      }
    }
    origins = List.copyOf(origins);
    allowedHosts = List.copyOf(allowedHosts);
  }

  /** The first backend's URL: what a single-backend caller talks to. */
  public URI backend() {
    return backends.get(0).url();
  }

  /** The first backend's Bearer key; null for none. */
  public String backendApiKey() {
    return backends.get(0).apiKey();
  }

  /** The first backend's {@code user:password}; null for none. */
  public String backendUserInfo() {
    return backends.get(0).userInfo();
  }

  /** The admission cap of {@code backend}: its own, else {@link #maxInFlight()}. */
  public int maxInFlightOf(BackendSpec backend) {
    return backend.maxInFlight() != null ? backend.maxInFlight() : maxInFlight;
  }

  /**
   * The same configuration with one backend at {@code newBackend}: used by {@code --demo} once the simulator has a
   * port. The first backend's key and settings stay; the name is derived from the new URL, and credentials in it
   * replace the old ones (none when it has none).
   */
  public ProxyConfig withBackend(URI newBackend) {
    BackendSpec first = backends.get(0);
    return withBackends(List.of(new BackendSpec(null, newBackend, first.apiKey(), null, first.weight(),
        first.profile(), first.capacity(), first.maxInFlight())));
  }

  /** The same configuration with other backends. */
  public ProxyConfig withBackends(List<BackendSpec> newBackends) {
    return copy(listen, newBackends, modelsFile);
  }

  /** The same configuration listening elsewhere: tests bind port 0. */
  public ProxyConfig withListen(ListenAddress newListen) {
    return copy(newListen, backends, modelsFile);
  }

  /** The same configuration with its aliases in another file: tests use a temporary one. */
  public ProxyConfig withModelsFile(Path newModelsFile) {
    return copy(listen, backends, newModelsFile);
  }

  private ProxyConfig copy(ListenAddress newListen, List<BackendSpec> newBackends, Path newModelsFile) {
    return new ProxyConfig(newListen, newBackends, apiKey, origins, allowedHosts, ollamaVersion, drainTimeout,
        connectTimeout, firstByteTimeout, idleTimeout, aggregateTimeout, loadTimeout, loadRetries, maxInFlight,
        maxBodyBytes, maxBodyMemory, logBodies, demo, headerTimeout, bodyTimeout, keepAliveTimeout, requestTimeout,
        newModelsFile, loadProgress, queueLength, queueTimeout, probeInterval, breakerCooldown, breakerFailures);
  }

  /** Every setting, with the keys and the backends' passwords left out: a configuration may be logged. */
  @Override
  public String toString() {
    return "ProxyConfig[listen=" + listen + ", backends=" + backends + ", apiKey=" + secret(apiKey) + ", origins="
        + origins + ", allowedHosts=" + allowedHosts + ", ollamaVersion=" + ollamaVersion + ", drainTimeout="
        + drainTimeout + ", connectTimeout=" + connectTimeout + ", firstByteTimeout=" + firstByteTimeout
        + ", idleTimeout=" + idleTimeout + ", aggregateTimeout=" + aggregateTimeout + ", loadTimeout=" + loadTimeout
        + ", loadRetries=" + loadRetries + ", maxInFlight=" + maxInFlight + ", maxBodyBytes=" + maxBodyBytes
        + ", maxBodyMemory=" + maxBodyMemory + ", logBodies=" + logBodies + ", demo=" + demo + ", headerTimeout="
        + headerTimeout + ", bodyTimeout=" + bodyTimeout + ", keepAliveTimeout=" + keepAliveTimeout
        + ", requestTimeout=" + requestTimeout + ", modelsFile=" + modelsFile + ", loadProgress=" + loadProgress
        + ", queueLength=" + queueLength + ", queueTimeout=" + queueTimeout + ", probeInterval=" + probeInterval
        + ", breakerCooldown=" + breakerCooldown + ", breakerFailures=" + breakerFailures + "]";
  }

  private static String secret(String value) {
    return value == null ? "none" : "(set)";
  }

  /** Defaults, as a test or embedding program would start from. */
  public static ProxyConfig defaults() {
    return CommandLineConfig.parse(new String[0], Map.of());
  }
}
