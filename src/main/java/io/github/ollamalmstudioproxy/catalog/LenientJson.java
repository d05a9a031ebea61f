package io.github.ollamalmstudioproxy.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Field readers that never throw: a missing field, a JSON null or a value of the wrong type all read as null.
 *
 * <p>Backends change between versions and omit fields freely (v1 embedding entries have no architecture,
 * {@code params_string} may be null), so one odd field must cost that field, not the whole model list.
 */
final class LenientJson {
  private LenientJson() {}

  /** A non-blank string, stripped; otherwise null. */
  static String text(JsonNode node, String field) {
    JsonNode v = node == null ? null : node.get(field);
    if (v == null || !v.isTextual()) {
      return null;
    }
    String s = v.asText().strip();
    return s.isEmpty() ? null : s;
  }

  /** A positive integral number (or a numeric string); zero and negatives mean "unknown" in these APIs. */
  static Long positiveLong(JsonNode node, String field) {
    JsonNode v = node == null ? null : node.get(field);
    if (v == null) {
      return null;
    }
    long value;
    if (v.isNumber()) {
      value = v.isIntegralNumber() ? v.asLong() : Math.round(v.asDouble());
    } else if (v.isTextual() && v.asText().strip().matches("\\d{1,18}")) {
      value = Long.parseLong(v.asText().strip());
    } else {
      return null;
    }
    return value > 0 ? value : null;
  }

  static Integer positiveInt(JsonNode node, String field) {
    Long v = positiveLong(node, field);
    return v == null || v > Integer.MAX_VALUE ? null : v.intValue();
  }

  static Double positiveDouble(JsonNode node, String field) {
    JsonNode v = node == null ? null : node.get(field);
    if (v == null || !v.isNumber() || !(v.asDouble() > 0) || Double.isInfinite(v.asDouble())) {
      return null;
    }
    return v.asDouble();
  }

  /** True only for a JSON {@code true}; anything else is false. */
  static boolean isTrue(JsonNode node, String field) {
    JsonNode v = node == null ? null : node.get(field);
    return v != null && v.isBoolean() && v.asBoolean();
  }

  /** Whether {@code field} holds a JSON boolean (either value): the backend did say. */
  static boolean isBoolean(JsonNode node, String field) {
    JsonNode v = node == null ? null : node.get(field);
    return v != null && v.isBoolean();
  }

  /** The object at {@code field}, or a missing node that answers every lookup with nothing. */
  static JsonNode object(JsonNode node, String field) {
    JsonNode v = node == null ? null : node.get(field);
    return v != null && v.isObject() ? v : MissingNode.getInstance();
  }

  /** The object elements of the array at {@code field}; non-objects are skipped. */
  static List<JsonNode> objects(JsonNode node, String field) {
    JsonNode v = node == null ? null : node.get(field);
    List<JsonNode> out = new ArrayList<>();
    if (v != null && v.isArray()) {
      v.forEach(e -> {
        if (e.isObject()) {
          out.add(e);
        }
      });
    }
    return out;
  }

  /** The non-blank strings of the array at {@code field}. */
  static List<String> strings(JsonNode node, String field) {
    JsonNode v = node == null ? null : node.get(field);
    List<String> out = new ArrayList<>();
    if (v != null && v.isArray()) {
      v.forEach(e -> {
        if (e.isTextual() && !e.asText().isBlank()) {
          out.add(e.asText().strip());
        }
      });
    }
    return out;
  }
}
