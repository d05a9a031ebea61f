package io.github.ollamalmstudioproxy.translate;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.List;

/**
 * Reads the fields that matter from one OpenAI stream chunk with the streaming parser: no tree per token.
 *
 * <p>Understood: {@code choices[0].delta.{content, reasoning_content, reasoning, tool_calls}}, {@code choices[0].text}
 * (completions), {@code choices[0].finish_reason}, {@code choices[0].logprobs} when the client asked for them
 * ({@link LogprobsParser}), {@code usage} (in its own {@code choices:[]} chunk or inline in the finish chunk) and
 * llama-server's {@code timings}. A top-level {@code error} key is flagged. In llama-server's native stream
 * ({@code /infill}) the text is the top-level {@code content}, the last chunk says {@code stop:true} with a
 * {@code stop_type}, and log probabilities are {@code completion_probabilities}. Everything else is skipped. Each {@link #parse} returns its own {@link Chunk}; the fields below are scratch space for one parse.
 */
final class ChunkParser {
  /**
   * What one chunk said.
   *
   * @param content the content (or completion text) delta, null when absent
   * @param reasoning the reasoning delta from {@code reasoning_content}, else {@code reasoning}; null when absent
   * @param finishReason null until the finish chunk
   * @param toolFragment the chunk carried a tool-call fragment (already handed to the accumulator)
   * @param hasError the chunk is an error object, not a completion chunk
   * @param counts null unless the chunk reported usage or timings
   * @param logprobs the tokens' log probabilities; empty when none were asked for or sent
   * @param lastOfNativeStream a native llama-server chunk with {@code stop:true}: that stream sends no {@code [DONE]}
   */
  record Chunk(String content, String reasoning, String finishReason, boolean toolFragment, boolean hasError,
      Counts counts, List<TokenLogprob> logprobs, boolean lastOfNativeStream) {}

  /** Token counts a chunk reported; -1 for each one it did not. */
  record Counts(long promptTokens, long completionTokens, long timingsPromptN, long timingsCacheN,
      long timingsPredictedN) {}

  /** Null when the client asked for no log probabilities: they are then skipped unread. */
  private final LogprobsRequest wanted;
  private final boolean nativeStream;
  private final ChunkReader reader = new ChunkReader();
  private String content;
  private String reasoning;
  private String reasoningAlt;
  private String finishReason;
  private boolean toolFragment;
  private boolean hasError;
  private boolean counted;
  private long promptTokens;
  private long completionTokens;
  private long timingsPromptN;
  private long timingsCacheN;
  private long timingsPredictedN;
  private List<TokenLogprob> logprobs;
  private boolean nativeStop;
  private String nativeStopType;

  /**
   * @param wanted null when the client asked for no log probabilities
   * @param nativeStream the chunks are llama-server's native ones ({@code /infill}), not OpenAI's
   */
  ChunkParser(LogprobsRequest wanted, boolean nativeStream) {
    this.wanted = wanted;
    this.nativeStream = nativeStream;
  }

