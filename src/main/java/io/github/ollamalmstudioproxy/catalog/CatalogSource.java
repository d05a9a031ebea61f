package io.github.ollamalmstudioproxy.catalog;

import java.util.List;

/**
 * The backend route a model list came from, richest first.
 *
 * <p>LM Studio 0.4+ serves all three; 0.3.6+ lacks {@code /api/v1}; llama-server, vLLM and other OpenAI-compatible
 * servers only have {@code /v1/models}. {@link #probeOrder()} is the order to try them in.
 */
public enum CatalogSource {
  /** LM Studio 0.4+: sizes, parameter labels, loaded instances with their context, capabilities, reasoning. */
  LMSTUDIO_V1("/api/v1/models"),
  /** LM Studio 0.3.6+: type, architecture, quantization, state and context lengths; no sizes. */
  LMSTUDIO_V0("/api/v0/models"),
  /** Any OpenAI-compatible server: ids only (llama-server adds {@code meta}); the rest is inferred from names. */
  OPENAI("/v1/models"),
  /**
   * An inference gateway in front of a fleet (vLLM behind the Gateway API Inference Extension or llm-d, LiteLLM,
   * Olla): the same {@code /v1/models}, never probed for, only configured. The fleet keeps every model it lists
   * loaded, so the proxy never loads or unloads; vLLM's {@code max_model_len} gives the context.
   */
  GATEWAY("/v1/models");

  private final String path;

  CatalogSource(String path) {
    this.path = path;
  }

  /** The GET path on the backend, e.g. {@code /api/v1/models}. */
  public String path() {
    return path;
  }

  /**
   * The backend has LM Studio's load and unload API ({@code /api/v1/models/load}, {@code /unload}). Elsewhere a
   * model loads on first use (LM Studio 0.3's just-in-time loading) or is fixed at start-up (llama-server).
   */
  public boolean canLoad() {
    return this == LMSTUDIO_V1;
  }

  /**
   * The backend has LM Studio 0.4's download API ({@code /api/v1/models/download} and its status route), which comes
   * with the same release as the v1 model list.
   */
  public boolean canDownload() {
    return this == LMSTUDIO_V1;
  }

  /** The model list says which models can reason ({@code capabilities.reasoning}), so a refusal is grounded. */
  public boolean reportsThinking() {
    return this == LMSTUDIO_V1;
  }

  /**
   * The backend takes OpenAI's {@code response_format: {"type":"json_object"}}. LM Studio answers it with a 400 and
   * wants a {@code json_schema}; llama-server's sampler rejects an any-object schema and wants {@code json_object}.
   */
  public boolean acceptsJsonObjectFormat() {
    return this == OPENAI || this == GATEWAY;
  }

  /**
   * Only models of type "embeddings" can embed. LM Studio says so in its metadata (and answers "No models loaded"
   * otherwise); generic servers such as llama-server with pooling may embed with any model.
   */
  public boolean embedsOnlyWithEmbeddingModels() {
    return this == LMSTUDIO_V1 || this == LMSTUDIO_V0;
  }

  /**
   * Every model the list names is loaded and stays so: a gateway routes to servers that were started with their
   * models, and which of its replicas holds one is the gateway's business, not the proxy's.
   */
  public boolean alwaysLoaded() {
    return this == GATEWAY;
  }

  /**
   * Richest first: try each in turn and keep the first that answers with a recognisable list. {@link #GATEWAY} is
   * not among them: a gateway looks like any OpenAI server, so only the configuration can say a backend is one.
   */
  public static List<CatalogSource> probeOrder() {
    return List.of(LMSTUDIO_V1, LMSTUDIO_V0, OPENAI);
  }
}
