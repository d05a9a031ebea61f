package io.github.ollamalmstudioproxy.translate;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The per-request state shared by the streaming and the aggregating translator: what one upstream chunk means, the
 * tool calls, the usage and the token timestamps. It knows nothing of how the result is written.
 */
final class StreamCore {
  private static final String ID_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789";

  private final StreamSettings settings;
  private final RequestTimes times;
  private final ChunkParser parser = new ChunkParser();
  private final ThinkTagSplitter splitter;
  private final ToolCallAccumulator tools = new ToolCallAccumulator();

  private String finishReason;
  private long promptTokens = -1;
  private long completionTokens = -1;
  private long timingsPromptN = -1;
  private long timingsCacheN = -1;
  private long timingsPredictedN = -1;
  private long firstToken = -1;
  private long lastToken = -1;
  private SplittableRandom ids;

  /** Result of the last {@link #accept} or {@link #flush}: the output to pass on, null when there is none. */
  String content;
  String thinking;
  /** Set when {@link #accept} or {@link #toolCalls} failed. */
  String error;

  StreamCore(StreamSettings settings, RequestTimes times) {
    this.settings = settings;
    this.times = times;
    this.splitter = settings.splitThinkTags() ? new ThinkTagSplitter() : null;
  }

  /** Interprets one SSE event. Returns false, with {@link #error} set, when the event reports a failure. */
  boolean accept(String eventType, String data, long now) {
    content = null;
    thinking = null;
    if ("error".equals(eventType)) {
      error = BackendErrors.message(data);
      return false;
    }
    try {
      parser.parse(data, tools);
    } catch (IOException | RuntimeException e) {
      error = "invalid chunk from backend: " + detail(e);
      return false;
    }
    if (parser.hasError) {
      error = BackendErrors.message(data);
      return false;
    }
    record();
    String c = parser.content;
    String r = parser.reasoning;
    if (!isEmpty(c) || !isEmpty(r) || parser.toolFragment) {
      if (firstToken < 0) {
        firstToken = now;
      }
      lastToken = now;
    }
    if (splitter != null && !isEmpty(c)) {
      splitter.accept(c);
      c = splitter.content;
      r = concat(r, splitter.thinking);
    }
    output(c, r);
    return true;
  }

  /** End of output: anything the think-tag splitter held back. */
  void flush() {
    content = null;
    thinking = null;
    if (splitter != null) {
      splitter.flush();
      output(splitter.content, splitter.thinking);
    }
  }

  /** The tool calls with validated arguments; null, with {@link #error} set, when some arguments are not JSON. */
  List<ToolCallOut> toolCalls() {
    if (tools.isEmpty()) {
      return List.of();
    }
    List<ToolCallOut> out = new ArrayList<>();
    for (ToolCallAccumulator.Call call : tools.calls()) {
      String args = call.arguments.toString();
      if (args.isBlank()) {
        args = "{}";
      }
      if (!isObject(args)) {
        error = "backend returned invalid tool call arguments for \"" + call.name + "\"";
        return null;
      }
      out.add(new ToolCallOut(call.id == null || call.id.isEmpty() ? syntheticId() : call.id, call.name, args));
    }
    return out;
  }

  /**
   * Ollama's own form, {@code call_} and 8 of {@code [a-z0-9]}. Seeded by the request's start time: unique enough
   * within one conversation (the only scope where ids are matched) and reproducible in tests.
   */
  private String syntheticId() {
    if (ids == null) {
      ids = new SplittableRandom(times.requestStartNanos());
    }
    char[] id = {'c', 'a', 'l', 'l', '_', 0, 0, 0, 0, 0, 0, 0, 0};
    for (int i = 5; i < id.length; i++) {
      id[i] = ID_CHARS.charAt(ids.nextInt(ID_CHARS.length()));
    }
    return new String(id);
  }

  /** Prompt tokens as the backend reported them (usage, else llama-server's timings); -1 when it did not. */
  long promptEvalCount() {
    return promptTokens >= 0 ? promptTokens
        : timingsPromptN >= 0 ? timingsPromptN + Math.max(0, timingsCacheN) : -1;
  }

  /** Generated tokens as the backend reported them; -1 when it did not. */
  long evalCount() {
    return completionTokens >= 0 ? completionTokens : timingsPredictedN;
  }

  FinalStats finish(long now, boolean cancelled, boolean partial) {
    long promptEvalCount = promptEvalCount();
    long evalCount = evalCount();
    long promptEvalEnd = firstToken >= 0 ? firstToken : now;
    return new FinalStats(
        "length".equals(finishReason) ? "length" : "stop",
        cancelled,
        partial,
        now - times.requestStartNanos(),
        times.loadDurationNanos(),
        promptEvalCount,
        promptEvalEnd - times.upstreamSentNanos(),
        evalCount,
        firstToken >= 0 ? lastToken - firstToken : -1);
  }

  private void record() {
    if (parser.finishReason != null) {
      finishReason = parser.finishReason;
    }
    if (parser.promptTokens >= 0) {
      promptTokens = parser.promptTokens;
    }
    if (parser.completionTokens >= 0) {
      completionTokens = parser.completionTokens;
    }
    if (parser.timingsPromptN >= 0) {
      timingsPromptN = parser.timingsPromptN;
    }
    if (parser.timingsCacheN >= 0) {
      timingsCacheN = parser.timingsCacheN;
    }
    if (parser.timingsPredictedN >= 0) {
      timingsPredictedN = parser.timingsPredictedN;
    }
  }

  private void output(String c, String r) {
    content = isEmpty(c) ? null : c;
    thinking = settings.dropReasoning() || isEmpty(r) ? null : r;
  }

  /** Ollama clients require {@code arguments} to be an object, so anything else (or broken JSON) is an error. */
  private static boolean isObject(String json) {
    try (JsonParser p = Json.FACTORY.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return false;
      }
      p.skipChildren();
      return p.nextToken() == null;
    } catch (IOException e) {
      return false;
    }
  }

  private static String detail(Exception e) {
    return e instanceof JsonProcessingException ? ((JsonProcessingException) e).getOriginalMessage() : e.getMessage();
  }

  private static String concat(String a, String b) {
    return isEmpty(a) ? b : isEmpty(b) ? a : a + b;
  }

  private static boolean isEmpty(String s) {
    return s == null || s.isEmpty();
  }
}
