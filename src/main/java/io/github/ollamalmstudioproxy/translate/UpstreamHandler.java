package io.github.ollamalmstudioproxy.translate;

import java.util.List;

/**
 * Consumes one upstream OpenAI stream, event by event, and produces Ollama output.
 *
 * <p>Every method returns the NDJSON lines to write now (each one JSON object plus {@code '\n'}), possibly none.
 * After the first {@code done:true} or {@code error} line the handler is finished and every further call returns an
 * empty list, so a client never sees two endings. {@code nowNanos} is the caller's {@link System#nanoTime()}.
 */
public interface UpstreamHandler {
  /** One SSE event: {@code eventType} is null for plain {@code data:} events, {@code "error"} for failures. */
  List<byte[]> onEvent(String eventType, String data, long nowNanos);

  /** {@code data: [DONE]}: the pending tool calls and the final line. */
  List<byte[]> onDone(long nowNanos);

  /** The upstream body ended without {@code [DONE]}: an error line. */
  List<byte[]> upstreamEnded(long nowNanos);

  /** Any failure (connection dropped, timeout, unreadable stream): one {@code {"error":...}} line. */
  List<byte[]> fail(String message);

  /**
   * A graceful shutdown cuts the stream short: a final line with {@code done_reason:"stop"}, {@code cancelled:true}
   * and {@code partial_response} telling whether any output was already sent.
   */
  List<byte[]> cancel(long nowNanos);

  boolean isFinished();

  /** Prompt tokens the backend reported so far, or -1: for metrics, never invented. */
  long promptTokens();

  /** Generated tokens the backend reported so far, or -1. */
  long completionTokens();
}
