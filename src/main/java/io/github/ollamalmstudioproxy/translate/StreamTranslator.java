package io.github.ollamalmstudioproxy.translate;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * One upstream OpenAI SSE stream to Ollama NDJSON lines ({@code stream:true} clients). One instance per request.
 *
 * <pre>
 *   content / thinking chunks ... [tool calls line] final done:true line
 *   content / thinking chunks ... {"error":"..."}            (upstream error, no [DONE], dropped connection)
 * </pre>
 *
 * <p>Tool calls are collected and sent whole in one {@code done:false} line right before the final line: clients
 * execute only complete calls, and Ollama's documented placement is a separate chunk before {@code done}.
 */
public final class StreamTranslator implements UpstreamHandler {
  static final String NO_DONE = "backend stream ended before it was complete (no [DONE])";

  private final StreamCore core;
  private final OllamaWriter writer;
  private boolean finished;
  private boolean sentOutput;

  public StreamTranslator(StreamSettings settings, RequestTimes times, Clock clock) {
    requireNonNull(settings, "settings");
    this.core = new StreamCore(settings, requireNonNull(times, "times"));
    this.writer = new OllamaWriter(settings, requireNonNull(clock, "clock"));
  }

  @Override
  public List<byte[]> onEvent(String eventType, String data, long nowNanos) {
    if (finished) {
      return List.of();
    }
    if (!core.accept(eventType, data, nowNanos)) {
      return fail(core.error);
    }
    if (core.content == null && core.thinking == null) {
      return List.of();
    }
    sentOutput = true;
    return List.of(writer.piece(core.content, core.thinking));
  }

  @Override
  public List<byte[]> onDone(long nowNanos) {
    if (finished) {
      return List.of();
    }
    finished = true;
    List<byte[]> lines = new ArrayList<>(3);
    core.flush();
    if (core.content != null || core.thinking != null) {
      lines.add(writer.piece(core.content, core.thinking));
    }
    List<ToolCallOut> calls = core.toolCalls();
    if (calls == null) {
      lines.add(writer.error(core.error));
      return lines;
    }
    if (!calls.isEmpty()) {
      lines.add(writer.toolCalls(calls));
    }
    lines.add(writer.done("", null, List.of(), core.finish(nowNanos, false, false), true));
    return lines;
  }

  @Override
  public List<byte[]> upstreamEnded(long nowNanos) {
    return fail(NO_DONE);
  }

  @Override
  public List<byte[]> fail(String message) {
    if (finished) {
      return List.of();
    }
    finished = true;
    return List.of(writer.error(message == null || message.isEmpty() ? "backend error" : message));
  }

  @Override
  public List<byte[]> cancel(long nowNanos) {
    if (finished) {
      return List.of();
    }
    finished = true;
    return List.of(writer.done("", null, List.of(), core.finish(nowNanos, true, sentOutput), true));
  }

  @Override
  public boolean isFinished() {
    return finished;
  }

  @Override
  public long promptTokens() {
    return core.promptEvalCount();
  }

  @Override
  public long completionTokens() {
    return core.evalCount();
  }
}
