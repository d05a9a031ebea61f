package io.github.ollamalmstudioproxy.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ollamalmstudioproxy.api.OllamaError;

/** Ollama {@code format} to OpenAI {@code response_format}. */
final class ResponseFormat {
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
        return jsonSchema("json_object", schema, false);
      }
    } else if (format.isObject()) {
      return jsonSchema("schema", (ObjectNode) format, true);
    }
    throw OllamaError.badRequest("invalid format: " + format + "; expected \"json\" or a valid JSON Schema object");
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
