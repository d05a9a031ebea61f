package io.github.ollamalmstudioproxy.sse;

import static java.nio.charset.StandardCharsets.UTF_8;

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

  /**
   * The same event as UTF-8 bytes, which is how the decoder reports it: a listener that can read bytes overrides
   * this and saves a {@code String} per event. The bytes are the decoder's and valid only during the call.
   */
  default void onEvent(String eventType, byte[] data, int off, int len) {
    onEvent(eventType, new String(data, off, len, UTF_8));
  }

  /** The OpenAI end marker {@code data: [DONE]}; nothing meaningful follows it. */
  void onDone();
}