  /**
   * Parses one chunk; tool-call fragments go straight to {@code tools}.
   *
   * @throws IOException for invalid JSON or a chunk that is not an object
   */
  Chunk parse(byte[] json, int off, int len, ToolCallAccumulator tools) throws IOException {
    content = null;
    reasoning = null;
    reasoningAlt = null;
    finishReason = null;
    toolFragment = false;
    hasError = false;
    counted = false;
    promptTokens = completionTokens = -1;
    timingsPromptN = timingsCacheN = timingsPredictedN = -1;
    logprobs = List.of();
    nativeStop = false;
    nativeStopType = null;
    if (!startsObject(json, off, len)) {
      throw new IOException("chunk is not a JSON object");
    }
    boolean ok = false;
    try {
      JsonParser p = reader.start(json, off, len);
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("chunk is not a JSON object");
      }
      String name;
      while ((name = p.nextFieldName()) != null) {
        JsonToken value = p.nextToken();
        switch (name) {
          case "choices":
            if (value == JsonToken.START_ARRAY) {
              choices(p, tools);
            } else {
              p.skipChildren();
            }
            break;
          case "usage":
            usage(p, value);
            break;
          case "timings":
            timings(p, value);
            break;
          case "error":
            hasError = value != JsonToken.VALUE_NULL;
            p.skipChildren();
            break;
          default:
            if (!nativeStream || !nativeField(p, name, value)) {
              p.skipChildren();
            }
        }
      }
      ok = true;
    } finally {
      reader.done(ok);
    }
    if (nativeStop) {
      // llm/llama_server.go (v0.33.0-rc2) lines 1713-1717: stop_type "limit" is the token limit, anything else a stop.
      finishReason = "limit".equals(nativeStopType) ? "length" : "stop";
    }
    // Some servers send both fields with the same text; reasoning_content is the older, more common one.
    String thinking = reasoning == null || reasoning.isEmpty() ? reasoningAlt : reasoning;
    Counts counts = counted
        ? new Counts(promptTokens, completionTokens, timingsPromptN, timingsCacheN, timingsPredictedN) : null;
    return new Chunk(content, thinking, finishReason, toolFragment, hasError, counts, logprobs, nativeStop);
  }

  /** The stream is over: the parser's buffers go back to Jackson's pool. */
  void release() {
    reader.done(false);
  }

  /**
   * Whether the first byte past leading whitespace opens an object. Checked on the bytes because the non-blocking
   * parser cannot tell where a bare number at the end of its input ends.
   */
  private static boolean startsObject(byte[] json, int off, int len) {
    for (int i = off, end = off + len; i < end; i++) {
      byte b = json[i];
      if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
        return b == '{';
      }
    }
    return false;
  }

  /** A top-level field of llama-server's native chunk; false when it is not one (the caller skips it). */
  private boolean nativeField(JsonParser p, String name, JsonToken value) throws IOException {
    switch (name) {
      case "content" -> content = string(p, value);
      case "stop" -> nativeStop = value == JsonToken.VALUE_TRUE;
      case "stop_type" -> nativeStopType = string(p, value);
      case "completion_probabilities" -> {
        if (wanted != null && value == JsonToken.START_ARRAY) {
          logprobs = LogprobsParser.entries(p, wanted.includeTop());
        } else {
          p.skipChildren();
        }
      }
      default -> {
        return false;
      }
    }
    return true;
  }

  /** Only the first choice: the proxy never asks for {@code n > 1}. */
  private void choices(JsonParser p, ToolCallAccumulator tools) throws IOException {
    boolean first = true;
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY && t != null; t = p.nextToken()) {
      if (first && t == JsonToken.START_OBJECT) {
        choice(p, tools);
      } else {
        p.skipChildren();
      }
      first = false;
    }
  }

  private void choice(JsonParser p, ToolCallAccumulator tools) throws IOException {
    String name;
    while ((name = p.nextFieldName()) != null) {
      JsonToken value = p.nextToken();
      switch (name) {
        case "delta":
        case "message":
          if (value == JsonToken.START_OBJECT) {
            delta(p, tools);
          } else {
            p.skipChildren();
          }
          break;
        case "text":
          content = string(p, value);
          break;
        case "finish_reason":
          finishReason = string(p, value);
          break;
        case "logprobs":
          if (wanted != null && value == JsonToken.START_OBJECT) {
            logprobs = LogprobsParser.choice(p, wanted.includeTop());
          } else {
            p.skipChildren();
          }
          break;
        default:
          p.skipChildren();
      }
    }
  }

  private void delta(JsonParser p, ToolCallAccumulator tools) throws IOException {
    String name;
    while ((name = p.nextFieldName()) != null) {
      JsonToken value = p.nextToken();
      switch (name) {
        case "content":
          content = string(p, value);
          break;
        case "reasoning_content":
          reasoning = string(p, value);
          break;
        case "reasoning":
          reasoningAlt = string(p, value);
          break;
        case "tool_calls":
          if (value == JsonToken.START_ARRAY) {
            for (JsonToken t = p.nextToken(); t == JsonToken.START_OBJECT; t = p.nextToken()) {
              toolCall(p, tools);
            }
          } else {
            p.skipChildren();
          }
          break;
        default:
          p.skipChildren();
      }
    }
  }

  private void toolCall(JsonParser p, ToolCallAccumulator tools) throws IOException {
    int index = -1;
    String id = null;
    String fn = null;
    String args = null;
    String name;
    while ((name = p.nextFieldName()) != null) {
      JsonToken value = p.nextToken();
      if (name.equals("index") && value == JsonToken.VALUE_NUMBER_INT) {
        index = p.getIntValue();
      } else if (name.equals("id")) {
        id = string(p, value);
      } else if (name.equals("function") && value == JsonToken.START_OBJECT) {
        String f;
        while ((f = p.nextFieldName()) != null) {
          JsonToken v = p.nextToken();
          if (f.equals("name")) {
            fn = string(p, v);
          } else if (f.equals("arguments")) {
            // Some llama.cpp builds sent the arguments as an object instead of a JSON string.
            args = v == JsonToken.START_OBJECT ? p.readValueAsTree().toString() : string(p, v);
          } else {
            p.skipChildren();
          }
        }
      } else {
        p.skipChildren();
      }
    }
    toolFragment = true;
    tools.fragment(index, id, fn, args);
  }

  private void usage(JsonParser p, JsonToken value) throws IOException {
    if (value != JsonToken.START_OBJECT) {
      p.skipChildren();
      return;
    }
    String name;
    while ((name = p.nextFieldName()) != null) {
      JsonToken v = p.nextToken();
      if (name.equals("prompt_tokens")) {
        counted = true;
        promptTokens = count(p, v);
      } else if (name.equals("completion_tokens")) {
        counted = true;
        completionTokens = count(p, v);
      } else {
        p.skipChildren();
      }
    }
  }

  private void timings(JsonParser p, JsonToken value) throws IOException {
    if (value != JsonToken.START_OBJECT) {
      p.skipChildren();
      return;
    }
    counted = true;
    String name;
    while ((name = p.nextFieldName()) != null) {
      JsonToken v = p.nextToken();
      switch (name) {
        case "prompt_n":
          timingsPromptN = count(p, v);
          break;
        case "cache_n":
          timingsCacheN = count(p, v);
          break;
        case "predicted_n":
          timingsPredictedN = count(p, v);
          break;
        default:
          p.skipChildren();
      }
    }
  }

  private static String string(JsonParser p, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    p.skipChildren();
    return null;
  }

  private static long count(JsonParser p, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_NUMBER_INT) {
      return p.getLongValue();
    }
    if (value == JsonToken.VALUE_NUMBER_FLOAT) {
      return (long) p.getDoubleValue();
    }
    p.skipChildren();
    return -1;
  }
}
