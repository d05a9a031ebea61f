package io.github.ollamalmstudioproxy.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A validated Ollama {@code POST /api/chat} body.
 *
 * @param model the model string exactly as the client sent it (echoed in every response line)
 * @param stream true unless the client sent {@code "stream": false}
 * @param messages never null; empty for a load or unload request
 * @param tools null unless the client sent a non-empty array (ollama-python always sends {@code []})
 * @param format the requested output format, or null
 * @param think null when absent
 * @param keepAlive null when absent
 * @param logprobs null unless the client asked for log probabilities
 * @param truncate Ollama's {@code truncate}, true unless the client sent {@code false}: drop the oldest history when
 *     the backend says the prompt does not fit its context
 * @param ignored request features the backend cannot honour, for a debug log: top-level names such as
 *     {@code shift}, and options as {@code options.<name>}
 */
public record ChatRequest(
    String model,
    boolean stream,
    List<Message> messages,
    ArrayNode tools,
    ResponseFormat format,
    SamplingOptions options,
    Think think,
    KeepAlive keepAlive,
    LogprobsRequest logprobs,
    boolean truncate,
    List<String> ignored) {

  /**
   * One history entry.
   *
   * @param images {@code data:} URLs, already validated
   * @param toolCalls never null
   */
  public record Message(
      String role, String content, List<String> images, List<ToolCall> toolCalls, String toolName, String toolCallId) {}

  /**
   * A tool call from an assistant turn in the history.
   *
   * @param id null when the client dropped it (ollama-python always does)
   * @param argumentsJson the arguments as a JSON text, as OpenAI wants them
   */
  public record ToolCall(String id, String name, String argumentsJson) {}

  /**
   * Validates the body as Ollama does; unknown fields are ignored.
   *
   * @throws OllamaError 400 {@code model is required}, or 400 naming a field of the wrong type or value
   */
  public static ChatRequest parse(JsonNode json) {
    ObjectNode body = Fields.body(json);
    LogprobsRequest logprobs = LogprobsRequest.parse(body);
    String model = Fields.requiredModel(body, "model");
    boolean stream = Fields.bool(body, "stream", true);
    List<Message> messages = messages(Fields.array(body, "messages", "messages"));
    ArrayNode tools = Fields.array(body, "tools", "tools");
    if (tools != null) {
      for (int i = 0; i < tools.size(); i++) {
        if (!tools.get(i).isObject()) {
          throw Fields.badType("tools[" + i + "]", "an object", tools.get(i));
        }
      }
    }
    ResponseFormat format = ResponseFormat.parse(body.get("format"));
    SamplingOptions options = SamplingOptions.parse(Fields.object(body, "options", "options"));
    Think think = Think.parse(body.get("think"));
    KeepAlive keepAlive = KeepAlive.parse(body.get("keep_alive"));
    // api/types.go:113, server/routes.go:2695: absent means true.
    boolean truncate = Fields.bool(body, "truncate", true);
    List<String> ignored = RequestChecks.ignored(body, options);
    return new ChatRequest(
        model, stream, messages, tools == null || tools.isEmpty() ? null : tools, format, options, think,
        keepAlive, logprobs, truncate, ignored);
  }

  /** The same request with another history (a truncated one). */
  public ChatRequest withMessages(List<Message> history) {
    return new ChatRequest(model, stream, List.copyOf(history), tools, format, options, think, keepAlive, logprobs,
        truncate, ignored);
  }

  /** Any turn carries images (Ollama then needs a model that takes them). */
  public boolean hasImages() {
    return messages.stream().anyMatch(m -> !m.images().isEmpty());
  }

  /** Empty history: Ollama only loads (or, with {@code keep_alive} 0, unloads) the model and answers at once. */
  public boolean isLoadRequest() {
    return messages.isEmpty();
  }

  public boolean isUnloadRequest() {
    return isLoadRequest() && keepAlive != null && keepAlive.isUnload();
  }

  private static List<Message> messages(ArrayNode array) {
    if (array == null) {
      return List.of();
    }
    List<Message> out = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      String path = "messages[" + i + "]";
      JsonNode m = array.get(i);
      if (!m.isObject()) {
        throw Fields.badType(path, "an object", m);
      }
      String role = Fields.string(m, "role", path + ".role");
      if (Fields.isEmpty(role)) {
        throw OllamaError.badRequest("invalid message: \"" + path + ".role\" is required");
      }
      String content = Fields.string(m, "content", path + ".content");
      Fields.string(m, "thinking", path + ".thinking");
      out.add(new Message(
          role.toLowerCase(Locale.ROOT),
          content == null ? "" : content,
          RequestChecks.images(Fields.array(m, "images", path + ".images"), path + ".images"),
          toolCalls(Fields.array(m, "tool_calls", path + ".tool_calls"), path + ".tool_calls"),
          Fields.string(m, "tool_name", path + ".tool_name"),
          Fields.string(m, "tool_call_id", path + ".tool_call_id")));
    }
    return List.copyOf(out);
  }

  private static List<ToolCall> toolCalls(ArrayNode array, String path) {
    if (array == null) {
      return List.of();
    }
    List<ToolCall> out = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      String callPath = path + "[" + i + "]";
      JsonNode call = array.get(i);
      if (!call.isObject()) {
        throw Fields.badType(callPath, "an object", call);
      }
      ObjectNode function = Fields.object(call, "function", callPath + ".function");
      if (function == null) {
        throw OllamaError.badRequest("invalid tool call: \"" + callPath + ".function\" is required");
      }
      String name = Fields.string(function, "name", callPath + ".function.name");
      out.add(new ToolCall(
          Fields.string(call, "id", callPath + ".id"),
          name == null ? "" : name,
          arguments(function, callPath + ".function.arguments")));
    }
    return List.copyOf(out);
  }

  /**
   * Ollama sends arguments as an object; a JSON string (the OpenAI form, replayed by clients that speak both) is
   * accepted as-is so that the history survives either way.
   */
  private static String arguments(ObjectNode function, String path) {
    JsonNode args = Fields.get(function, "arguments");
    if (args == null) {
      return "{}";
    }
    if (args.isObject()) {
      return args.toString();
    }
    if (args.isTextual()) {
      return args.textValue().isBlank() ? "{}" : args.textValue();
    }
    throw Fields.badType(path, "an object", args);
  }
}
