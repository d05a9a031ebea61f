package io.github.ollamalmstudioproxy.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * Builds chat completion JSON with the key order of LM Studio captures (reference §2.2).
 *
 * <p>Every chunk repeats id, object, created, model and system_fingerprint; model and fingerprint both echo the
 * instance actually used, which may differ from the requested name (#619).
 */
final class ChatWire {
  private final String id;
  private final long created;
  private final String model;
  private final boolean legacy;
  private final String reasoningField;

  ChatWire(String id, long created, String model, boolean legacy, String reasoningField) {
    this.id = id;
    this.created = created;
    this.model = model;
    this.legacy = legacy;
    this.reasoningField = reasoningField;
  }

  /**
   * The delta for one piece. The 0.4 profile puts {@code role} only in the first delta; the 0.3 profile repeats it in
   * every delta, as 0.3.9–0.3.16 captures do, so proxies are tested against both.
   */
  ObjectNode delta(AnswerPlan.Piece piece, boolean first) {
    ObjectNode delta = SimJson.object();
    if (first || legacy) {
      delta.put("role", "assistant");
    }
    switch (piece.kind()) {
      case REASONING -> delta.put(reasoningField, piece.text());
      case CONTENT -> delta.put("content", piece.text());
      case TOOL_START -> {
        ObjectNode call = delta.putArray("tool_calls").addObject();
        call.put("index", piece.toolIndex());
        call.put("id", piece.toolId());
        call.put("type", "function");
        call.putObject("function").put("name", piece.toolName()).put("arguments", "");
      }
      case TOOL_ARGUMENTS -> {
        ObjectNode call = delta.putArray("tool_calls").addObject();
        call.put("index", piece.toolIndex());
        call.putObject("function").put("arguments", piece.text());
      }
    }
    return delta;
  }

  /** A {@code chat.completion.chunk} with one choice; {@code finishReason} null while streaming. */
  ObjectNode chunk(ObjectNode delta, String finishReason) {
    return chunk(delta, null, finishReason);
  }

  /** The same with the chunk's {@code logprobs} object (null writes {@code "logprobs":null}, as LM Studio does). */
  ObjectNode chunk(ObjectNode delta, ObjectNode logprobs, String finishReason) {
    ObjectNode chunk = header("chat.completion.chunk");
    chunk.put("system_fingerprint", model);
    ObjectNode choice = chunk.putArray("choices").addObject();
    choice.put("index", 0);
    choice.set("delta", delta);
    if (logprobs != null) {
      choice.set("logprobs", logprobs);
    } else {
      choice.putNull("logprobs");
    }
    choice.put("finish_reason", finishReason);
    return chunk;
  }

  /** The {@code include_usage} chunk: {@code "choices":[]} and a full usage object. */
  ObjectNode usageChunk(Usage usage) {
    ObjectNode chunk = header("chat.completion.chunk");
    chunk.put("system_fingerprint", model);
    chunk.putArray("choices");
    chunk.set("usage", usage.toJson(false));
    return chunk;
  }

  /**
   * The non-streaming body. The 0.4 profile always has {@code reasoning_content} ({@code ""} if none),
   * {@code tool_calls} ({@code []} if none), reasoning details in usage and {@code stats:{}}; 0.3 omits them.
   *
   * @param calls tool calls by index as {@code [id, name, arguments]}
   * @param v0 extras for {@code /api/v0}: its own stats, model_info and runtime instead of {@code stats:{}}
   * @param logprobs the content tokens' entries, or null for {@code "logprobs":null}
   */
  ObjectNode completion(String content, String reasoning, Map<Integer, String[]> calls, String finishReason,
      Usage usage, V0Extras v0, ArrayNode logprobs) {
    ObjectNode body = header("chat.completion");
    ObjectNode choice = body.putArray("choices").addObject();
    choice.put("index", 0);
    ObjectNode message = choice.putObject("message");
    message.put("role", "assistant");
    message.put("content", content);
    if (!legacy || !reasoning.isEmpty()) {
      message.put(reasoningField, reasoning);
    }
    if (!legacy || !calls.isEmpty()) {
      ArrayNode toolCalls = message.putArray("tool_calls");
      calls.values().forEach(c -> {
        ObjectNode call = toolCalls.addObject();
        call.put("type", "function");
        call.put("id", c[0]);
        call.putObject("function").put("name", c[1]).put("arguments", c[2]);
      });
    }
    if (logprobs != null) {
      choice.putObject("logprobs").set("content", logprobs);
    } else {
      choice.putNull("logprobs");
    }
    choice.put("finish_reason", finishReason);
    body.set("usage", usage.toJson(!legacy));
    if (v0 != null) {
      v0.addTo(body);
    } else if (!legacy) {
      body.putObject("stats");
    }
    body.put("system_fingerprint", model);
    return body;
  }

  private ObjectNode header(String object) {
    ObjectNode node = SimJson.object();
    node.put("id", id);
    node.put("object", object);
    node.put("created", created);
    node.put("model", model);
    return node;
  }
}
