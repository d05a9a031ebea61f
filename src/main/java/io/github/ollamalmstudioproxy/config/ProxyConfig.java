package io.github.ollamalmstudioproxy.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything the proxy needs to run, already validated.
 *
 * @param backend the backend's base URL without a trailing slash, e.g. {@code http://localhost:1234}
 * @param backendApiKey sent as {@code Authorization: Bearer} to the backend; null for none
 * @param apiKey the inbound key clients must present; null when the proxy is open
 * @param origins extra CORS origins on top of Ollama's defaults ({@code *} allows any)
 * @param firstByteTimeout how long the backend may stay silent before its first byte (prefill and JIT loads are silent)
 * @param idleTimeout the longest allowed gap between two chunks of a backend response
 * @param aggregateTimeout how long a {@code stream:false} answer may take to collect, from the backend's first byte
 * @param loadTimeout how long a request may wait for its model to load
 * @param loadRetries how many times a request is replayed after a load or a transient engine failure
 * @param maxInFlight the cap on requests the backend has in flight; past it clients get 503 "server busy"
 * @param maxBodyBytes the largest request body accepted; larger bodies get 413 without being read into memory
 * @param maxBodyMemory the heap all request bodies being handled may take together; past it clients get 503
 */
public record ProxyConfig(
    ListenAddress listen,
    URI backend,
    String backendApiKey,
    String apiKey,
    List<String> origins,
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
    boolean demo) {

  public static final String DEFAULT_OLLAMA_VERSION = "0.33.0";

  public ProxyConfig {
    origins = List.copyOf(origins);
  }

  /** The same configuration pointed at another backend: used by {@code --demo} once the simulator has a port. */
  public ProxyConfig withBackend(URI newBackend) {
    return new ProxyConfig(listen, newBackend, backendApiKey, apiKey, origins, ollamaVersion, drainTimeout,
        connectTimeout, firstByteTimeout, idleTimeout, aggregateTimeout, loadTimeout, loadRetries, maxInFlight,
        maxBodyBytes, maxBodyMemory, logBodies, demo);
  }

  /** The same configuration listening elsewhere: tests bind port 0. */
  public ProxyConfig withListen(ListenAddress newListen) {
    return new ProxyConfig(newListen, backend, backendApiKey, apiKey, origins, ollamaVersion, drainTimeout,
        connectTimeout, firstByteTimeout, idleTimeout, aggregateTimeout, loadTimeout, loadRetries, maxInFlight,
        maxBodyBytes, maxBodyMemory, logBodies, demo);
  }

  /** Defaults, as a test or embedding program would start from. */
  public static ProxyConfig defaults() {
    return CommandLineConfig.parse(new String[0], Map.of());
  }
}
