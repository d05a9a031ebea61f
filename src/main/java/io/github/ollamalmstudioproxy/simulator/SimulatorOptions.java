package io.github.ollamalmstudioproxy.simulator;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a simulator starts: where it listens, which LM Studio version it imitates and its initial catalogue.
 *
 * <p>The defaults follow the recommendation of reference §10: version 0.4, JIT loading on, auto-evict on, the
 * single-loaded-model fallback on (the #619 quirk) and no authentication.
 *
 * @param version {@code "0.4"} (current) or {@code "0.3"} (legacy: no {@code /api/v1/*} routes, 404 "not found"
 *     wording for unknown models, 0.3 response shapes)
 * @param requireAuthToken the bearer token every request must carry; null turns authentication off
 * @param preload instances loaded at start: model key to context length
 * @param nativeResponsesAndMessages whether {@code POST /v1/responses} (OpenAI Responses, LM Studio 0.3.29+) and
 *     {@code POST /v1/messages} (Anthropic Messages, 0.4.1+) are served; when false both get the unknown-route answer
 *     (HTTP 200, {@code {"error":"Unexpected endpoint or method. (POST /v1/messages)"}}), as every release before
 *     0.3.29 gives. Defaults to true for {@code "0.4"} and false for {@code "0.3"}, whose captures (0.3.9–0.3.16)
 *     predate both routes; turning it on under {@code "0.3"} imitates a late 0.3.x for {@code /v1/responses}, while
 *     {@code /v1/messages} there matches no real release
 * @param contextMemoryLimit the largest context that fits in the simulated memory: a load asking for more (JIT
 *     loads included) gets this much, as LM Studio 0.4 silently lowers a context that does not fit; null for no limit
 * @param gateway answer as an inference gateway in front of vLLM would, not as LM Studio: {@code /v1/models} rows are
 *     vLLM's {@code ModelCard} ({@code owned_by: "vllm"}, {@code max_model_len}), every model is loaded from the start
 *     at its full context, and LM Studio's own routes ({@code /api/*}, {@code /lmstudio-greeting}) and any other
 *     unknown route get FastAPI's 404 {@code {"detail":"Not Found"}}
 */
public record SimulatorOptions(
    String host,
    int port,
    String version,
    boolean jitEnabled,
    boolean autoEvict,
    boolean singleModelFallback,
    String requireAuthToken,
    List<SimulatorModel> models,
    Map<String, Integer> preload,
    boolean nativeResponsesAndMessages,
    Integer contextMemoryLimit,
    boolean gateway) {

  public SimulatorOptions {
    if (contextMemoryLimit != null && contextMemoryLimit <= 0) {
      throw new IllegalArgumentException("contextMemoryLimit must be positive, got " + contextMemoryLimit);
    }
    requireNonNull(host, "host");
    requireNonNull(version, "version");
    if (!version.equals("0.4") && !version.equals("0.3")) {
      throw new IllegalArgumentException("version must be \"0.4\" or \"0.3\", got \"" + version + "\"");
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    models = List.copyOf(models);
    preload = Collections.unmodifiableMap(new LinkedHashMap<>(preload));
    for (String key : preload.keySet()) {
      if (models.stream().noneMatch(m -> m.answersTo(key))) {
        throw new IllegalArgumentException("preload names a model that is not in the model list: " + key);
      }
    }
  }

  /** The defaults: 127.0.0.1, a free port, version 0.4, {@link SimulatorModel#defaults()} with qwen/qwen3-4b loaded. */
  public static SimulatorOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The same options on another port: a simulator started again where a proxy expects it. */
  public SimulatorOptions withPort(int newPort) {
    return new SimulatorOptions(host, newPort, version, jitEnabled, autoEvict, singleModelFallback, requireAuthToken,
        models, preload, nativeResponsesAndMessages, contextMemoryLimit, gateway);
  }

  boolean legacy() {
    return version.equals("0.3");
  }

  /** Builder starting from the defaults. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port;
    private String version = "0.4";
    private boolean jitEnabled = true;
    private boolean autoEvict = true;
    private boolean singleModelFallback = true;
    private String requireAuthToken;
    private List<SimulatorModel> models = SimulatorModel.defaults();
    private final Map<String, Integer> preload = new LinkedHashMap<>(Map.of("qwen/qwen3-4b", 4096));
    /** Null follows the version: on for 0.4, off for 0.3. */
    private Boolean nativeResponsesAndMessages;
    private Integer contextMemoryLimit;
    private boolean gateway;

    private Builder() {}

    /** Answers as vLLM behind an inference gateway (see {@link SimulatorOptions}); every model is loaded. */
    public Builder gateway(boolean gateway) {
      this.gateway = gateway;
      return this;
    }

    /** Memory holds at most this context: larger loads are lowered to it (see {@link SimulatorOptions}). */
    public Builder contextMemoryLimit(int tokens) {
      this.contextMemoryLimit = tokens;
      return this;
    }

    public Builder host(String host) {
      this.host = host;
      return this;
    }

    /** 0 picks a free port. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    public Builder version(String version) {
      this.version = version;
      return this;
    }

    public Builder jitEnabled(boolean jitEnabled) {
      this.jitEnabled = jitEnabled;
      return this;
    }

    public Builder autoEvict(boolean autoEvict) {
      this.autoEvict = autoEvict;
      return this;
    }

    public Builder singleModelFallback(boolean singleModelFallback) {
      this.singleModelFallback = singleModelFallback;
      return this;
    }

    public Builder requireAuthToken(String token) {
      this.requireAuthToken = token;
      return this;
    }

    /** Replaces the downloaded models and clears the preload list (the defaults' preload may not apply). */
    public Builder models(List<SimulatorModel> models) {
      this.models = List.copyOf(models);
      this.preload.clear();
      return this;
    }

    /** Loads {@code key} at start with this context length (non-JIT, as if loaded with {@code lms load}). */
    public Builder preload(String key, int contextLength) {
      this.preload.put(key, contextLength);
      return this;
    }

    /** Starts with nothing loaded. */
    public Builder noPreload() {
      this.preload.clear();
      return this;
    }

    /**
     * Serves {@code POST /v1/responses} (LM Studio 0.3.29+) and {@code POST /v1/messages} (0.4.1+), or answers both
     * as unknown routes. Without this call the version decides: on for {@code "0.4"}, off for {@code "0.3"}.
     */
    public Builder nativeResponsesAndMessages(boolean enabled) {
      this.nativeResponsesAndMessages = enabled;
      return this;
    }

    public SimulatorOptions build() {
      boolean nativeRoutes = nativeResponsesAndMessages != null ? nativeResponsesAndMessages : !version.equals("0.3");
      Map<String, Integer> loaded = preload;
      if (gateway) {
        // vLLM serves what it was started with, at the context it was started with, for its whole life.
        loaded = new LinkedHashMap<>();
        for (SimulatorModel model : models) {
          loaded.put(model.key(), model.maxContextLength());
        }
      }
      return new SimulatorOptions(host, port, version, jitEnabled, autoEvict, singleModelFallback, requireAuthToken,
          models, loaded, nativeRoutes, contextMemoryLimit, gateway);
    }
  }
}
