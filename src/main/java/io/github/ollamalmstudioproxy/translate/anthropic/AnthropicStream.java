package io.github.ollamalmstudioproxy.translate.anthropic;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import io.github.ollamalmstudioproxy.ollama.OllamaError;
import io.github.ollamalmstudioproxy.translate.ChunkInterpreter;
import io.github.ollamalmstudioproxy.translate.Output;
import io.github.ollamalmstudioproxy.translate.Output.Ending;
import io.github.ollamalmstudioproxy.translate.Piece;
import io.github.ollamalmstudioproxy.translate.RequestTimes;
import io.github.ollamalmstudioproxy.translate.StreamSettings;
import io.github.ollamalmstudioproxy.translate.StreamTranslation;
import io.github.ollamalmstudioproxy.translate.StreamTranslator;
import io.github.ollamalmstudioproxy.translate.ToolCallOut;
import io.github.ollamalmstudioproxy.translate.anthropic.AnthropicWriter.Block;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One upstream OpenAI chat-completions stream to an Anthropic Messages answer: SSE events as they come
 * ({@link #streaming}, each {@link Output} line one complete event) or one message body at the end
 * ({@link #aggregating}). One instance per request. The upstream chunks are read by the same
 * {@link ChunkInterpreter} as the Ollama path (both reasoning fields, inline {@code <think>} tags, tool-call
 * fragments merged by index, usage in its own chunk or inline, llama-server's timings, error chunks).
 *
 * <pre>
 *   streaming:   message_start                      (with the first output, or at the end when there is none)
 *                content_block_start thinking|text, content_block_delta ..., content_block_stop   (per block)
 *                content_block_start tool_use, content_block_delta input_json_delta, content_block_stop (per call)
 *                message_delta {stop_reason, usage}, message_stop             then Ending.completed(null)
 *                ... Ending.failed: the transport writes failureEvent(failure) after the first byte,
 *                                   AnthropicErrors.body(failure) with its status before it
 *   aggregating: no lines; Ending.completed(message body) or Ending.failed
 * </pre>
 *
 * <p>The sequence is Ollama's ({@code StreamConverter.Process} in {@code anthropic/anthropic.go}), except: a
 * thinking that arrives after text opens a new thinking block (Ollama drops it); {@code message_start} waits for
 * the first output, so that a backend failing before any output still gets a proper HTTP error status (the
 * transport may call {@link #open()} to commit earlier); {@code input_tokens} in {@code message_start} is 0 (the
 * backend tells it only at the end, and it is not estimated: the final {@code message_delta} carries the real count,
 * which the SDK takes). Tool calls are sent whole, in index order, at the end, as Ollama sends them: clients execute
 * only complete calls, and the arguments are validated and compacted first. {@code stop_reason} is {@code tool_use}
 * with calls, {@code max_tokens} for {@code finish_reason:"length"}, else {@code end_turn} ({@code stop_sequence}
 * stays null: chat completions do not say which sequence matched).
 *
 * <p>A graceful shutdown ({@link #cancel}) ends the answer as a failure, 503 {@code overloaded_error}, so that
 * agents retry rather than take a cut answer as the end of their turn.
 */
public final class AnthropicStream implements StreamTranslation {
  static final String SHUTTING_DOWN = "the proxy is shutting down";
  private static final byte[] PING = "event: ping\ndata: {\"type\":\"ping\"}\n\n".getBytes(UTF_8);
  private static final int NONE = 0;
  private static final int THINKING = 1;
  private static final int TEXT = 2;

  private final ChunkInterpreter chunks;
  private final AnthropicWriter writer;
  private final String id;
  /** Null when streaming. */
  private final List<Block> blocks;
  private boolean started;
  /** The kind of the open block, streaming only. */
  private int open = NONE;
  /** The index of the open block, or of the next one. */
  private int index;
  private boolean finished;

  private AnthropicStream(MessagesRequest request, RequestTimes times, boolean aggregate) {
    requireNonNull(request, "request");
    this.chunks = new ChunkInterpreter(
        new StreamSettings(StreamSettings.Shape.CHAT, request.model(), request.dropReasoning(), true),
        requireNonNull(times, "times"));
    this.id = messageId();
    this.writer = new AnthropicWriter(id, request.model());
    this.blocks = aggregate ? new ArrayList<>() : null;
  }

  /** For {@code stream:true}: SSE events. */
  public static AnthropicStream streaming(MessagesRequest request, RequestTimes times) {
    return new AnthropicStream(request, times, false);
  }

  /** For {@code stream:false}: one message body at the end. */
  public static AnthropicStream aggregating(MessagesRequest request, RequestTimes times) {
    return new AnthropicStream(request, times, true);
  }

  /** Anthropic's form as Ollama makes it: {@code msg_} and 24 hex digits. */
  static String messageId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return String.format("msg_%016x%08x", random.nextLong(), random.nextInt());
  }

  /** The {@code msg_…} id of this answer. */
  public String id() {
    return id;
  }

  /** A keep-alive the transport may send while a stream is open (SDKs skip it). */
  public static byte[] ping() {
    return PING.clone();
  }

  /**
   * {@code message_start} now, if it was not sent yet: for a transport that wants to commit the stream before the
   * first token (e.g. to keep a client's first-byte timer happy through a long prompt). {@link Output#NONE} when
   * aggregating, once started, or after the end.
   */
  public Output open() {
    if (finished || blocks != null || started) {
      return Output.NONE;
    }
    return preamble();
  }

  /** The {@code event: error} a started stream ends with; see {@link AnthropicErrors#event}. */
  public byte[] failureEvent(OllamaError failure) {
    return AnthropicErrors.event(failure);
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
    return emit(piece);
  }

  @Override
  public Output onDone(long nowNanos) {
    if (finished) {
      return Output.NONE;
    }
    Output pending = emit(chunks.flush());
    List<ToolCallOut> calls;
    try {
      calls = chunks.toolCalls();
    } catch (OllamaError failure) {
      return pending.then(fail(failure));
    }
    finished = true;
    String stopReason = !calls.isEmpty() ? "tool_use"
        : "length".equals(chunks.finishReason()) ? "max_tokens" : "end_turn";
    if (blocks != null) {
      for (ToolCallOut call : calls) {
        blocks.add(new Block("tool_use", null, call));
      }
      byte[] body = writer.body(blocks, stopReason, chunks.promptEvalCount(), chunks.evalCount());
      return Output.ended(List.of(), Ending.completed(body));
    }
    List<byte[]> lines = new ArrayList<>(pending.count() + 4 + 3 * calls.size());
    lines.addAll(pending.lines());
    if (!started) {
      started = true;
      lines.add(writer.messageStart(chunks.promptEvalCount()));
    }
    if (open != NONE) {
      lines.add(writer.blockStop(index++));
      open = NONE;
    }
    for (ToolCallOut call : calls) {
      lines.addAll(List.of(writer.toolUse(index++, call)));
    }
    lines.add(writer.messageDelta(stopReason, chunks.promptEvalCount(), chunks.evalCount()));
    lines.add(writer.messageStop());
    return Output.ended(lines, Ending.completed(null));
  }

  @Override
  public Output upstreamEnded(long nowNanos) {
    return fail(new OllamaError(500, StreamTranslator.NO_DONE));
  }

  @Override
  public Output fail(OllamaError failure) {
    if (finished) {
      return Output.NONE;
    }
    finished = true;
    return Output.ended(List.of(), Ending.failed(requireNonNull(failure, "failure")));
  }

  @Override
  public Output cancel(long nowNanos) {
    return fail(new OllamaError(503, SHUTTING_DOWN));
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

  private Output emit(Piece piece) {
    if (piece.isEmpty()) {
      return Output.NONE;
    }
    if (blocks != null) {
      append(AnthropicWriter.THINKING, piece.thinking());
      append(AnthropicWriter.TEXT, piece.content());
      return Output.NONE;
    }
    Output out = Output.NONE;
    if (piece.thinking() != null) {
      out = out.then(streamed(THINKING, piece.thinking()));
    }
    if (piece.content() != null) {
      out = out.then(streamed(TEXT, piece.content()));
    }
    return out;
  }

  /** The delta, after the events that open its block (and close the previous one) when it is the first. */
  private Output streamed(int kind, String text) {
    String name = kind == TEXT ? AnthropicWriter.TEXT : AnthropicWriter.THINKING;
    if (open == kind) {
      return Output.line(writer.delta(index, name, text));
    }
    Output out = started ? Output.NONE : preamble();
    if (open != NONE) {
      out = out.then(Output.line(writer.blockStop(index++)));
    }
    open = kind;
    return out.then(Output.line(writer.blockStart(index, name))).then(Output.line(writer.delta(index, name, text)));
  }

  private Output preamble() {
    started = true;
    return Output.line(writer.messageStart(chunks.promptEvalCount()));
  }

  private void append(String kind, String text) {
    if (text == null) {
      return;
    }
    Block last = blocks.isEmpty() ? null : blocks.get(blocks.size() - 1);
    if (last == null || !last.kind().equals(kind)) {
      last = new Block(kind, new StringBuilder(), null);
      blocks.add(last);
    }
    last.text().append(text);
  }
}
