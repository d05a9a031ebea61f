package io.github.ollamalmstudioproxy.translate;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.github.ollamalmstudioproxy.ollama.OllamaError;

/**
 * Translates one upstream OpenAI stream, event by event. Every method returns an {@link Output}: the lines to write
 * now (possibly none) and, once the answer is over, how it ended. After the first ending every further call returns
 * {@link Output#NONE}, so a client never sees two endings. {@code nowNanos} is the caller's {@link System#nanoTime()}.
 */
public interface StreamTranslation {
  /** One SSE event: {@code eventType} is null for plain {@code data:} events, {@code "error"} for failures. */
  Output onEvent(String eventType, String data, long nowNanos);

  /**
   * The same event as the decoder's UTF-8 bytes, valid only during the call: how {@link SseFeed} delivers it, so a
   * translator that parses bytes needs no {@code String} per token.
   */
  default Output onEvent(String eventType, byte[] data, int off, int len, long nowNanos) {
    return onEvent(eventType, new String(data, off, len, UTF_8), nowNanos);
  }

  /** {@code data: [DONE]}: the pending output and tool calls, and the end of the answer. */
  Output onDone(long nowNanos);

  /** The upstream body ended without {@code [DONE]}: a failure. */
  Output upstreamEnded(long nowNanos);

  /** The stream failed for a reason found outside the body (connection dropped, timeout, unreadable bytes). */
  Output fail(OllamaError failure);

  /**
   * A graceful shutdown cuts the stream short: a final line that must not read as a normal completion (for Ollama:
   * {@code done_reason:"cancelled"}, {@code cancelled:true}, {@code partial_response} telling whether any output was
   * already produced, and an {@code error} that Ollama's clients raise).
   */
  Output cancel(long nowNanos);

  boolean isFinished();

  /** Prompt tokens the backend reported so far, or -1: for metrics, never invented. */
  long promptTokens();

  /** Generated tokens the backend reported so far, or -1. */
  long completionTokens();
}
