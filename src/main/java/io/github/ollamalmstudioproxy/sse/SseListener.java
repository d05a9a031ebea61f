package io.github.ollamalmstudioproxy.sse;

/** Receives complete server-sent events from {@link SseDecoder}. */
public interface SseListener {
  /**
   * One complete event.
   *
   * @param eventType the {@code event:} field, or {@code "error"} for llama-server's {@code error:} line; null when
   *     the event named no type (the common case)
   * @param data the {@code data:} lines joined with {@code '\n'}
   */
  void onEvent(String eventType, String data);

  /** The OpenAI end marker {@code data: [DONE]}; nothing meaningful follows it. */
  void onDone();
}
