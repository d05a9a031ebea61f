package io.github.ollamalmstudioproxy.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Builds the JSON of {@code POST /v1/responses}: the Response object, its output items and the stream events, each
 * event with {@code type} and {@code sequence_number} first.
 *
 * <p>Captures pin a few details (reference §2.5): named events, no {@code [DONE]}, reasoning as {@code rs_} items
 * whose text streams as {@code response.reasoning_text.delta} with {@code content_index} 0 and ends with
 * {@code response.reasoning_text.done} (pydantic/pydantic-ai#3191, earendil-works/pi#4193). The rest follows OpenAI's
 * reference: message items with one {@code output_text} part, {@code function_call} items, {@code response.incomplete}
 * for a cut answer, {@code response.failed} for an engine error. Which request fields LM Studio echoes is not
 * captured; this echoes the ones a client reads back.
 */
final class ResponsesWire {
  /** One output item as the answer builds it; {@code first} is the piece that opened it. */
  static final class Item {
    final AnswerPlan.Piece first;
    final String id;
    final StringBuilder text = new StringBuilder();
    String status = "in_progress";

    Item(AnswerPlan.Piece first) {
      this.first = first;
      this.id = Ids.responseItem(switch (first.kind()) {
        case REASONING -> "rs_";
        case CONTENT -> "msg_";
        case TOOL_START, TOOL_ARGUMENTS -> "fc_";
      });
    }

    boolean isCall() {
      return first.kind() == AnswerPlan.Kind.TOOL_START || first.kind() == AnswerPlan.Kind.TOOL_ARGUMENTS;
    }

    boolean isReasoning() {
      return first.kind() == AnswerPlan.Kind.REASONING;
    }

    boolean open() {
      return status.equals("in_progress");
    }
  }

  private final String id;
  private final long createdAt;
  private final String model;
  private final JsonNode request;

  /** @param request the request body, for the fields the Response echoes */
  ResponsesWire(String id, long createdAt, String model, JsonNode request) {
    this.id = id;
    this.createdAt = createdAt;
    this.model = model;
    this.request = request;
  }

  /**
   * The Response object. {@code status} is {@code in_progress}, {@code completed}, {@code incomplete} (then
   * {@code incomplete_details.reason} is {@code max_output_tokens}) or {@code failed} (then {@code error} carries
   * {@code errorMessage}); {@code usage} is null until the answer is complete.
   */
  ObjectNode response(String status, List<Item> output, Usage usage, String errorMessage) {
    ObjectNode response = SimJson.object();
    response.put("id", id);
    response.put("object", "response");
    response.put("created_at", createdAt);
    response.put("status", status);
    if (errorMessage == null) {
      response.putNull("error");
    } else {
      response.putObject("error").put("code", "server_error").put("message", errorMessage);
    }
    if (status.equals("incomplete")) {
      response.putObject("incomplete_details").put("reason", "max_output_tokens");
    } else {
      response.putNull("incomplete_details");
    }
    echoText(response, "instructions");
    JsonNode maxOutput = request.get("max_output_tokens");
    if (maxOutput != null && maxOutput.isIntegralNumber()) {
      response.put("max_output_tokens", maxOutput.asInt());
    } else {
      response.putNull("max_output_tokens");
    }
    response.put("model", model);
    ArrayNode items = response.putArray("output");
    output.forEach(item -> items.add(item(item)));
    response.put("parallel_tool_calls", request.path("parallel_tool_calls").asBoolean(true));
    echoText(response, "previous_response_id");
    JsonNode toolChoice = request.get("tool_choice");
    if (toolChoice != null && !toolChoice.isNull()) {
      response.set("tool_choice", toolChoice.deepCopy());
    } else {
      response.put("tool_choice", "auto");
    }
    JsonNode tools = request.get("tools");
    response.set("tools", tools != null && tools.isArray() ? tools.deepCopy() : SimJson.array());
    if (usage == null) {
      response.putNull("usage");
    } else {
      response.set("usage", usage(usage));
    }
    return response;
  }

  /** {@code response.created}, {@code response.in_progress}, {@code response.completed} and the like. */
  static ObjectNode lifecycle(String type, int seq, ObjectNode response) {
    ObjectNode event = event(type, seq);
    event.set("response", response);
    return event;
  }

  /** {@code response.output_item.added} or {@code .done}: the item as it stands. */
  static ObjectNode itemEvent(String type, int seq, int outputIndex, Item item) {
    ObjectNode event = event(type, seq);
    event.put("output_index", outputIndex);
    event.set("item", item(item));
    return event;
  }

  /** {@code response.content_part.added} or {@code .done} of a message or reasoning item's one part. */
  static ObjectNode contentPart(String type, int seq, int outputIndex, Item item) {
    ObjectNode event = indexed(type, seq, outputIndex, item);
    event.put("content_index", 0);
    event.set("part", part(item));
    return event;
  }

  /** {@code response.output_text.delta} or {@code response.reasoning_text.delta}. */
  static ObjectNode textDelta(int seq, int outputIndex, Item item, String delta) {
    ObjectNode event = indexed(item.isReasoning() ? "response.reasoning_text.delta" : "response.output_text.delta",
        seq, outputIndex, item);
    event.put("content_index", 0);
    event.put("delta", delta);
    if (!item.isReasoning()) {
      event.putArray("logprobs");
    }
    return event;
  }

  /** {@code response.output_text.done} or {@code response.reasoning_text.done}, with the whole text. */
  static ObjectNode textDone(int seq, int outputIndex, Item item) {
    ObjectNode event = indexed(item.isReasoning() ? "response.reasoning_text.done" : "response.output_text.done",
        seq, outputIndex, item);
    event.put("content_index", 0);
    event.put("text", item.text.toString());
    if (!item.isReasoning()) {
      event.putArray("logprobs");
    }
    return event;
  }

  /** {@code response.function_call_arguments.delta}. */
  static ObjectNode argumentsDelta(int seq, int outputIndex, Item item, String delta) {
    return indexed("response.function_call_arguments.delta", seq, outputIndex, item).put("delta", delta);
  }

  /** {@code response.function_call_arguments.done}, with the whole arguments string. */
  static ObjectNode argumentsDone(int seq, int outputIndex, Item item) {
    return indexed("response.function_call_arguments.done", seq, outputIndex, item)
        .put("arguments", item.text.toString());
  }

  /** An output item; an open message or reasoning item has no content yet, an open call empty arguments. */
  static ObjectNode item(Item item) {
    ObjectNode node = SimJson.object();
    node.put("id", item.id);
    if (item.isCall()) {
      node.put("type", "function_call");
      node.put("status", item.status);
      node.put("arguments", item.open() ? "" : item.text.toString());
      node.put("call_id", item.first.toolId());
      node.put("name", item.first.toolName());
      return node;
    }
    if (item.isReasoning()) {
      node.put("type", "reasoning");
      node.putArray("summary");
      ArrayNode content = node.putArray("content");
      if (!item.open()) {
        content.add(part(item));
      }
      node.put("status", item.status);
      return node;
    }
    node.put("type", "message");
    node.put("status", item.status);
    node.put("role", "assistant");
    ArrayNode content = node.putArray("content");
    if (!item.open()) {
      content.add(part(item));
    }
    return node;
  }

  /** {@code output_text} (with {@code annotations:[]}) or {@code reasoning_text}; empty while the item is open. */
  private static ObjectNode part(Item item) {
    String text = item.open() ? "" : item.text.toString();
    if (item.isReasoning()) {
      return SimJson.object().put("type", "reasoning_text").put("text", text);
    }
    ObjectNode part = SimJson.object().put("type", "output_text").put("text", text);
    part.putArray("annotations");
    return part;
  }

  private static ObjectNode usage(Usage usage) {
    ObjectNode node = SimJson.object();
    node.put("input_tokens", usage.prompt());
    node.putObject("input_tokens_details").put("cached_tokens", 0);
    node.put("output_tokens", usage.completion());
    node.putObject("output_tokens_details").put("reasoning_tokens", usage.reasoning());
    node.put("total_tokens", usage.prompt() + usage.completion());
    return node;
  }

  private void echoText(ObjectNode response, String field) {
    JsonNode value = request.get(field);
    if (value != null && value.isTextual()) {
      response.put(field, value.asText());
    } else {
      response.putNull(field);
    }
  }

  private static ObjectNode indexed(String type, int seq, int outputIndex, Item item) {
    ObjectNode event = event(type, seq);
    event.put("item_id", item.id);
    event.put("output_index", outputIndex);
    return event;
  }

  private static ObjectNode event(String type, int seq) {
    return SimJson.object().put("type", type).put("sequence_number", seq);
  }
}
