package io.github.ollamalmstudioproxy.translate.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ollamalmstudioproxy.ollama.Json;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import io.github.ollamalmstudioproxy.translate.BackendDialect;
import io.github.ollamalmstudioproxy.translate.Fields;
import io.github.ollamalmstudioproxy.translate.PrefixKey;
import io.github.ollamalmstudioproxy.translate.ResponseFormat;
import io.github.ollamalmstudioproxy.translate.Think;
import java.util.ArrayList;
import java.util.List;

/**
 * A validated OpenAI Responses ({@code POST /v1/responses}) body: the subset Codex and Copilot CLI send, already
 * converted to the parts of a chat completions request ({@link ResponsesToOpenAi} adds the backend's model id and
 * the dialect-dependent {@code response_format}), plus what the answer echoes back.
 *
 * <p>Follows Ollama's {@code FromResponsesRequest} ({@code openai/responses.go}), with its wording where it has one.
 * Stateless, as Ollama is: {@code store} is accepted and answered {@code false}, {@code previous_response_id} and
 * {@code conversation} are ignored (named in {@link #ignored()}), so a client must send the whole conversation, as
 * Codex and Copilot CLI do.
 */
public final class ResponsesRequest {
  private final String model;
  private final boolean stream;
  private final boolean dropReasoning;
  private final ObjectNode partial;
  /** {@code text.format} {@code json_object}: written for the dialect. */
  private final boolean jsonObject;
  private final Echo echo;
  private final List<String> ignored;

  /**
   * What the response object repeats of the request (Ollama's {@code buildResponseObject}).
   *
   * @param instructions null when absent
   * @param tools the request's tools as sent, never null
   * @param toolChoice as sent, {@code "auto"} when absent
   * @param textFormat as sent, {@code {"type":"text"}} when absent
   * @param reasoning {@code {"effort":…,"summary":…}} or null
   * @param maxOutputTokens -1 when absent
   */
  record Echo(String instructions, ArrayNode tools, JsonNode toolChoice, JsonNode textFormat, JsonNode reasoning,
      double temperature, double topP, long maxOutputTokens, String truncation, boolean parallelToolCalls) {}

  private ResponsesRequest(String model, boolean stream, boolean dropReasoning, ObjectNode partial,
      boolean jsonObject, Echo echo, List<String> ignored) {
    this.model = model;
    this.stream = stream;
    this.dropReasoning = dropReasoning;
    this.partial = partial;
    this.jsonObject = jsonObject;
    this.echo = echo;
    this.ignored = List.copyOf(ignored);
  }

  /** The model exactly as the client sent it: resolved by the caller, echoed in the answer. */
  public String model() {
    return model;
  }

  /** {@code stream:true}: SSE events; else one Response object (the proxy streams upstream either way). */
  public boolean stream() {
    return stream;
  }

  /** {@code reasoning.effort:"none"}: reasoning that still arrives is dropped. */
  public boolean dropReasoning() {
    return dropReasoning;
  }

  /** Request features the backend cannot honour, for a debug log. */
  public List<String> ignored() {
    return ignored;
  }

  Echo echo() {
    return echo;
  }

  /** The affinity key of the conversation ({@link PrefixKey}), from the messages as translated. */
  public long prefixKey() {
    return PrefixKey.ofChatMessages(partial.get("messages"));
  }

  /** The chat completions body without {@code model}, {@code stream} and {@code stream_options}. */
  ObjectNode partial(BackendDialect dialect) {
    if (!jsonObject) {
      return partial;
    }
    ObjectNode copy = partial.deepCopy();
    copy.set("response_format", new ResponseFormat(null).toOpenAi(dialect));
    return copy;
  }

