package io.github.ollamalmstudioproxy.catalog;

import static io.github.ollamalmstudioproxy.catalog.LenientJson.objects;
import static io.github.ollamalmstudioproxy.catalog.LenientJson.positiveInt;
import static io.github.ollamalmstudioproxy.catalog.LenientJson.strings;
import static io.github.ollamalmstudioproxy.catalog.LenientJson.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads LM Studio 0.3.6+ {@code GET /api/v0/models}: {@code {"data":[{id, type, arch, quantization, state, …}]}}.
 *
 * <p>v0 has no sizes and no reasoning switch; vision comes from {@code type:"vlm"} because a vlm row may list only
 * {@code ["tool_use"]}.
 */
final class LmStudioV0Parser {
  private LmStudioV0Parser() {}

  /**
   * Whether a 200 body is this route's list. A plain OpenAI server would not serve this path; requiring a v0-only
   * field on the first row keeps an OpenAI-shaped answer from being taken for v0.
   */
  static boolean recognises(JsonNode body) {
    if (body == null || !body.isObject() || body.has("error") || !body.path("data").isArray()) {
      return false;
    }
    JsonNode data = body.get("data");
    if (data.isEmpty()) {
      return true;
    }
    JsonNode first = data.get(0);
    return first.has("state") || first.has("arch") || first.has("compatibility_type");
  }

  static List<BackendModel> parse(JsonNode body) {
    List<JsonNode> rows = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (JsonNode row : objects(body, "data")) {
      String id = text(row, "id");
      if (id != null) {
        rows.add(row);
        ids.add(id);
      }
    }
    Map<String, JsonNode> rowById = new HashMap<>();
    for (JsonNode row : rows) {
      rowById.putIfAbsent(text(row, "id"), row);
    }
    List<BackendModel> out = new ArrayList<>();
    InstanceIds.fold(ids).forEach((id, extra) -> out.add(parseRow(id, rowById.get(id), extra, rowById)));
    return out;
  }

  private static BackendModel parseRow(String id, JsonNode r, List<String> extra, Map<String, JsonNode> rowById) {
    BackendModel.Builder b = BackendModel.builder(id, CatalogSource.LMSTUDIO_V0);
    b.type = ModelType.fromLmStudio(text(r, "type"));
    if (b.type == null) {
      b.type = NameInference.looksLikeEmbedding(id) ? ModelType.EMBEDDING : ModelType.LLM;
    }
    b.publisher = text(r, "publisher");
    b.architecture = text(r, "arch");
    b.format = text(r, "compatibility_type");
    b.quantization = text(r, "quantization");
    b.maxContextLength = positiveInt(r, "max_context_length");
    List<String> caps = strings(r, "capabilities");
    boolean vision = b.type == ModelType.VLM || caps.contains("vision");
    // The array exists since 0.3.16 (absent before: tools unknown); the type always says whether it is a vlm.
    boolean capsListed = r != null && r.path("capabilities").isArray();
    b.capabilities = new ModelCapabilities(vision, caps.contains("tool_use"), List.of(), null, capsListed,
        text(r, "type") != null);
    List<LoadedInstance> loaded = new ArrayList<>();
    if (isLoaded(r)) {
      loaded.add(LoadedInstance.of(id, positiveInt(r, "loaded_context_length")));
    }
    for (String instanceId : extra) {
      JsonNode ir = rowById.get(instanceId);
      if (isLoaded(ir)) {
        loaded.add(LoadedInstance.of(instanceId, positiveInt(ir, "loaded_context_length")));
      }
    }
    b.loadedInstances = loaded;
    NameInference.fillGaps(b);
    return b.build();
  }

  private static boolean isLoaded(JsonNode row) {
    String state = text(row, "state");
    return state != null && state.toLowerCase(Locale.ROOT).equals("loaded");
  }
}
