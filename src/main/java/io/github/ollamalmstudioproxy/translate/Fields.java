package io.github.ollamalmstudioproxy.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import java.util.Locale;
import java.util.Map;

/**
 * Typed reads of request fields with Ollama's leniency: absent and {@code null} both mean "not given" (the Go client
 * serialises many empty fields), while a value of the wrong type is a 400 that names the field.
 */
public final class Fields {
  private Fields() {}

  /**
   * The model a request names: the first of {@code fields} that holds a non-empty string ({@code /api/show} also
   * takes the deprecated {@code name}). Shared by every route that requires a model.
   *
   * @throws OllamaError 400 {@code model is required}, or 400 naming a field of the wrong type
   */
  public static String requiredModel(JsonNode body, String... fields) {
    for (String field : fields) {
      String value = string(body, field, field);
      if (!isEmpty(value)) {
        return value;
      }
    }
    throw OllamaError.badRequest("model is required");
  }

  public static JsonNode get(JsonNode object, String field) {
    JsonNode value = object.get(field);
    return value == null || value.isNull() ? null : value;
  }

  public static String string(JsonNode object, String field, String path) {
    JsonNode value = get(object, field);
    if (value == null) {
      return null;
    }
    if (!value.isTextual()) {
      throw badType(path, "a string", value);
    }
    return value.textValue();
  }

  public static boolean bool(JsonNode object, String field, boolean absent) {
    JsonNode value = get(object, field);
    if (value == null) {
      return absent;
    }
    if (!value.isBoolean()) {
      throw badType(field, "a boolean", value);
    }
    return value.booleanValue();
  }

  public static ArrayNode array(JsonNode object, String field, String path) {
    JsonNode value = get(object, field);
    if (value == null) {
      return null;
    }
    if (!value.isArray()) {
      throw badType(path, "an array", value);
    }
    return (ArrayNode) value;
  }

  public static ObjectNode object(JsonNode object, String field, String path) {
    JsonNode value = get(object, field);
    if (value == null) {
      return null;
    }
    if (!value.isObject()) {
      throw badType(path, "an object", value);
    }
    return (ObjectNode) value;
  }

  /**
   * The request body as an object, every number in it checked: a number literal too large for a float64
   * ({@code 1e999999}) parses to an infinity, which would go upstream as the string {@code "Infinity"}; Go's decoder
   * refuses such a number, and so does this, with a 400 naming where it was.
   */
  public static ObjectNode body(JsonNode body) {
    if (body == null || body.isNull() || body.isMissingNode()) {
      throw OllamaError.badRequest("missing request body");
    }
    if (!body.isObject()) {
      throw badType("request body", "a JSON object", body);
    }
    String where = nonFinite(body);
    if (where != null) {
      throw OllamaError.badRequest("invalid value for \"" + where + "\": the number is out of range");
    }
    return (ObjectNode) body;
  }

  /** Where in {@code node} the first infinite or NaN number is, as a field path; null when there is none. */
  private static String nonFinite(JsonNode node) {
    if (node.isNumber()) {
      return node.isFloatingPointNumber() && !Double.isFinite(node.doubleValue()) ? "" : null;
    }
    if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        String inner = nonFinite(node.get(i));
        if (inner != null) {
          return "[" + i + "]" + (inner.isEmpty() || inner.startsWith("[") ? inner : "." + inner);
        }
      }
    } else if (node.isObject()) {
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        String inner = nonFinite(field.getValue());
        if (inner != null) {
          return field.getKey() + (inner.isEmpty() || inner.startsWith("[") ? inner : "." + inner);
        }
      }
    }
    return null;
  }

  public static boolean isEmpty(String s) {
    return s == null || s.isEmpty();
  }

  public static OllamaError badType(String path, String expected, JsonNode actual) {
    return OllamaError.badRequest("invalid value for \"" + path + "\": expected " + expected + ", got " + typeName(actual));
  }

  public static String typeName(JsonNode node) {
    switch (node.getNodeType()) {
      case STRING:
        return "string";
      case NUMBER:
        return "number";
      case BOOLEAN:
        return "boolean";
      case ARRAY:
        return "array";
      case OBJECT:
        return "object";
      case NULL:
        return "null";
      default:
        return node.getNodeType().name().toLowerCase(Locale.ROOT);
    }
  }
}
