package io.github.ollamalmstudioproxy.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Builds the JSON of {@code POST /v1/messages} in Anthropic's shapes and key order: the message, its content blocks,
 * the stream events and the error object. LM Studio documents the route (0.4.1+) without captures of its bytes, so
 * everything here follows Anthropic's reference; {@code model} echoes the instance used, as on every LM Studio route.
 */
final class MessagesWire {
  private final String id;
  private final String model;

  MessagesWire(String id, String model) {
    this.id = id;
    this.model = model;
  }

  /** Chat's finish reason in Anthropic's words; an unknown one (a scripted override) passes through. */
  static String stopReason(String finishReason) {
    return switch (finishReason) {
      case "stop" -> "end_turn";
      case "length" -> "max_tokens";
      case "tool_calls" -> "tool_use";
      default -> finishReason;
    };
  }

  /** {@code message_start}: the message without content or stop reason, and the prompt's input tokens. */
  ObjectNode messageStart(int inputTokens) {
    ObjectNode event = type("message_start");
    ObjectNode message = header();
    message.putArray("content");
    message.putNull("stop_reason");
    message.putNull("stop_sequence");
    ObjectNode usage = message.putObject("usage");
    usage.put("input_tokens", inputTokens);
    usage.put("output_tokens", 0);
    event.set("message", message);
    return event;
  }

  /** {@code content_block_start}: the block as it opens (empty text, empty thinking, tool use with no input). */
  static ObjectNode blockStart(int index, AnswerPlan.Piece first) {
    ObjectNode event = type("content_block_start");
    event.put("index", index);
    event.set("content_block", switch (first.kind()) {
      case REASONING -> thinking("");
      case CONTENT -> text("");
      case TOOL_START, TOOL_ARGUMENTS -> toolUse(first.toolId(), first.toolName(), SimJson.object());
    });
    return event;
  }

  /** {@code content_block_delta}: {@code text_delta}, {@code thinking_delta} or {@code input_json_delta}. */
  static ObjectNode blockDelta(int index, AnswerPlan.Piece piece) {
    ObjectNode event = type("content_block_delta");
    event.put("index", index);
    ObjectNode delta = event.putObject("delta");
    switch (piece.kind()) {
      case REASONING -> delta.put("type", "thinking_delta").put("thinking", piece.text());
      case CONTENT -> delta.put("type", "text_delta").put("text", piece.text());
      case TOOL_START, TOOL_ARGUMENTS -> delta.put("type", "input_json_delta").put("partial_json", piece.text());
    }
    return event;
  }

  static ObjectNode blockStop(int index) {
    return type("content_block_stop").put("index", index);
  }

  /** {@code message_delta}: the stop reason and the output tokens, once every block is closed. */
  static ObjectNode messageDelta(String stopReason, int outputTokens) {
    ObjectNode event = type("message_delta");
    event.putObject("delta").put("stop_reason", stopReason).putNull("stop_sequence");
    event.putObject("usage").put("output_tokens", outputTokens);
    return event;
  }

  static ObjectNode messageStop() {
    return type("message_stop");
  }

  /** The non-streaming answer: one {@code type:"message"} with every block whole. */
  ObjectNode message(ArrayNode content, String stopReason, Usage usage) {
    ObjectNode message = header();
    message.set("content", content);
    message.put("stop_reason", stopReason);
    message.putNull("stop_sequence");
    ObjectNode counts = message.putObject("usage");
    counts.put("input_tokens", usage.prompt());
    counts.put("output_tokens", usage.completion());
    return message;
  }

  static ObjectNode text(String text) {
    return type("text").put("text", text);
  }

  /** A thinking block; {@code signature} is empty, since a local model signs nothing (assumed). */
  static ObjectNode thinking(String thinking) {
    return type("thinking").put("thinking", thinking).put("signature", "");
  }

  static ObjectNode toolUse(String id, String name, JsonNode input) {
    ObjectNode block = type("tool_use").put("id", id).put("name", name);
    block.set("input", input);
    return block;
  }

  /** A tool call's arguments as the object {@code input} holds; text that is no JSON object becomes {@code {}}. */
  static JsonNode input(String arguments) {
    try {
      JsonNode parsed = SimJson.parse(arguments);
      return parsed != null && parsed.isObject() ? parsed : SimJson.object();
    } catch (JsonProcessingException e) {
      return SimJson.object();
    }
  }

  /** Anthropic's error object: {@code {"type":"error","error":{"type":...,"message":...}}}. */
  static ObjectNode error(String type, String message) {
    ObjectNode root = type("error");
    root.putObject("error").put("type", type).put("message", message);
    return root;
  }

  /**
   * A failure of this route's own making (model resolution, JIT load, images) in Anthropic's shape, keeping its
   * status and message; bodies that carry no message (an HTML page) pass unchanged.
   */
  static SimulatorFailure asAnthropic(SimulatorFailure failure) {
    String message;
    try {
      JsonNode error = SimJson.parse(failure.body()).path("error");
      message = error.isTextual() ? error.asText() : error.path("message").asText(null);
    } catch (JsonProcessingException e) {
      message = null;
    }
    if (message == null) {
      return failure;
    }
    return SimulatorFailure.anthropic(failure.status(), errorType(failure.status()), message);
  }

  /** Anthropic's error type for an HTTP status. */
  static String errorType(int status) {
    return switch (status) {
      case 400 -> "invalid_request_error";
      case 401 -> "authentication_error";
      case 403 -> "permission_error";
      case 404 -> "not_found_error";
      case 413 -> "request_too_large";
      case 429 -> "rate_limit_error";
      case 529 -> "overloaded_error";
      default -> "api_error";
    };
  }

  private ObjectNode header() {
    ObjectNode message = SimJson.object();
    message.put("id", id);
    message.put("type", "message");
    message.put("role", "assistant");
    message.put("model", model);
    return message;
  }

  private static ObjectNode type(String type) {
    return SimJson.object().put("type", type);
  }
}
