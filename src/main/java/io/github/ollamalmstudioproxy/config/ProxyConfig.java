package io.github.ollamalmstudioproxy.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything the proxy needs to run, already validated.
 *
 * @param backend the backend's base URL without a trailing slash and without credentials, e.g.
 *     {@code http://localhost:1234}: safe to print
 * @param backendApiKey sent as {@code Authorization: Bearer} to the backend; null for none
 * @param backendUserInfo {@code user:password} from {@code --backend http://user:password@host}, decoded, sent as
 *     {@code Authorization: Basic} to the backend; null for none (never together with {@code backendApiKey})
 * @param apiKey the inbound key clients must present; null when the proxy is open
 * @param origins extra CORS origins on top of Ollama's defaults ({@code *} allows any)
 * @param allowedHosts extra Host names a loopback listener answers on top of the local ones ({@code *} allows any)
 * @param firstByteTimeout how long the backend may stay silent before its first byte (prefill and JIT loads are silent)
 * @param idleTimeout the longest a backend response may go without progress (a complete SSE event on event streams)
 * @param aggregateTimeout how long a {@code stream:false} answer may take to collect, from the backend's first byte
 * @param loadTimeout how long a request may wait for its model to load
 * @param loadRetries how many times a request is replayed after a load or a transient engine failure
 * @param maxInFlight the cap on requests the backend has in flight; past it clients get 503 "server busy"
 * @param maxBodyBytes the largest request body accepted; larger bodies get 413 without being read into memory
 * @param maxBodyMemory the heap all request bodies being handled may take together; past it clients get 503
 * @param headerTimeout how long a new client connection may take to send its first request's headers
 * @param bodyTimeout how long a client may take to send a request's whole body once its headers are in
 * @param keepAliveTimeout how long a client connection may stay idle between requests (and send the next headers)
 * @param requestTimeout the longest a backend request may take unless it streams tokens; zero for no bound
 * @param modelsFile the YAML file that holds the model aliases made with {@code /api/create} and {@code /api/copy}
 * @param loadProgress how often a streamed chat or generate waiting for its model to load is told so; zero: never
 */
public record ProxyConfig(
    ListenAddress listen,
    URI backend,
    String backendApiKey,
    String backendUserInfo,
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
    Duration loadProgress) {

  public static final String DEFAULT_OLLAMA_VERSION = "0.33.0";

  public ProxyConfig {
    if (backend != null && backend.getRawUserInfo() != null) {
      // Whoever built this, the URL that is printed never carries the password.
      BackendUrl split = BackendUrl.split(backend);
      backend = split.url();
      backendUserInfo = backendUserInfo != null ? backendUserInfo : split.userInfo();
    }
    origins = List.copyOf(origins);
    allowedHosts = List.copyOf(allowedHosts);
  }

  /**
   * The same configuration pointed at another backend: used by {@code --demo} once the simulator has a port.
   * Credentials in {@code newBackend}'s URL replace the old ones (none when it has none).
   */
  public ProxyConfig withBackend(URI newBackend) {
    return new ProxyConfig(listen, newBackend, backendApiKey, null, apiKey, origins, allowedHosts,
        ollamaVersion, drainTimeout, connectTimeout, firstByteTimeout, idleTimeout, aggregateTimeout, loadTimeout,
        loadRetries, maxInFlight, maxBodyBytes, maxBodyMemory, logBodies, demo, headerTimeout, bodyTimeout,
        keepAliveTimeout, requestTimeout, modelsFile, loadProgress);
  }

  /** The same configuration listening elsewhere: tests bind port 0. */
  public ProxyConfig withListen(ListenAddress newListen) {
    return new ProxyConfig(newListen, backend, backendApiKey, backendUserInfo, apiKey, origins, allowedHosts,
        ollamaVersion, drainTimeout, connectTimeout, firstByteTimeout, idleTimeout, aggregateTimeout, loadTimeout,
        loadRetries, maxInFlight, maxBodyBytes, maxBodyMemory, logBodies, demo, headerTimeout, bodyTimeout,
        keepAliveTimeout, requestTimeout, modelsFile, loadProgress);
  }

  /** The same configuration with its aliases in another file: tests use a temporary one. */
  public ProxyConfig withModelsFile(Path newModelsFile) {
    return new ProxyConfig(listen, backend, backendApiKey, backendUserInfo, apiKey, origins, allowedHosts,
        ollamaVersion, drainTimeout, connectTimeout, firstByteTimeout, idleTimeout, aggregateTimeout, loadTimeout,
        loadRetries, maxInFlight, maxBodyBytes, maxBodyMemory, logBodies, demo, headerTimeout, bodyTimeout,
        keepAliveTimeout, requestTimeout, newModelsFile, loadProgress);
  }

  /** Every setting, with the keys and the backend's password left out: a configuration may be logged. */
  @Override
  public String toString() {
    return "ProxyConfig[listen=" + listen + ", backend=" + backend + ", backendApiKey=" + secret(backendApiKey)
        + ", backendUserInfo=" + secret(backendUserInfo) + ", apiKey=" + secret(apiKey) + ", origins=" + origins
        + ", allowedHosts=" + allowedHosts + ", ollamaVersion=" + ollamaVersion + ", drainTimeout=" + drainTimeout
        + ", connectTimeout=" + connectTimeout + ", firstByteTimeout=" + firstByteTimeout + ", idleTimeout="
        + idleTimeout + ", aggregateTimeout=" + aggregateTimeout + ", loadTimeout=" + loadTimeout + ", loadRetries="
        + loadRetries + ", maxInFlight=" + maxInFlight + ", maxBodyBytes=" + maxBodyBytes + ", maxBodyMemory="
        + maxBodyMemory + ", logBodies=" + logBodies + ", demo=" + demo + ", headerTimeout=" + headerTimeout
        + ", bodyTimeout=" + bodyTimeout + ", keepAliveTimeout=" + keepAliveTimeout + ", requestTimeout="
        + requestTimeout + ", modelsFile=" + modelsFile + ", loadProgress=" + loadProgress + "]";
  }

  private static String secret(String value) {
    return value == null ? "none" : "(set)";
  }

  /** Defaults, as a test or embedding program would start from. */
  public static ProxyConfig defaults() {
    return CommandLineConfig.parse(new String[0], Map.of());
  }
}
