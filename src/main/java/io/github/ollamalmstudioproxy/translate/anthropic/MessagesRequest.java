package io.github.ollamalmstudioproxy.translate.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ollamalmstudioproxy.ollama.Json;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import io.github.ollamalmstudioproxy.translate.Fields;
import io.github.ollamalmstudioproxy.translate.PrefixKey;
import io.github.ollamalmstudioproxy.translate.Think;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A validated Anthropic Messages ({@code POST /v1/messages}) body, already converted to the parts of an OpenAI chat
 * completions request; {@link AnthropicToOpenAi} adds the backend's model id.
 *
 * <p>Validation follows Ollama's {@code AnthropicMessagesMiddleware} ({@code middleware/anthropic.go}) and
 * {@code FromMessagesRequest} ({@code anthropic/anthropic.go}), with its wording where it has one:
 * {@code model is required}, {@code max_tokens is required and must be positive}, {@code messages is required},
 * {@code tool_use block missing required 'id' field}, {@code invalid image source}, {@code invalid base64 image
 * data}. A field of the wrong JSON type is a 400 naming the field, worded as the rest of the proxy words it.
 */
public final class MessagesRequest {
  private final String model;
  private final boolean stream;
  private final boolean dropReasoning;
  /** The OpenAI body without {@code model}, {@code stream} and {@code stream_options}. */
  private final ObjectNode partial;
  private final List<String> ignored;

  private MessagesRequest(String model, boolean stream, boolean dropReasoning, ObjectNode partial,
      List<String> ignored) {
    this.model = model;
    this.stream = stream;
    this.dropReasoning = dropReasoning;
    this.partial = partial;
    this.ignored = List.copyOf(ignored);
  }

  /** The model exactly as the client sent it: resolved by the caller, echoed in every answer. */
  public String model() {
    return model;
  }

  /** {@code stream:true}: SSE events; else one JSON message (the proxy streams upstream either way). */
  public boolean stream() {
    return stream;
  }

  /**
   * {@code thinking:{type:"disabled"}}: reasoning that still arrives is dropped (backends do not always honour
   * {@code reasoning_effort:"none"}).
   */
  public boolean dropReasoning() {
    return dropReasoning;
  }

  /** Request features the backend cannot honour, for a debug log. */
  public List<String> ignored() {
    return ignored;
  }

  ObjectNode partial() {
    return partial;
  }

  /** The affinity key of the conversation ({@link PrefixKey}), from the messages as translated. */
  public long prefixKey() {
    return PrefixKey.ofChatMessages(partial.get("messages"));
  }

  /**
   * Validates and converts the body.
   *
   * @throws OllamaError 400 for an invalid request (rendered by {@link AnthropicErrors})
   */
  public static MessagesRequest parse(JsonNode json) {
    ObjectNode body = Fields.body(json);
    String model = Fields.string(body, "model", "model");
    if (Fields.isEmpty(model)) {
      throw OllamaError.badRequest("model is required");
    }
    long maxTokens = integer(body, "max_tokens");
    if (maxTokens <= 0) {
      throw OllamaError.badRequest("max_tokens is required and must be positive");
    }
    ArrayNode messages = Fields.array(body, "messages", "messages");
    if (messages == null || messages.isEmpty()) {
      throw OllamaError.badRequest("messages is required");
    }
    boolean stream = Fields.bool(body, "stream", false);
    List<String> ignored = new ArrayList<>();

    ObjectNode out = Json.NODES.objectNode();
    ArrayNode outMessages = out.putArray("messages");
    String system = system(Fields.get(body, "system"));
    if (!system.isEmpty()) {
      outMessages.addObject().put("role", "system").put("content", system);
    }
    for (int i = 0; i < messages.size(); i++) {
      AnthropicMessages.convert(messages.get(i), i, outMessages);
    }

    ArrayNode tools = AnthropicTools.tools(Fields.array(body, "tools", "tools"), ignored);
    AnthropicTools.toolChoice(Fields.object(body, "tool_choice", "tool_choice"), tools, out);

    out.put("max_tokens", maxTokens);
    number(body, "temperature", out, "temperature");
    number(body, "top_p", out, "top_p");
    if (Fields.get(body, "top_k") != null) {
      out.put("top_k", integer(body, "top_k"));
    }
    ArrayNode stops = Fields.array(body, "stop_sequences", "stop_sequences");
    if (stops != null && !stops.isEmpty()) {
      ArrayNode stop = out.putArray("stop");
      for (int i = 0; i < stops.size(); i++) {
        JsonNode s = stops.get(i);
        if (!s.isTextual()) {
          throw Fields.badType("stop_sequences[" + i + "]", "a string", s);
        }
        stop.add(s.textValue());
      }
    }
    Think think = think(body, ignored);
    if (think != null) {
      out.put("reasoning_effort", think.reasoningEffort());
    }
    if (Fields.get(body, "metadata") != null) {
      ignored.add("metadata");
    }
    return new MessagesRequest(model, stream, think != null && !think.enabled(), out, ignored);
  }

