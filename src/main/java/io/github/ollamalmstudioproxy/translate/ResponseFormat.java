package io.github.ollamalmstudioproxy.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ollamalmstudioproxy.api.OllamaError;

/** Ollama {@code format} to OpenAI {@code response_format}. */
public final class ResponseFormat {
  /** The schema name that marks a {@code json_schema} as the translation of {@code format:"json"}. */
  private static final String ANY_JSON = "json_object";

  private ResponseFormat() {}

  /**
   * {@code "json"} becomes a {@code json_schema} for any object, because LM Studio answers
   * {@code response_format.type: "json_object"} with a 400; a schema object becomes a strict {@code json_schema}.
   *
   * @return null when no format was asked for ({@code ""} or {@code null} included: clients send both)
   */
  static ObjectNode toOpenAi(JsonNode format) {
    if (format == null || format.isNull() || format.isMissingNode()) {
      return null;
    }
    if (format.isTextual()) {
      if (format.textValue().isEmpty()) {
        return null;
      }
      if (format.textValue().equals("json")) {
        ObjectNode schema = Json.NODES.objectNode().put("type", "object");
        return jsonSchema(ANY_JSON, schema, false);
      }
    } else if (format.isObject()) {
      return jsonSchema("schema", (ObjectNode) format, true);
    }
    throw OllamaError.badRequest("invalid format: " + format + "; expected \"json\" or a valid JSON Schema object");
  }

  /**
   * Rewrites the translation of {@code format:"json"} into OpenAI's plain {@code json_object}, for backends other
   * than LM Studio: llama-server rejected the any-object {@code json_schema} (its sampler failed to initialise) but
   * takes {@code json_object}, which is standard OpenAI. A real schema is left alone.
   */
  public static void preferJsonObject(ObjectNode openAiRequest) {
    JsonNode format = openAiRequest.get("response_format");
    if (format != null && ANY_JSON.equals(format.path("json_schema").path("name").asText(null))) {
      openAiRequest.set("response_format", Json.NODES.objectNode().put("type", "json_object"));
    }
  }

  private static ObjectNode jsonSchema(String name, ObjectNode schema, boolean strict) {
    ObjectNode inner = Json.NODES.objectNode().put("name", name);
    if (strict) {
      inner.put("strict", true);
    }
    inner.set("schema", schema);
    ObjectNode out = Json.NODES.objectNode().put("type", "json_schema");
    out.set("json_schema", inner);
    return out;
  }
}
