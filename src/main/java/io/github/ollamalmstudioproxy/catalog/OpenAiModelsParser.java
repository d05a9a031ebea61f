package io.github.ollamalmstudioproxy.catalog;

import static io.github.ollamalmstudioproxy.catalog.LenientJson.object;
import static io.github.ollamalmstudioproxy.catalog.LenientJson.objects;
import static io.github.ollamalmstudioproxy.catalog.LenientJson.positiveInt;
import static io.github.ollamalmstudioproxy.catalog.LenientJson.positiveLong;
import static io.github.ollamalmstudioproxy.catalog.LenientJson.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads any OpenAI-compatible {@code GET /v1/models}: ids only, so almost everything is inferred from the name.
 *
 * <p>llama-server adds {@code meta{n_ctx_train, n_params, size, n_embd}} for a loaded model: real numbers, used when
 * present, and a sign of GGUF (llama.cpp loads nothing else). Servers that manage their models say which are in memory
 * ({@link ServingState}) and how long a context they take: llama-swap's {@code context_length}, vLLM's
 * {@code max_model_len}. {@code key:N} ids are folded into instances of {@code key}: listing {@code key:2} means LM
 * Studio has two copies loaded, the first one under the bare key. Ids that say nothing about memory are reported as
 * not loaded.
 *
 * <p>From a {@link CatalogSource#GATEWAY gateway} every id is a model of its own (no LM Studio instances behind it)
 * and loaded, with vLLM's {@code max_model_len} as its context when the entry has one: LiteLLM and Olla list ids
 * only, and what they route to is the fleet's to keep loaded.
 */
final class OpenAiModelsParser {
  private OpenAiModelsParser() {}

  static boolean recognises(JsonNode body) {
    return body != null && body.isObject() && !body.has("error") && body.path("data").isArray();
  }

  static List<BackendModel> parse(JsonNode body, CatalogSource source) {
    List<String> ids = new ArrayList<>();
    Map<String, JsonNode> entryById = new HashMap<>();
    for (JsonNode entry : objects(body, "data")) {
      String id = text(entry, "id");
      if (id != null && entryById.putIfAbsent(id, entry) == null) {
        ids.add(id);
      }
    }
    List<BackendModel> out = new ArrayList<>();
    if (source.alwaysLoaded()) {
      ids.forEach(id -> out.add(parseEntry(id, entryById.get(id), List.of(), source)));
      return out;
    }
    InstanceIds.fold(ids).forEach((id, extra) -> out.add(parseEntry(id, entryById.get(id), extra, source)));
    return out;
  }

  private static BackendModel parseEntry(String id, JsonNode entry, List<String> extraInstances,
      CatalogSource source) {
    BackendModel.Builder b = BackendModel.builder(id, source);
    b.type = NameInference.looksLikeEmbedding(id) ? ModelType.EMBEDDING : ModelType.LLM;
    int slash = id.indexOf('/');
    b.publisher = slash > 0 && id.indexOf('/', slash + 1) < 0 ? id.substring(0, slash) : null;
    JsonNode meta = object(entry, "meta");
    boolean llamaServer = ServingState.isLlamaServerMeta(meta);
    if (llamaServer) {
      b.format = "gguf";
      b.servesInfill = true;
      b.maxContextLength = positiveInt(meta, "n_ctx_train");
      b.parameterCount = positiveLong(meta, "n_params");
      b.sizeBytes = positiveLong(meta, "size");
      b.embeddingLength = positiveInt(meta, "n_embd");
      if (b.parameterCount != null) {
        b.paramsString = ParameterSizes.display(b.parameterCount);
      }
    }
    if (b.maxContextLength == null) {
      b.maxContextLength = firstNonNull(positiveInt(entry, "context_length"), positiveInt(entry, "max_model_len"));
    }
    // The context it runs: llama.cpp's n_ctx, or vLLM's max_model_len (fixed at start-up). llama-swap's
    // context_length is what its config declares for the model, not what the running server took, so none.
    Integer running = llamaServer ? positiveInt(meta, "n_ctx") : positiveInt(entry, "max_model_len");
    if (source.alwaysLoaded() || (ServingState.of(entry) == ServingState.LOADED && extraInstances.isEmpty())) {
      b.loadedInstances = List.of(LoadedInstance.of(id, running));
    } else if (!extraInstances.isEmpty()) {
      List<LoadedInstance> loaded = new ArrayList<>();
      loaded.add(LoadedInstance.of(id, null));
      extraInstances.forEach(i -> loaded.add(LoadedInstance.of(i, null)));
      b.loadedInstances = loaded;
    }
    NameInference.fillGaps(b);
    return b.build();
  }

  private static Integer firstNonNull(Integer a, Integer b) {
    return a != null ? a : b;
  }
}
