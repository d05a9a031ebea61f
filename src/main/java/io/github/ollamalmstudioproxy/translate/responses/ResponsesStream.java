package io.github.ollamalmstudioproxy.translate.responses;

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
import io.github.ollamalmstudioproxy.translate.responses.ResponsesWriter.Item;
import io.github.ollamalmstudioproxy.translate.responses.ResponsesWriter.Usage;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One upstream OpenAI chat-completions stream to an OpenAI Responses answer: SSE events as they come
 * ({@link #streaming}, each {@link Output} line one complete event with its {@code sequence_number}) or one Response
 * object at the end ({@link #aggregating}). One instance per request. The chunks are read by the same
 * {@link ChunkInterpreter} as the Ollama path.
 *
 * <pre>
 *   streaming:   response.created, response.in_progress          (with the first output, or at the end)
 *                reasoning item: output_item.added, reasoning_summary_part.added, reasoning_summary_text.delta ...,
 *                                reasoning_summary_text.done, reasoning_summary_part.done, output_item.done
 *                message item:   output_item.added, content_part.added, output_text.delta ...,
 *                                output_text.done, content_part.done, output_item.done
 *                per tool call:  output_item.added, function_call_arguments.delta, function_call_arguments.done,
 *                                output_item.done
 *                response.completed {usage}  (response.incomplete for finish_reason "length")  Ending.completed
 *                ... Ending.failed: the transport writes failureEvent(failure) (response.failed) after the first
 *                                   byte, ResponsesErrors.body(failure) with its status before it
 *   aggregating: no lines; Ending.completed(Response object) or Ending.failed
 * </pre>
 *
 * <p>The sequence is Ollama's ({@code ResponsesStreamConverter} in {@code openai/responses.go}), with these
 * changes: the reasoning summary part is announced ({@code reasoning_summary_part.added/.done}) before its deltas,
 * without which the OpenAI SDK's accumulator finds no summary to append to; the message item is closed before the
 * function calls and kept in the output (Ollama drops text once a call comes); a reasoning that arrives after text
 * opens a new reasoning item; a cut answer ({@code finish_reason:"length"}) is {@code status:"incomplete"} with
 * {@code incomplete_details.reason:"max_output_tokens"} and {@code response.incomplete}, as OpenAI reports it;
 * {@code usage} is null when the backend reported none (never invented; {@code cached_tokens} and
 * {@code reasoning_tokens} are 0, as Ollama writes them); no {@code encrypted_content} (the proxy drops reasoning
 * items sent back). Ids: {@code resp_} and 24 hex digits; items {@code rs_}, {@code msg_}, {@code fc_} with the same
 * digits and their output index; {@code call_id} is the backend's tool-call id (or a synthetic {@code call_…}).
 * Function calls come whole, in index order, at the end.
 *
 * <p>A graceful shutdown ({@link #cancel}) ends the answer as a failure (503), so that agents retry.
 */
public final class ResponsesStream implements StreamTranslation {
  static final String SHUTTING_DOWN = "the proxy is shutting down";
  private static final int NONE = 0;
  private static final int REASONING = 1;
  private static final int MESSAGE = 2;

  private final ChunkInterpreter chunks;
  private final ResponsesWriter writer;
  private final Clock clock;
  private final String id;
  private final String digits;
  private final boolean aggregate;
  /** Every finished output item, in output order. */
  private final List<Item> items = new ArrayList<>();
  private int seq;
  private boolean started;
  private int open = NONE;
  private String openId;
  private final StringBuilder openText = new StringBuilder();
  private boolean finished;

  private ResponsesStream(ResponsesRequest request, RequestTimes times, Clock clock, boolean aggregate) {
    requireNonNull(request, "request");
    this.chunks = new ChunkInterpreter(
        new StreamSettings(StreamSettings.Shape.CHAT, request.model(), request.dropReasoning(), true),
        requireNonNull(times, "times"));
    this.clock = requireNonNull(clock, "clock");
    ThreadLocalRandom random = ThreadLocalRandom.current();
    this.digits = String.format("%016x%08x", random.nextLong(), random.nextInt());
    this.id = "resp_" + digits;
    this.writer = new ResponsesWriter(id, request.model(), clock.instant().getEpochSecond(), request.echo());
    this.aggregate = aggregate;
  }

  /** For {@code stream:true}: SSE events. */
  public static ResponsesStream streaming(ResponsesRequest request, RequestTimes times, Clock clock) {
    return new ResponsesStream(request, times, clock, false);
  }

  /** For {@code stream:false}: one Response object at the end. */
  public static ResponsesStream aggregating(ResponsesRequest request, RequestTimes times, Clock clock) {
    return new ResponsesStream(request, times, clock, true);
  }

  /** The {@code resp_…} id of this answer. */
  public String id() {
    return id;
  }

  /**
   * {@code response.created} and {@code response.in_progress} now, if not sent yet: for a transport that commits
   * the stream before the first token. {@link Output#NONE} when aggregating, once started, or after the end.
   */
  public Output open() {
    if (finished || aggregate || started) {
      return Output.NONE;
    }
    return preamble();
  }

  /**
   * The event a started stream ends with: {@code response.failed} with the Response object ({@code status:"failed"},
   * {@code error:{code,message}}), continuing the stream's {@code sequence_number}; preceded by
   * {@code response.created} and {@code response.in_progress} if those were not sent (Ollama does the same).
   */
  public byte[] failureEvent(OllamaError failure) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    if (!started) {
      preamble().lines().forEach(out::writeBytes);
    }
    String code = ResponsesErrors.code(failure);
    if (code == null) {
      code = failure.status() == 503 ? "server_is_overloaded" : "api_error";
    }
    out.writeBytes(writer.lifecycle("response.failed", seq++, "failed", List.of(), usage(), 0, code,
        ResponsesErrors.message(failure)));
    return out.toByteArray();
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
    boolean incomplete = "length".equals(chunks.finishReason());
    String status = incomplete ? "incomplete" : "completed";
    long completedAt = clock.instant().getEpochSecond();
    if (aggregate) {
      close(incomplete);
      for (ToolCallOut call : calls) {
        items.add(functionCall(call));
      }
      return Output.ended(List.of(), Ending.completed(writer.body(status, items, usage(), completedAt)));
    }
    List<byte[]> lines = new ArrayList<>(pending.count() + 8 + 4 * calls.size());
    lines.addAll(pending.lines());
    if (!started) {
      lines.addAll(preamble().lines());
    }
    lines.addAll(close(incomplete).lines());
    for (ToolCallOut call : calls) {
      Item item = functionCall(call);
      int index = items.size();
      lines.add(writer.itemEvent(seq++, false, index, item));
      lines.add(writer.arguments(seq++, false, item.id(), index, item.text()));
      lines.add(writer.arguments(seq++, true, item.id(), index, item.text()));
      lines.add(writer.itemEvent(seq++, true, index, item));
      items.add(item);
    }
    lines.add(writer.lifecycle(incomplete ? "response.incomplete" : "response.completed", seq++, status, items,
        usage(), completedAt, null, null));
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

  private Usage usage() {
    return new Usage(chunks.promptEvalCount(), chunks.evalCount());
  }

  private Item functionCall(ToolCallOut call) {
    return new Item("function_call", "fc_" + digits + "_" + items.size(), ResponsesWriter.compact(
        call.argumentsJson()), call, false);
  }

  private Output emit(Piece piece) {
    if (piece.isEmpty()) {
      return Output.NONE;
    }
    Output out = Output.NONE;
    if (piece.thinking() != null) {
      out = out.then(add(REASONING, piece.thinking()));
    }
    if (piece.content() != null) {
      out = out.then(add(MESSAGE, piece.content()));
    }
    return out;
  }

  /** The delta, after the events that open its item (and close the previous one) when it is the first. */
  private Output add(int kind, String text) {
    boolean summary = kind == REASONING;
    if (open == kind) {
      openText.append(text);
      return aggregate ? Output.NONE : Output.line(writer.delta(seq++, summary, openId, items.size(), text));
    }
    Output out = aggregate || started ? Output.NONE : preamble();
    out = out.then(close(false));
    open = kind;
    int index = items.size();
    openId = (summary ? "rs_" : "msg_") + digits + "_" + index;
    openText.append(text);
    if (aggregate) {
      return Output.NONE;
    }
    Item added = new Item(summary ? "reasoning" : "message", openId, "", null, false);
    out = out.then(Output.line(writer.itemEvent(seq++, false, index, added)));
    out = out.then(Output.line(summary ? writer.summaryPart(seq++, openId, index, null)
        : writer.contentPart(seq++, openId, index, null)));
    return out.then(Output.line(writer.delta(seq++, summary, openId, index, text)));
  }

  /** Finishes the open item, if any: its closing events, and it joins the output. */
  private Output close(boolean incomplete) {
    if (open == NONE) {
      return Output.NONE;
    }
    boolean summary = open == REASONING;
    String text = openText.toString();
    Item item = new Item(summary ? "reasoning" : "message", openId, text, null, incomplete && !summary);
    int index = items.size();
    items.add(item);
    open = NONE;
    openText.setLength(0);
    if (aggregate) {
      return Output.NONE;
    }
    List<byte[]> lines = new ArrayList<>(3);
    lines.add(writer.textDone(seq++, summary, item.id(), index, text));
    lines.add(summary ? writer.summaryPart(seq++, item.id(), index, text)
        : writer.contentPart(seq++, item.id(), index, text));
    lines.add(writer.itemEvent(seq++, true, index, item));
    return Output.line(lines.get(0)).then(Output.line(lines.get(1))).then(Output.line(lines.get(2)));
  }

  private Output preamble() {
    started = true;
    byte[] created = writer.lifecycle("response.created", seq++, "in_progress", List.of(), null, 0, null, null);
    byte[] inProgress = writer.lifecycle("response.in_progress", seq++, "in_progress", List.of(), null, 0, null,
        null);
    return Output.line(created).then(Output.line(inProgress));
  }
}