  /**
   * A string, or text blocks joined by a blank line (Ollama joins them with nothing, which runs Claude Code's
   * separate system blocks together); other block types are skipped, as Ollama does.
   */
  private static String system(JsonNode system) {
    if (system == null) {
      return "";
    }
    if (system.isTextual()) {
      return system.textValue();
    }
    if (!system.isArray()) {
      throw Fields.badType("system", "a string or an array of text blocks", system);
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < system.size(); i++) {
      JsonNode block = system.get(i);
      if (!block.isObject()) {
        throw Fields.badType("system[" + i + "]", "an object", block);
      }
      if ("text".equals(Fields.string(block, "type", "system[" + i + "].type"))) {
        String text = Fields.string(block, "text", "system[" + i + "].text");
        if (!Fields.isEmpty(text)) {
          if (sb.length() > 0) {
            sb.append("\n\n");
          }
          sb.append(text);
        }
      }
    }
    return sb.toString();
  }

  /**
   * Ollama's mapping: {@code thinking.type} {@code "enabled"} is {@code think:true} (the budget is not enforced),
   * {@code "disabled"} is {@code think:false}; otherwise {@code output_config.effort} names a level
   * ({@code xhigh} is {@code high}). Any other thinking type ({@code "adaptive"}) leaves the model's default.
   */
  private static Think think(ObjectNode body, List<String> ignored) {
    ObjectNode thinking = Fields.object(body, "thinking", "thinking");
    if (thinking != null) {
      String type = Fields.string(thinking, "type", "thinking.type");
      if ("enabled".equals(type)) {
        if (Fields.get(thinking, "budget_tokens") != null) {
          ignored.add("thinking.budget_tokens");
        }
        return new Think(true, null);
      }
      if ("disabled".equals(type)) {
        return new Think(false, null);
      }
    }
    ObjectNode outputConfig = Fields.object(body, "output_config", "output_config");
    if (outputConfig != null) {
      String effort = Fields.string(outputConfig, "effort", "output_config.effort");
      String level = effort == null ? "" : effort.strip().toLowerCase(Locale.ROOT);
      switch (level) {
        case "xhigh":
          return new Think(true, "high");
        case "low":
        case "medium":
        case "high":
        case "max":
          return new Think(true, level);
        default:
          break;
      }
    }
    return null;
  }

  static long integer(JsonNode object, String field) {
    JsonNode value = Fields.get(object, field);
    if (value == null) {
      return 0;
    }
    if (!value.isNumber() || !(value.isIntegralNumber() || value.doubleValue() == Math.rint(value.doubleValue()))) {
      throw Fields.badType(field, "an integer", value);
    }
    return value.longValue();
  }

  private static void number(JsonNode object, String field, ObjectNode out, String outField) {
    JsonNode value = Fields.get(object, field);
    if (value == null) {
      return;
    }
    if (!value.isNumber()) {
      throw Fields.badType(field, "a number", value);
    }
    out.set(outField, value);
  }
}
