package io.github.ollamalmstudioproxy.catalog.alias;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * The parameters an alias may carry: exactly the names of Ollama's {@code api.Options} and {@code api.Runner}
 * ({@code api/types.go}), typed as there. Values from a Modelfile's {@code PARAMETER} lines are converted as
 * Ollama's {@code api.FormatParams} converts them; values from a JSON create request are checked against the same
 * types, so a typo is a 400 at create time rather than a silent default on every request after it.
 */
public final class AliasParameters {
  private enum Kind { INT, FLOAT, BOOL, STRINGS }

  private static final Map<String, Kind> KINDS = Map.ofEntries(
      Map.entry("num_ctx", Kind.INT), Map.entry("num_batch", Kind.INT), Map.entry("num_gpu", Kind.INT),
      Map.entry("main_gpu", Kind.INT), Map.entry("use_mmap", Kind.BOOL), Map.entry("num_thread", Kind.INT),
      Map.entry("draft_num_predict", Kind.INT), Map.entry("num_keep", Kind.INT), Map.entry("seed", Kind.INT),
      Map.entry("num_predict", Kind.INT), Map.entry("top_k", Kind.INT), Map.entry("top_p", Kind.FLOAT),
      Map.entry("min_p", Kind.FLOAT), Map.entry("typical_p", Kind.FLOAT), Map.entry("repeat_last_n", Kind.INT),
      Map.entry("temperature", Kind.FLOAT), Map.entry("repeat_penalty", Kind.FLOAT),
      Map.entry("presence_penalty", Kind.FLOAT), Map.entry("frequency_penalty", Kind.FLOAT),
      Map.entry("stop", Kind.STRINGS));

  private AliasParameters() {}

  /**
   * Checks a JSON {@code parameters} object and returns it normalised (a single {@code stop} string becomes a
   * one-element list).
   *
   * @throws OllamaError 400 {@code unknown parameter 'x'} or naming a value of the wrong type
   */
  public static ObjectNode fromJson(JsonNode parameters) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    if (parameters == null || parameters.isNull()) {
      return out;
    }
    if (!parameters.isObject()) {
      throw OllamaError.badRequest("parameters must be an object, got " + parameters.getNodeType().toString()
          .toLowerCase(java.util.Locale.ROOT));
    }
    parameters.fields().forEachRemaining(e -> out.set(e.getKey(), checked(e.getKey(), e.getValue())));
    return out;
  }

  /**
   * Converts the values of {@code PARAMETER} lines, grouped by name in the order they came (Ollama's
   * {@code api.FormatParams}).
   *
   * @throws OllamaError 400 {@code unknown parameter 'x'}, {@code invalid int value [x]} and the like
   */
  public static ObjectNode fromModelfile(Map<String, List<String>> values) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    values.forEach((name, list) -> {
      Kind kind = kind(name);
      String first = list.get(0);
      switch (kind) {
        case INT -> {
          try {
            out.put(name, Long.parseLong(first));
          } catch (NumberFormatException e) {
            throw OllamaError.badRequest("invalid int value " + list);
          }
        }
        case FLOAT -> {
          try {
            out.put(name, new BigDecimal(first).doubleValue());
          } catch (NumberFormatException e) {
            throw OllamaError.badRequest("invalid float value " + list);
          }
        }
        case BOOL -> {
          if (!first.equalsIgnoreCase("true") && !first.equalsIgnoreCase("false")) {
            throw OllamaError.badRequest("invalid bool value " + list);
          }
          out.put(name, Boolean.parseBoolean(first));
        }
        case STRINGS -> list.forEach(out.withArray(name)::add);
      }
    });
    return out;
  }

  private static Kind kind(String name) {
    Kind kind = KINDS.get(name);
    if (kind == null) {
      throw OllamaError.badRequest("unknown parameter '" + name + "'");
    }
    return kind;
  }

  private static JsonNode checked(String name, JsonNode value) {
    Kind kind = kind(name);
    boolean ok = switch (kind) {
      case INT -> value.isIntegralNumber() && value.canConvertToLong()
          || value.isFloatingPointNumber() && value.doubleValue() == Math.rint(value.doubleValue());
      case FLOAT -> value.isNumber();
      case BOOL -> value.isBoolean();
      case STRINGS -> value.isTextual() || value.isArray() && allText((ArrayNode) value);
    };
    if (!ok) {
      String type = switch (kind) {
        case INT -> "a whole number";
        case FLOAT -> "a number";
        case BOOL -> "true or false";
        case STRINGS -> "a string or a list of strings";
      };
      throw OllamaError.badRequest("invalid value for parameter '" + name + "': " + value + " (" + type + ")");
    }
    if (kind == Kind.INT) {
      return JsonNodeFactory.instance.numberNode(value.longValue());
    }
    if (kind == Kind.STRINGS && value.isTextual()) {
      return JsonNodeFactory.instance.arrayNode().add(value.textValue());
    }
    return value.deepCopy();
  }

  private static boolean allText(ArrayNode array) {
    for (JsonNode n : array) {
      if (!n.isTextual()) {
        return false;
      }
    }
    return true;
  }
}
