package io.github.ollamalmstudioproxy.sse;

/** The upstream byte stream cannot be read as server-sent events (for example a line over the length bound). */
public final class SseException extends RuntimeException {
  public SseException(String message) {
    super(message, null, false, false);
  }
}
