package io.github.ollamalmstudioproxy.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ollamalmstudioproxy.ollama.Json;
import io.github.ollamalmstudioproxy.ollama.OllamaError;

/**
 * A validated Ollama {@code format}: any JSON object ({@code "json"}) or a JSON Schema, written as OpenAI's
 * {@code response_format} in the form the backend accepts.
 *
 * @param schema null for {@code "json"}
 */
public record ResponseFormat(ObjectNode schema) {
  /**
   * Reads {@code format}.
   *
   * @return null when no format was asked for ({@code ""} or {@code null} included: clients send both)
   * @throws OllamaError 400 for anything but {@code "json"} or a schema object
   */
  static ResponseFormat parse(JsonNode format) {
    if (format == null || format.isNull() || format.isMissingNode()) {
      return null;
    }
    if (format.isTextual()) {
      if (format.textValue().isEmpty()) {
        return null;
      }
      if (format.textValue().equals("json")) {
        return new ResponseFormat(null);
      }
    } else if (format.isObject()) {
      return new ResponseFormat((ObjectNode) format);
    }
    throw OllamaError.badRequest("invalid format: " + format + "; expected \"json\" or a valid JSON Schema object");
  }

  /**
   * A schema becomes a strict {@code json_schema}. {@code "json"} becomes OpenAI's {@code json_object} where the
   * backend takes it, else (LM Studio, which answers {@code json_object} with a 400) a {@code json_schema} for any
   * object.
   */
  public ObjectNode toOpenAi(BackendDialect dialect) {
    if (schema != null) {
      return jsonSchema("schema", schema, true);
    }
    if (dialect.acceptsJsonObjectFormat()) {
      return Json.NODES.objectNode().put("type", "json_object");
    }
    return jsonSchema("json_object", Json.NODES.objectNode().put("type", "object"), false);
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
