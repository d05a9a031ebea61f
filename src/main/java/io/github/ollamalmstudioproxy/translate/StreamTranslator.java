package io.github.ollamalmstudioproxy.translate;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import io.github.ollamalmstudioproxy.ollama.OllamaError;
import io.github.ollamalmstudioproxy.translate.Output.Ending;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * One upstream OpenAI SSE stream to Ollama: NDJSON lines as they come ({@link #streaming}) or one JSON body at the
 * end ({@link #aggregating}, for {@code stream:false} clients: the proxy streams upstream even then, so that the
 * backend stops as soon as the client leaves). One instance per request.
 *
 * <pre>
 *   streaming:   content / thinking lines ... [tool calls line] final done:true line, then Ending.completed
 *                content / thinking lines ... Ending.failed     (upstream error, no [DONE], dropped connection)
 *   aggregating: no lines; Ending.completed(body) or Ending.failed
 * </pre>
 *
 * <p>Tool calls are collected and sent whole in one {@code done:false} line right before the final line: clients
 * execute only complete calls, and Ollama's documented placement is a separate chunk before {@code done}.
 *
 * <p>Log probabilities, when the client asked for them, go out with the output of the event that carried them (alone
 * on a line when there is no visible output yet, as {@code server/routes.go} lines 2832 and 2874-2879 do); an
 * aggregated answer carries all of them, concatenated (lines 2391-2427 for chat, 752-786 for generate).
 *
 * <p>What is held until the end is bounded by {@link #MAX_HELD_CHARS}: an answer past it ends with a 500 that says so
 * (the transport then resets the backend), so a backend that never stops cannot grow the heap.
 */
public final class StreamTranslator implements StreamTranslation {
  public static final String NO_DONE = "backend stream ended before it was complete (no [DONE])";
  /**
   * The {@code error} of the line that ends a stream cut off by a graceful shutdown. Ollama's own clients raise on any
   * line with an {@code error} key, so a cut answer is never taken for a complete one.
   */
  public static final String CUT_OFF = "the proxy is shutting down: the answer was cut off before it was complete";
  /** The {@code done_reason} of that line: not {@code stop}, for clients that read the reason but not the error. */
  public static final String CANCELLED = "cancelled";
  /**
   * The most characters held until the end of an answer: content, thinking and tool-call arguments together when
   * aggregating, tool-call arguments alone when streaming. About a million tokens, several times the longest answer
   * a model writes; at 2 bytes a character, plus the final body, it costs a few tens of MB at most.
   */
  public static final int MAX_HELD_CHARS = 4 * 1024 * 1024;

  private final ChunkInterpreter chunks;
  private final OllamaWriter writer;
  /** Null when streaming: the output went out line by line. */
  private final StringBuilder content;
  private final StringBuilder thinking;
  private final List<TokenLogprob> logprobs;
  private long logprobChars;
  private boolean finished;
  private boolean producedOutput;

  private StreamTranslator(StreamSettings settings, RequestTimes times, Clock clock, boolean aggregate) {
    requireNonNull(settings, "settings");
    this.chunks = new ChunkInterpreter(settings, requireNonNull(times, "times"));
    this.writer = new OllamaWriter(settings, requireNonNull(clock, "clock"));
    this.content = aggregate ? new StringBuilder() : null;
    this.thinking = aggregate ? new StringBuilder() : null;
    this.logprobs = aggregate ? new ArrayList<>() : null;
  }

  /** For {@code stream:true}: every piece of output becomes an NDJSON line at once. */
  public static StreamTranslator streaming(StreamSettings settings, RequestTimes times, Clock clock) {
    return new StreamTranslator(settings, times, clock, false);
  }

  /** For {@code stream:false}: content and thinking are concatenated into one body at the end. */
  public static StreamTranslator aggregating(StreamSettings settings, RequestTimes times, Clock clock) {
    return new StreamTranslator(settings, times, clock, true);
  }

  @Override
  public Output onEvent(String eventType, String data, long nowNanos) {
    byte[] bytes = data.getBytes(UTF_8);
    return onEvent(eventType, bytes, 0, bytes.length, nowNanos);
  }

  @Override
  public Output onEvent(String eventType, byte[] data, int off, int len, long nowNanos) {
    if (finished) {
      return Output.NONE;
    }
    Piece piece;
    try {
      piece = chunks.accept(eventType, data, off, len, nowNanos);
    } catch (OllamaError failure) {
      return fail(failure);
    }
    Output out = emit(piece, chunks.logprobs());
    if (held() > MAX_HELD_CHARS) {
      return out.then(fail(tooLong()));
    }
    // llama-server's native stream (/infill) has no [DONE]: its stop:true chunk is the end.
    return chunks.nativeStreamEnded() ? out.then(onDone(nowNanos)) : out;
  }

  @Override
  public Output onDone(long nowNanos) {
    if (finished) {
      return Output.NONE;
    }
    Output pending = emit(chunks.flush(), List.of());
    List<ToolCallOut> calls;
    try {
      calls = chunks.toolCalls();
    } catch (OllamaError failure) {
      return pending.then(fail(failure));
    }
    finished = true;
    FinalStats stats = chunks.finish(nowNanos, false, false);
    if (content != null) {
      byte[] body = writer.done(content.toString(), thinking.toString(), calls, logprobs, stats, false);
      release();
      return Output.ended(List.of(), Ending.completed(body));
    }
    List<byte[]> lines = new ArrayList<>(pending.lines().size() + 2);
    lines.addAll(pending.lines());
    if (!calls.isEmpty()) {
      lines.add(writer.toolCalls(calls));
    }
    lines.add(writer.done("", null, List.of(), List.of(), stats, true));
    release();
    return Output.ended(lines, Ending.completed(null));
  }

  @Override
  public Output upstreamEnded(long nowNanos) {
    return fail(new OllamaError(500, NO_DONE));
  }

  @Override
  public Output fail(OllamaError failure) {
    if (finished) {
      return Output.NONE;
    }
    finished = true;
    release();
    return Output.ended(List.of(), Ending.failed(requireNonNull(failure, "failure")));
  }

  @Override
  public Output cancel(long nowNanos) {
    if (finished) {
      return Output.NONE;
    }
    finished = true;
    FinalStats stats = chunks.finish(nowNanos, true, producedOutput);
    byte[] last = content != null
        ? writer.done(content.toString(), thinking.toString(), List.of(), logprobs, stats, false)
        : writer.done("", null, List.of(), List.of(), stats, true);
    release();
    return content != null ? Output.ended(List.of(), Ending.completed(last))
        : Output.ended(List.of(last), Ending.completed(null));
  }

  @Override
  public boolean isFinished() {
    return finished;
  }

  @Override
  public long promptTokens() {
    return chunks.promptEvalCount();
  }

  @Override
  public long completionTokens() {
    return chunks.evalCount();
  }

  /** After the last line: the writer's and the parser's buffers go back to Jackson's pool for the next stream. */
  private void release() {
    writer.release();
    chunks.release();
  }

  /** Characters held until the end: what a later line or the aggregated body will carry. */
  private long held() {
    long held = chunks.toolArgumentChars();
    return content == null ? held : held + content.length() + thinking.length() + logprobChars;
  }

  private OllamaError tooLong() {
    if (content == null) {
      return new OllamaError(500, "the backend's tool call arguments are longer than " + MAX_HELD_CHARS
          + " characters, the most the proxy holds for one answer");
    }
    return new OllamaError(500, "the answer is longer than " + MAX_HELD_CHARS + " characters, the most the proxy"
        + " collects for a \"stream\":false answer; ask with \"stream\":true for longer answers");
  }

  private Output emit(Piece piece, List<TokenLogprob> tokenLogprobs) {
    if (piece.isEmpty() && tokenLogprobs.isEmpty()) {
      return Output.NONE;
    }
    producedOutput |= !piece.isEmpty();
    if (content == null) {
      return Output.line(writer.piece(piece.content(), piece.thinking(), tokenLogprobs));
    }
    for (TokenLogprob t : tokenLogprobs) {
      logprobs.add(t);
      logprobChars += t.chars();
    }
    if (piece.content() != null) {
      content.append(piece.content());
    }
    if (piece.thinking() != null) {
      thinking.append(piece.thinking());
    }
    return Output.NONE;
  }
}
