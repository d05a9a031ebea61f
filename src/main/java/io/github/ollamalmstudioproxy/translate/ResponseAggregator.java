package io.github.ollamalmstudioproxy.translate;

import static java.util.Objects.requireNonNull;

import io.github.ollamalmstudioproxy.api.OllamaError;
import java.time.Clock;
import java.util.List;

/**
 * One upstream OpenAI SSE stream to a single Ollama JSON body ({@code stream:false} clients). The proxy streams
 * upstream even then, so that the backend stops as soon as the client leaves.
 *
 * <p>Feed it like {@link StreamTranslator} (every method returns no lines), then read {@link #body()} or
 * {@link #failure()}. Content and thinking are concatenated, tool calls collected, metrics as in the streamed final
 * line.
 */
public final class ResponseAggregator implements UpstreamHandler {
  private final StreamCore core;
  private final OllamaWriter writer;
  private final StringBuilder content = new StringBuilder();
  private final StringBuilder thinking = new StringBuilder();
  private boolean finished;
  private byte[] body;
  private String error;

  public ResponseAggregator(StreamSettings settings, RequestTimes times, Clock clock) {
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
    append();
    return List.of();
  }

  @Override
  public List<byte[]> onDone(long nowNanos) {
    if (finished) {
      return List.of();
    }
    core.flush();
    append();
    List<ToolCallOut> calls = core.toolCalls();
    if (calls == null) {
      return fail(core.error);
    }
    finished = true;
    body = writer.done(content.toString(), thinking.toString(), calls, core.finish(nowNanos, false, false), false);
    return List.of();
  }

  @Override
  public List<byte[]> upstreamEnded(long nowNanos) {
    return fail(StreamTranslator.NO_DONE);
  }

  @Override
  public List<byte[]> fail(String message) {
    if (!finished) {
      finished = true;
      error = message == null || message.isEmpty() ? "backend error" : message;
    }
    return List.of();
  }

  @Override
  public List<byte[]> cancel(long nowNanos) {
    if (!finished) {
      finished = true;
      boolean partial = content.length() > 0 || thinking.length() > 0;
      body = writer.done(
          content.toString(), thinking.toString(), List.of(), core.finish(nowNanos, true, partial), false);
    }
    return List.of();
  }

  @Override
  public boolean isFinished() {
    return finished;
  }

  /** The {@code application/json} body (no trailing newline); null unless finished without failure. */
  public byte[] body() {
    return body;
  }

  /** The failure to answer with (status 500, the message as Ollama would show it); null when there was none. */
  public OllamaError failure() {
    return error == null ? null : new OllamaError(500, error);
  }

  private void append() {
    if (core.content != null) {
      content.append(core.content);
    }
    if (core.thinking != null) {
      thinking.append(core.thinking);
    }
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