  /**
   * Validates and converts the body.
   *
   * @throws OllamaError 400 for an invalid request (rendered by {@link ResponsesErrors})
   */
  public static ResponsesRequest parse(JsonNode json) {
    ObjectNode body = Fields.body(json);
    String model = Fields.string(body, "model", "model");
    if (Fields.isEmpty(model)) {
      throw OllamaError.badRequest("model is required");
    }
    boolean stream = Fields.bool(body, "stream", false);
    List<String> ignored = new ArrayList<>();
    for (String stateful : new String[] {"previous_response_id", "conversation"}) {
      if (Fields.get(body, stateful) != null) {
        ignored.add(stateful);
      }
    }
    if (Fields.bool(body, "background", false)) {
      ignored.add("background");
    }

    ObjectNode out = Json.NODES.objectNode();
    ArrayNode messages = out.putArray("messages");
    String instructions = Fields.string(body, "instructions", "instructions");
    if (!Fields.isEmpty(instructions)) {
      messages.addObject().put("role", "system").put("content", instructions);
    }
    ResponsesInput.convert(Fields.get(body, "input"), messages, ignored);

    ArrayNode requestTools = Fields.array(body, "tools", "tools");
    ArrayNode tools = ResponsesTools.tools(requestTools, ignored);
    JsonNode toolChoice = Fields.get(body, "tool_choice");
    ResponsesTools.toolChoice(toolChoice, tools, out);
    JsonNode parallel = Fields.get(body, "parallel_tool_calls");
    boolean parallelToolCalls = Fields.bool(body, "parallel_tool_calls", true);
    if (parallel != null && tools != null) {
      out.put("parallel_tool_calls", parallelToolCalls);
    }

    long maxOutputTokens = -1;
    if (Fields.get(body, "max_output_tokens") != null) {
      JsonNode v = body.get("max_output_tokens");
      if (!v.isIntegralNumber()) {
        throw Fields.badType("max_output_tokens", "an integer", v);
      }
      maxOutputTokens = v.longValue();
      if (maxOutputTokens > 0) {
        out.put("max_tokens", maxOutputTokens);
      }
    }
    double temperature = number(body, "temperature", out);
    double topP = number(body, "top_p", out);

    ObjectNode reasoning = Fields.object(body, "reasoning", "reasoning");
    String effort = reasoning == null ? null : Fields.string(reasoning, "effort", "reasoning.effort");
    Think think = think(effort);
    if (think != null) {
      out.put("reasoning_effort", think.reasoningEffort());
    }
    JsonNode reasoningEcho = null;
    String summary = reasoning == null ? null : Fields.string(reasoning, "summary", "reasoning.summary");
    if (!Fields.isEmpty(effort) || !Fields.isEmpty(summary)) {
      ObjectNode r = Json.NODES.objectNode();
      r.put("effort", Fields.isEmpty(effort) ? null : effort);
      r.put("summary", Fields.isEmpty(summary) ? null : summary);
      reasoningEcho = r;
    }

    ObjectNode text = Fields.object(body, "text", "text");
    ObjectNode format = text == null ? null : Fields.object(text, "format", "text.format");
    boolean jsonObject = format(format, out);

    String truncation = Fields.string(body, "truncation", "truncation");
    Echo echo = new Echo(Fields.isEmpty(instructions) ? null : instructions,
        requestTools == null ? Json.NODES.arrayNode() : requestTools,
        toolChoice == null ? Json.NODES.textNode("auto") : toolChoice,
        format == null ? Json.NODES.objectNode().put("type", "text") : format,
        reasoningEcho, Double.isNaN(temperature) ? 1.0 : temperature, Double.isNaN(topP) ? 1.0 : topP,
        maxOutputTokens, Fields.isEmpty(truncation) ? "disabled" : truncation, parallelToolCalls);
    return new ResponsesRequest(model, stream, think != null && !think.enabled(), out, jsonObject, echo, ignored);
  }

  /**
   * Ollama's {@code thinkFromReasoningEffort}: {@code minimal} is {@code low}, {@code xhigh} and {@code ultra} are
   * {@code max}, {@code none} turns reasoning off; then the proxy's usual levels ({@code max} is {@code high}).
   */
  private static Think think(String effort) {
    if (Fields.isEmpty(effort)) {
      return null;
    }
    switch (effort) {
      case "none":
        return new Think(false, null);
      case "minimal":
        return new Think(true, "low");
      case "low":
      case "medium":
      case "high":
      case "max":
        return new Think(true, effort);
      case "xhigh":
      case "ultra":
        return new Think(true, "max");
      default:
        throw OllamaError.badRequest("invalid reasoning value: \"" + effort + "\" (must be \"minimal\", \"low\", "
            + "\"medium\", \"high\", \"xhigh\", \"ultra\", \"max\", or \"none\")");
    }
  }

  /**
   * {@code json_schema} becomes OpenAI's {@code json_schema} with the client's name and strictness; {@code
   * json_object} is written for the dialect ({@link ResponseFormat}); {@code text} is the default.
   *
   * @return true for {@code json_object}
   */
  private static boolean format(ObjectNode format, ObjectNode out) {
    if (format == null) {
      return false;
    }
    String type = Fields.string(format, "type", "text.format.type");
    if (type == null || type.equals("text")) {
      return false;
    }
    if (type.equals("json_object")) {
      return true;
    }
    if (!type.equals("json_schema")) {
      throw OllamaError.badRequest("invalid text.format type: \"" + type
          + "\" (must be \"text\", \"json_schema\" or \"json_object\")");
    }
    ObjectNode schema = Fields.object(format, "schema", "text.format.schema");
    if (schema == null) {
      throw OllamaError.badRequest("text.format.schema is required for type \"json_schema\"");
    }
    String name = Fields.string(format, "name", "text.format.name");
    ObjectNode inner = Json.NODES.objectNode().put("name", Fields.isEmpty(name) ? "schema" : name);
    if (Fields.get(format, "strict") != null) {
      inner.put("strict", Fields.bool(format, "strict", false));
    }
    inner.set("schema", schema);
    out.putObject("response_format").put("type", "json_schema").set("json_schema", inner);
    return false;
  }

  /** @return NaN when absent */
  private static double number(ObjectNode body, String field, ObjectNode out) {
    JsonNode value = Fields.get(body, field);
    if (value == null) {
      return Double.NaN;
    }
    if (!value.isNumber()) {
      throw Fields.badType(field, "a number", value);
    }
    out.set(field, value);
    return value.doubleValue();
  }
}
