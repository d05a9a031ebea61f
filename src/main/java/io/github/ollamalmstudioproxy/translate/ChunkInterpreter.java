package io.github.ollamalmstudioproxy.translate;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.github.ollamalmstudioproxy.ollama.Json;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import io.github.ollamalmstudioproxy.translate.ChunkParser.Chunk;
import io.github.ollamalmstudioproxy.translate.ChunkParser.Counts;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * What each upstream chunk of one stream means: the output it carries, the tool calls, the usage and the token
 * timestamps. Shared by both modes of {@link StreamTranslator} and by the translators of the other client APIs
 * ({@code translate/anthropic}, {@code translate/responses}); it knows nothing of how the result is written.
 */
public final class ChunkInterpreter {
  private static final String ID_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789";

  private final StreamSettings settings;
  private final RequestTimes times;
  private final ChunkParser parser;
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
  private List<TokenLogprob> logprobs = List.of();
  private boolean nativeStreamEnded;

  public ChunkInterpreter(StreamSettings settings, RequestTimes times) {
    this.settings = settings;
    this.times = times;
    this.parser = new ChunkParser(settings.logprobs(), settings.nativeLlamaStream());
    this.splitter = settings.splitThinkTags() ? new ThinkTagSplitter() : null;
  }

  /**
   * Interprets one SSE event and returns the output to pass on ({@link Piece#NONE} when there is none).
   *
   * @throws OllamaError when the event reports a failure or cannot be read
   */
  public Piece accept(String eventType, String data, long now) {
    byte[] bytes = data.getBytes(UTF_8);
    return accept(eventType, bytes, 0, bytes.length, now);
  }

  /** The same for the event's UTF-8 bytes (the decoder's, read only during the call): no {@code String} per token. */
  public Piece accept(String eventType, byte[] data, int off, int len, long now) {
    logprobs = List.of();
    if ("error".equals(eventType)) {
      throw BackendErrors.classifyStreamed(new String(data, off, len, UTF_8)).toOllamaError(settings.clientModel());
    }
    Chunk chunk;
    try {
      chunk = parser.parse(data, off, len, tools);
    } catch (IOException | RuntimeException e) {
      throw new OllamaError(500, "invalid chunk from backend: " + detail(e));
    }
    if (chunk.hasError()) {
      throw BackendErrors.classifyStreamed(new String(data, off, len, UTF_8)).toOllamaError(settings.clientModel());
    }
    record(chunk);
    logprobs = chunk.logprobs();
    nativeStreamEnded = chunk.lastOfNativeStream();
    String content = chunk.content();
    String reasoning = chunk.reasoning();
    if (!isEmpty(content) || !isEmpty(reasoning) || chunk.toolFragment()) {
      if (firstToken < 0) {
        firstToken = now;
      }
      lastToken = now;
    }
    if (splitter != null && !isEmpty(content)) {
      Piece split = splitter.accept(content);
      if (isEmpty(reasoning) && (split.thinking() == null || !settings.dropReasoning())) {
        return split;
      }
      content = split.content();
      reasoning = concat(reasoning, split.thinking());
    }
    return output(content, reasoning);
  }

  /**
   * The log probabilities the last event carried (empty when none). They go out with that event's output, or alone
   * when the think-tag splitter holds the text back, as {@code server/routes.go} lines 2874-2879 send them "while
   * content is being buffered".
   */
  List<TokenLogprob> logprobs() {
    return logprobs;
  }

  /** The last event was the {@code stop:true} chunk of a native llama-server stream, which ends it. */
  boolean nativeStreamEnded() {
    return nativeStreamEnded;
  }

  /** The stream is over: the parser's buffers are given back (a later chunk would get a fresh parser). */
  void release() {
    parser.release();
  }

  /** End of output: anything the think-tag splitter held back. */
  public Piece flush() {
    if (splitter == null) {
      return Piece.NONE;
    }
    Piece held = splitter.flush();
    return output(held.content(), held.thinking());
  }

  /**
   * The tool calls, with validated arguments.
   *
   * @throws OllamaError when some arguments are not a JSON object (Ollama clients require one)
   */
  public List<ToolCallOut> toolCalls() {
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
        throw new OllamaError(500, "backend returned invalid tool call arguments for \"" + call.name + "\"");
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

  /** Characters of tool-call arguments held until the end of the stream. */
  long toolArgumentChars() {
    return tools.argumentChars();
  }

  /** Prompt tokens as the backend reported them (usage, else llama-server's timings); -1 when it did not. */
  public long promptEvalCount() {
    return promptTokens >= 0 ? promptTokens
        : timingsPromptN >= 0 ? timingsPromptN + Math.max(0, timingsCacheN) : -1;
  }

  /** Generated tokens as the backend reported them; -1 when it did not. */
  public long evalCount() {
    return completionTokens >= 0 ? completionTokens : timingsPredictedN;
  }

  /** The backend's last {@code finish_reason} ({@code "stop"}, {@code "length"}, {@code "tool_calls"}, …), or null. */
  public String finishReason() {
    return finishReason;
  }

  FinalStats finish(long now, boolean cancelled, boolean partial) {
    long promptEvalEnd = firstToken >= 0 ? firstToken : now;
    return new FinalStats(
        cancelled ? StreamTranslator.CANCELLED : "length".equals(finishReason) ? "length" : "stop",
        cancelled,
        partial,
        now - times.requestStartNanos(),
        times.loadDurationNanos(),
        promptEvalCount(),
        promptEvalEnd - times.upstreamSentNanos(),
        evalCount(),
        firstToken >= 0 ? lastToken - firstToken : -1);
  }

  private void record(Chunk chunk) {
    if (chunk.finishReason() != null) {
      finishReason = chunk.finishReason();
    }
    Counts counts = chunk.counts();
    if (counts == null) {
      return;
    }
    promptTokens = latest(promptTokens, counts.promptTokens());
    completionTokens = latest(completionTokens, counts.completionTokens());
    timingsPromptN = latest(timingsPromptN, counts.timingsPromptN());
    timingsCacheN = latest(timingsCacheN, counts.timingsCacheN());
    timingsPredictedN = latest(timingsPredictedN, counts.timingsPredictedN());
  }

  private static long latest(long known, long reported) {
    return reported >= 0 ? reported : known;
  }

  private Piece output(String content, String reasoning) {
    return Piece.of(content, settings.dropReasoning() ? null : reasoning);
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
    return e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage();
  }

  private static String concat(String a, String b) {
    return isEmpty(a) ? b : isEmpty(b) ? a : a + b;
  }

  private static boolean isEmpty(String s) {
    return s == null || s.isEmpty();
  }
}
