package io.github.ollamalmstudioproxy.catalog;

import static io.github.ollamalmstudioproxy.catalog.LenientJson.isBoolean;
import static io.github.ollamalmstudioproxy.catalog.LenientJson.isTrue;
import static io.github.ollamalmstudioproxy.catalog.LenientJson.object;
import static io.github.ollamalmstudioproxy.catalog.LenientJson.objects;
import static io.github.ollamalmstudioproxy.catalog.LenientJson.positiveDouble;
import static io.github.ollamalmstudioproxy.catalog.LenientJson.positiveInt;
import static io.github.ollamalmstudioproxy.catalog.LenientJson.positiveLong;
import static io.github.ollamalmstudioproxy.catalog.LenientJson.strings;
import static io.github.ollamalmstudioproxy.catalog.LenientJson.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Reads LM Studio 0.4+ {@code GET /api/v1/models}: {@code {"models":[{key, type, quantization{…}, …}]}}. */
final class LmStudioV1Parser {
  private LmStudioV1Parser() {}

  /** Whether a 200 body is this route's list (LM Studio answers unknown routes 200 with {@code {"error":…}}). */
  static boolean recognises(JsonNode body) {
    if (body == null || !body.isObject() || body.has("error") || !body.path("models").isArray()) {
      return false;
    }
    // Ollama-shaped lists (name/model entries) also use "models"; LM Studio entries always have a key.
    JsonNode models = body.get("models");
    return models.isEmpty() || text(models.get(0), "key") != null;
  }

  static List<BackendModel> parse(JsonNode body) {
    List<BackendModel> out = new ArrayList<>();
    for (JsonNode entry : objects(body, "models")) {
      String key = text(entry, "key");
      if (key != null) {
        out.add(parseEntry(key, entry));
      }
    }
    return out;
  }

  private static BackendModel parseEntry(String key, JsonNode e) {
    BackendModel.Builder b = BackendModel.builder(key, CatalogSource.LMSTUDIO_V1);
    b.type = ModelType.fromLmStudio(text(e, "type"));
    if (b.type == null) {
      b.type = NameInference.looksLikeEmbedding(key) ? ModelType.EMBEDDING : ModelType.LLM;
    }
    b.publisher = text(e, "publisher");
    b.displayName = text(e, "display_name");
    b.architecture = text(e, "architecture");
    b.format = text(e, "format");
    JsonNode quant = object(e, "quantization");
    b.quantization = quant.isObject() ? text(quant, "name") : text(e, "quantization");
    b.bitsPerWeight = positiveDouble(quant, "bits_per_weight");
    b.sizeBytes = positiveLong(e, "size_bytes");
    b.paramsString = text(e, "params_string");
    b.maxContextLength = positiveInt(e, "max_context_length");
    b.loadedInstances = instances(e);
    b.capabilities = capabilities(object(e, "capabilities"));
    b.variants = strings(e, "variants");
    NameInference.fillGaps(b);
    return b.build();
  }

  private static List<LoadedInstance> instances(JsonNode e) {
    List<LoadedInstance> out = new ArrayList<>();
    for (JsonNode i : objects(e, "loaded_instances")) {
      String id = text(i, "id");
      if (id == null) {
        continue;
      }
      JsonNode config = object(i, "config");
      // No capture shows a TTL here; read one if a version adds it, in seconds, at either level.
      Long ttl = positiveLong(config, "ttl");
      if (ttl == null) {
        ttl = positiveLong(i, "ttl");
      }
      out.add(new LoadedInstance(id, positiveInt(config, "context_length"),
          ttl == null ? null : Duration.ofSeconds(ttl), positiveInt(config, "parallel")));
    }
    return out;
  }

  private static ModelCapabilities capabilities(JsonNode caps) {
    JsonNode reasoning = object(caps, "reasoning");
    return new ModelCapabilities(isTrue(caps, "vision"), isTrue(caps, "trained_for_tool_use"),
        strings(reasoning, "allowed_options"), text(reasoning, "default"), isBoolean(caps, "trained_for_tool_use"),
        isBoolean(caps, "vision"));
  }
}
