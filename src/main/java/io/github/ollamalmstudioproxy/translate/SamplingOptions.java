package io.github.ollamalmstudioproxy.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ollamalmstudioproxy.ollama.Json;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Ollama {@code options} mapped to OpenAI request fields.
 *
 * @param openAi the fields to copy into the OpenAI request ({@code max_tokens}, {@code temperature}, ...)
 * @param ignored option names with no OpenAI/LM Studio equivalent, in request order (for a debug log line)
 * @param numCtx the context the request asks for ({@code num_ctx}), or null for the model's current one. Not a request
 *     field upstream: LM Studio fixes the context when it loads a model, so the upstream layer reloads for it
 */
public record SamplingOptions(ObjectNode openAi, List<String> ignored, Integer numCtx) {
  /** Ollama's smallest context: {@code server/sched.go:170} raises anything below it to 4. */
  static final int MIN_NUM_CTX = 4;

  static SamplingOptions parse(ObjectNode options) {
    if (options == null) {
      return new SamplingOptions(Json.NODES.objectNode(), List.of(), null);
    }
    ObjectNode out = Json.NODES.objectNode();
    List<String> ignored = new ArrayList<>();
    Integer numCtx = null;
    for (Map.Entry<String, JsonNode> e : options.properties()) {
      String key = e.getKey();
      JsonNode value = e.getValue();
      if (value.isNull()) {
        continue;
      }
      switch (key) {
        case "num_predict":
          // Any negative value means "until a stop condition" in Ollama; LM Studio's -1 means the same, but other
          // OpenAI servers reject negatives, so the field is simply left out.
          long n = integer(key, value);
          if (n >= 0) {
            out.put("max_tokens", n);
          }
          break;
        case "seed":
          // Ollama's -1 asks for a random seed, which is what "no seed" means upstream.
          long seed = integer(key, value);
          if (seed >= 0) {
            out.put("seed", seed);
          }
          break;
        case "top_k":
          out.put("top_k", integer(key, value));
          break;
        case "temperature":
        case "top_p":
        case "min_p":
        case "repeat_penalty":
        case "presence_penalty":
        case "frequency_penalty":
          out.set(key, number(key, value));
          break;
        case "num_ctx":
          numCtx = numCtx(integer(key, value));
          break;
        case "stop":
          ArrayNode stops = stops(value);
          if (!stops.isEmpty()) {
            out.set("stop", stops);
          }
          break;
        default:
          ignored.add(key);
      }
    }
    return new SamplingOptions(out, List.copyOf(ignored), numCtx);
  }

  /**
   * 0 means "the default" ({@code server/routes.go:131} replaces it), so null here; anything else below 4 is 4, as
   * {@code server/sched.go:170} makes it; past an int it is capped, since no model has such a context.
   */
  private static Integer numCtx(long n) {
    if (n == 0) {
      return null;
    }
    return (int) Math.max(MIN_NUM_CTX, Math.min(n, Integer.MAX_VALUE));
  }

  /** 2^63 as a double: the first value past a 64-bit integer (every long converts to a double below it). */
  private static final double TWO_TO_63 = 0x1p63;

  /**
   * An integer option: Ollama's are Go {@code int}s, 64 bits wide. Go decodes every JSON number as a float64 and
   * truncates it into the option, so 100.0 (and 100.7) are valid; a number past the 64-bit range is a 400, where
   * Jackson's {@code longValue()} would silently wrap it (99999999999999999999 became 7766279631452241919).
   */
  private static long integer(String key, JsonNode value) {
    if (!value.isNumber()) {
      throw OllamaError.badRequest("option \"" + key + "\" must be of type integer, got " + Fields.typeName(value));
    }
    if (value.isIntegralNumber() ? !value.canConvertToLong()
        : !(value.doubleValue() >= -TWO_TO_63 && value.doubleValue() < TWO_TO_63)) {
      throw OllamaError.badRequest("option \"" + key + "\" is out of range for an integer: " + value.asText());
    }
    return value.isIntegralNumber() ? value.longValue() : (long) value.doubleValue();
  }

  /**
   * A float option: Ollama's are Go {@code float32}s, so a finite number past float32's range (about 3.4e38) is a
   * 400 rather than an infinity upstream. Non-finite numbers never get here (see {@link Fields#body}).
   */
  private static JsonNode number(String key, JsonNode value) {
    if (!value.isNumber()) {
      throw OllamaError.badRequest("option \"" + key + "\" must be of type float, got " + Fields.typeName(value));
    }
    double d = value.doubleValue();
    if (!(Math.abs(d) <= Float.MAX_VALUE)) {
      throw OllamaError.badRequest("option \"" + key + "\" is out of range for a float: " + value.asText());
    }
    return value;
  }

  private static ArrayNode stops(JsonNode value) {
    ArrayNode stops = Json.NODES.arrayNode();
    if (value.isTextual()) {
      if (!value.textValue().isEmpty()) {
        stops.add(value.textValue());
      }
      return stops;
    }
    if (!value.isArray()) {
      throw OllamaError.badRequest("option \"stop\" must be of type array, got " + Fields.typeName(value));
    }
    for (JsonNode stop : value) {
      if (!stop.isTextual()) {
        throw OllamaError.badRequest("option \"stop\" must contain only strings, got " + Fields.typeName(stop));
      }
      if (!stop.textValue().isEmpty()) {
        stops.add(stop);
      }
    }
    return stops;
  }
}
