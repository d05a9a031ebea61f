package io.github.ollamalmstudioproxy.config;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The command line as picocli sees it. Values arrive as text so that one validator ({@link CommandLineConfig}) turns
 * flags, environment variables and the YAML file into a {@link ProxyConfig} with the same one-line errors.
 *
 * <p>Each option's environment variable is {@code OLLAMA_PROXY_} plus its name in upper case with underscores; the
 * YAML key is the option name without the dashes. The descriptions are the README's configuration table.
 */
@Command(
    name = "ollama-lmstudio-proxy",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    usageHelpWidth = 110,
    description = "Serves the Ollama API on top of LM Studio or any OpenAI-compatible server.%n"
        + "Precedence: flag > environment variable > --config file > default.")
public final class ProxyOptions {
  @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:11434",
      description = "Address to listen on (env OLLAMA_PROXY_LISTEN, then OLLAMA_HOST). Default: ${DEFAULT-VALUE}")
  String listen;

  @Option(names = {"--backend", "--lmstudio-url"}, paramLabel = "URL", split = ",",
      description = "Base URL of LM Studio or another OpenAI-compatible server; repeat it (or separate URLs with"
          + " commas) for several backends. Overrides the config file's backends: list."
          + " Default: " + CommandLineConfig.DEFAULT_BACKEND)
  List<String> backend;

  @Option(names = "--backend-api-key", paramLabel = "KEY",
      description = "Sent to every --backend as 'Authorization: Bearer KEY' (LM Studio API token).")
  String backendApiKey;

  @Option(names = "--backend-profile", paramLabel = "PROFILE",
      description = "What every --backend is: auto (LM Studio, llama-server or OpenAI-compatible, found out) or"
          + " gateway (an OpenAI inference gateway such as vLLM, llm-d, LiteLLM, Olla: models always loaded)."
          + " Default: auto")
  String backendProfile;

  @Option(names = "--api-key", paramLabel = "KEY",
      description = "Require 'Authorization: Bearer KEY' from clients on every route but /, /api/version and health.")
  String apiKey;

  @Option(names = "--origins", paramLabel = "LIST",
      description = "Extra CORS origins, comma-separated, '*' for any (env OLLAMA_PROXY_ORIGINS, then OLLAMA_ORIGINS).")
  String origins;

  @Option(names = "--allowed-hosts", paramLabel = "LIST",
      description = "Extra Host names a loopback listener answers (DNS-rebinding guard), comma-separated, '*'"
          + " wildcards; local names (localhost, *.localhost, *.local, *.internal, this machine, local IPs) always pass.")
  String allowedHosts;

  @Option(names = "--ollama-version", paramLabel = "X.Y.Z", defaultValue = ProxyConfig.DEFAULT_OLLAMA_VERSION,
      description = "Version reported on /api/version; clients gate features on it. Default: ${DEFAULT-VALUE}")
  String ollamaVersion;

  @Option(names = "--drain-timeout", paramLabel = "DURATION", defaultValue = "10s",
      description = "On SIGTERM, how long in-flight requests may finish before they are cut. Default: ${DEFAULT-VALUE}")
  String drainTimeout;

  @Option(names = "--connect-timeout", paramLabel = "DURATION", defaultValue = "5s",
      description = "Time allowed to open a connection to the backend. Default: ${DEFAULT-VALUE}")
  String connectTimeout;

  @Option(names = "--first-byte-timeout", paramLabel = "DURATION", defaultValue = "10m",
      description = "Time the backend may stay silent before answering (prompt prefill and model loads are silent)."
          + " Default: ${DEFAULT-VALUE}")
  String firstByteTimeout;

  @Option(names = "--idle-timeout", paramLabel = "DURATION", defaultValue = "5m",
      description = "Longest a backend response may go without progress: a complete SSE event on event streams, any"
          + " bytes on other bodies. Default: ${DEFAULT-VALUE}")
  String idleTimeout;

  @Option(names = "--header-timeout", paramLabel = "DURATION", defaultValue = "10s",
      description = "Time a client has to send a request's headers once connected; a silent or half-sent header is"
          + " closed. Default: ${DEFAULT-VALUE}")
  String headerTimeout;

  @Option(names = "--body-timeout", paramLabel = "DURATION", defaultValue = "60s",
      description = "Time a client has to send a request's whole body once its headers are in; then 408 and the"
          + " connection is closed. Default: ${DEFAULT-VALUE}")
  String bodyTimeout;

  @Option(names = "--keep-alive-timeout", paramLabel = "DURATION", defaultValue = "5m",
      description = "How long a client connection may stay idle between two requests before it is closed."
          + " Default: ${DEFAULT-VALUE}")
  String keepAliveTimeout;

  @Option(names = "--request-timeout", paramLabel = "DURATION", defaultValue = "30m",
      description = "Longest a backend request may take unless it streams tokens: a non-streamed answer, or a stream"
          + " that has produced no token yet; then 504. 0 turns it off. Default: ${DEFAULT-VALUE}")
  String requestTimeout;
  @Option(names = "--aggregate-timeout", paramLabel = "DURATION", defaultValue = "30m",
      description = "How long the proxy may spend collecting a stream:false answer from the backend; then 500."
          + " Default: ${DEFAULT-VALUE}")
  String aggregateTimeout;

  @Option(names = "--load-timeout", paramLabel = "DURATION", defaultValue = "120s",
      description = "How long a request may wait for its model to load before it fails. Default: ${DEFAULT-VALUE}")
  String loadTimeout;

  @Option(names = "--load-retries", paramLabel = "N", defaultValue = "2",
      description = "Replays of a request after its model was loaded or the engine failed transiently."
          + " Default: ${DEFAULT-VALUE}")
  String loadRetries;

  @Option(names = "--max-in-flight", paramLabel = "N", defaultValue = "512",
      description = "Requests each backend may have in flight, unless its backends: entry sets max_in_flight; more"
          + " wait in the queue. Default: ${DEFAULT-VALUE}")
  String maxInFlight;

  @Option(names = "--queue-length", paramLabel = "N", defaultValue = "512",
      description = "Requests that may wait for a backend with room (like OLLAMA_MAX_QUEUE); more get 503 'server"
          + " busy'. 0: no queue, refuse at once. Default: ${DEFAULT-VALUE}")
  String queueLength;

  @Option(names = "--queue-timeout", paramLabel = "DURATION", defaultValue = "60s",
      description = "Longest a request waits in the queue; then 503 'server busy'. Default: ${DEFAULT-VALUE}")
  String queueTimeout;

  @Option(names = "--probe-interval", paramLabel = "DURATION", defaultValue = "5s",
      description = "How often each backend's health is probed in the background. Default: ${DEFAULT-VALUE}")
  String probeInterval;

  @Option(names = "--breaker-failures", paramLabel = "N", defaultValue = "3",
      description = "Consecutive failures (connect errors, 5xx, timeouts, stalls) that take a backend out of routing."
          + " Default: ${DEFAULT-VALUE}")
  String breakerFailures;

  @Option(names = "--breaker-cooldown", paramLabel = "DURATION", defaultValue = "10s",
      description = "How long a backend taken out of routing waits before a trial request is let through."
          + " Default: ${DEFAULT-VALUE}")
  String breakerCooldown;

  @Option(names = "--max-body-size", paramLabel = "BYTES", defaultValue = "64MiB",
      description = "Largest request body accepted (images are large); bigger bodies get 413. Default: ${DEFAULT-VALUE}")
  String maxBodySize;

  @Option(names = "--max-body-memory", paramLabel = "BYTES",
      description = "Heap all request bodies being handled may take together (each takes about 6 times its size);"
          + " past it clients get 503 'server busy'. Default: 80% of the JVM's maximum heap (-Xmx)")
  String maxBodyMemory;

  @Option(names = "--log-bodies", paramLabel = "BOOL", defaultValue = "false", arity = "0..1", fallbackValue = "true",
      description = "Log the request bodies of Ollama routes at debug level (passthrough bodies are streamed, never"
          + " logged). Off by default: prompts stay out of logs.")
  String logBodies;

  @Option(names = "--load-progress", paramLabel = "INTERVAL", defaultValue = "false", arity = "0..1",
      fallbackValue = "true", description = "While a streamed /api/chat or /api/generate waits for its model to load,"
          + " send done:false lines whose 'thinking' says so, one at once and one every INTERVAL (true: 5s). Off by"
          + " default: Ollama itself sends nothing during a load.")
  String loadProgress;

  @Option(names = "--demo", paramLabel = "BOOL", defaultValue = "false", arity = "0..1", fallbackValue = "true",
      description = "Start the built-in LM Studio simulator and use it as the backend (no LM Studio needed).")
  String demo;

  @Option(names = "--models-file", paramLabel = "FILE",
      description = "YAML file with the model aliases /api/create and /api/copy make (read again when it changes)."
          + " Default: $XDG_CONFIG_HOME/ollama-lmstudio-proxy/models.yaml, else ~/.config/ollama-lmstudio-proxy/models.yaml")
  String modelsFile;

  @Option(names = "--config", paramLabel = "FILE",
      description = "YAML file with any of these options, keyed by option name without dashes, and a backends: list"
          + " (env OLLAMA_PROXY_CONFIG).")
  String config;

  /** The config file's {@code backends:} list, null when it has none: used when no {@code --backend} is given. */
  List<BackendSpec> fileBackends;
}
